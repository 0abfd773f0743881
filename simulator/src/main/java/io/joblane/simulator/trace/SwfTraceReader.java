package io.joblane.simulator.trace;

import java.io.BufferedReader;

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

    private final int maxPodCores;
    private final long defaultMemoryPerCoreMillis;

    SwfTraceReader(BufferedReader in, boolean skipBadLines, int maxPodCores, long defaultMemoryPerCoreMillis) {
        super(in, skipBadLines);
        if (maxPodCores < 1) {
            throw new IllegalArgumentException("an SWF pod needs at least one whole core per node; node cpu is too small");
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
        String[] f = line.trim().split("\\s+");
        if (f.length != FIELDS) {
            throw new TraceFormatException(lineNumber, "SWF needs " + FIELDS + " whitespace-separated fields, got " + f.length);
        }
        long[] v = new long[FIELDS];
        for (int i = 0; i < FIELDS; i++) {
            try {
                // Some archive logs write whole numbers with a fraction ("3600.00"): accept them.
                double d = Double.parseDouble(f[i]);
                v[i] = (long) Math.floor(d);
            } catch (NumberFormatException e) {
                throw new TraceFormatException(lineNumber, "SWF field " + (i + 1) + " is not a number: \"" + f[i] + "\"");
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
        return new TraceJob(lineNumber, submit * 1000, runTime * 1000, coresPerPod * 1000,
                memoryPerCore * coresPerPod, 0, (int) pods, "");
    }
}
