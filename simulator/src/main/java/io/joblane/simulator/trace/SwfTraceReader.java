package io.joblane.simulator.trace;

import java.io.BufferedReader;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the Standard Workload Format (v2.2) of the Parallel Workloads Archive: 18 whitespace-separated fields,
 * ';' header comments, -1 for unknown. A job of P processors becomes k = ceil(P / maxPodCpu) pods of ceil(P / k)
 * cores each (an MPI job's ranks split over nodes, without gang scheduling); memory per pod is its cores times the
 * requested (field 10, else used, field 7) KB per processor, else {@code defaultMemoryPerCore}. Jobs with an
 * unknown run time or processor count are skipped by rule.
 */
final class SwfTraceReader extends LineTraceReader {
    static final int FIELDS = 18;
    private static final long KIB_MILLIS = 1024L * 1000L;

    private static final long NOT_A_NUMBER = Long.MIN_VALUE;
    /** User numbers below this have their family name in an array (a few hundred kB at most), others in a map. */
    private static final int SMALL_USERS = 1 << 16;

    /**
     * Reused for every line: the reader parses a million lines per pass, and reads the trace once per policy. Fields
     * are read where they stand in the line (their bounds), not as strings of their own.
     */
    private final int[] starts = new int[FIELDS];

    private final int[] ends = new int[FIELDS];

    private final long[] values = new long[FIELDS];
    private final int maxPodCores;
    private final long defaultMemoryPerCoreMillis;
    /**
     * One name per user, shared by its Jobs: lanes look a pod's family up at every prediction, and a key that is the
     * map's own object is found without comparing its characters.
     */
    private final Map<Long, String> familyOfUser = new HashMap<>();
    /** The same names by user number for the small numbers archives use: found without boxing the number. */
    private String[] familyOfSmallUser = new String[64];

    SwfTraceReader(BufferedReader in, boolean skipBadLines, int maxPodCores, long defaultMemoryPerCoreMillis) {
        super(in, skipBadLines);
        if (maxPodCores < 1) {
            throw new IllegalArgumentException(
                    "an SWF pod needs at least one whole core per node; node cpu is too small");
        }
        this.maxPodCores = maxPodCores;
        this.defaultMemoryPerCoreMillis = defaultMemoryPerCoreMillis;
    }

    @Override
    boolean isComment(String line) {
        return line.stripLeading().startsWith(";");
    }

    @Override
    TraceJob parse(String line, long lineNumber) throws TraceFormatException {
        String text = line.trim();
        int count = split(text, starts, ends);
        if (count != FIELDS) {
            throw new TraceFormatException(
                    lineNumber, "SWF needs " + FIELDS + " whitespace-separated fields, got " + count);
        }
        long[] v = values;
        for (int i = 0; i < FIELDS; i++) {
            v[i] = wholeNumber(text, starts[i], ends[i]);
            if (v[i] == NOT_A_NUMBER) {
                throw new TraceFormatException(
                        lineNumber,
                        "SWF field " + (i + 1) + " is not a number: \"" + text.substring(starts[i], ends[i]) + "\"");
            }
        }
        long submit = v[1];
        long runTime = v[3];
        long processors = v[4] > 0 ? v[4] : v[7];
        long memoryKib = v[9] > 0 ? v[9] : v[6];
        if (submit < 0) {
            throw new TraceFormatException(lineNumber, "SWF submit time (field 2) is unknown or negative: " + submit);
        }
        if (runTime < 0 || processors <= 0) {
            return null;
        }
        long pods = (processors + maxPodCores - 1) / maxPodCores;
        long coresPerPod = (processors + pods - 1) / pods;
        long memoryPerCore = memoryKib > 0 ? memoryKib * KIB_MILLIS : defaultMemoryPerCoreMillis;
        return new TraceJob(
                lineNumber,
                submit * 1000,
                runTime * 1000,
                coresPerPod * 1000,
                memoryPerCore * coresPerPod,
                0,
                (int) pods,
                "",
                deadlineMillis(v),
                family(v[11]));
    }

    /** Field 9, the requested time: an upper bound the user gave at submit. */
    private static long deadlineMillis(long[] v) {
        return v[8] > 0 ? v[8] * 1000 : 0;
    }

    /** Field 12, the user: the family whose run times predict the next one's. */
    private String family(long user) {
        if (user <= 0) {
            return "";
        }
        if (user >= SMALL_USERS) {
            return familyOfUser.computeIfAbsent(user, u -> "user-" + u);
        }
        int u = (int) user;
        if (u >= familyOfSmallUser.length) {
            familyOfSmallUser = Arrays.copyOf(
                    familyOfSmallUser, Math.min(SMALL_USERS, Math.max(u + 1, 2 * familyOfSmallUser.length)));
        }
        String f = familyOfSmallUser[u];
        if (f == null) {
            f = "user-" + u;
            familyOfSmallUser[u] = f;
        }
        return f;
    }

    /**
     * Splits {@code line} (trimmed) at runs of whitespace as {@code split("\\s+")} would: each field's bounds into
     * {@code starts} and {@code ends} as far as they go; returns the number of fields.
     */
    static int split(String line, int[] starts, int[] ends) {
        int count = 0;
        int i = 0;
        int n = line.length();
        if (n == 0) {
            return 1; // split() of an empty line gives one empty field
        }
        while (i < n) {
            int start = i;
            while (i < n && !isSpace(line.charAt(i))) {
                i++;
            }
            if (count < starts.length) {
                starts[count] = start;
                ends[count] = i;
            }
            count++;
            while (i < n && isSpace(line.charAt(i))) {
                i++;
            }
        }
        return count;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /**
     * The value of {@code line}'s characters from {@code start} to {@code end} (not empty) rounded down, as {@code
     * Math.floor(Double.parseDouble(field))}, without the double parse for the common plain integer; NOT_A_NUMBER if
     * it is none. Some archive logs write whole numbers with a fraction ("3600.00"): those take the slow path.
     */
    static long wholeNumber(String line, int start, int end) {
        int i = line.charAt(start) == '-' ? start + 1 : start;
        if (i < end && end - i <= 15) {
            long value = 0;
            boolean digits = true;
            for (int j = i; j < end; j++) {
                char c = line.charAt(j);
                if (c < '0' || c > '9') {
                    digits = false;
                    break;
                }
                value = value * 10 + (c - '0');
            }
            if (digits) {
                return i > start ? -value : value;
            }
        }
        try {
            return (long) Math.floor(Double.parseDouble(line.substring(start, end)));
        } catch (NumberFormatException e) {
            return NOT_A_NUMBER;
        }
    }
}
