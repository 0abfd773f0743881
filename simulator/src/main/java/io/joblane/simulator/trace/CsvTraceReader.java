package io.joblane.simulator.trace;

import io.joblane.model.Quantity;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads Joblane's own CSV trace: a header row naming the columns {@code submit}, {@code duration} (seconds),
 * {@code cpu}, {@code memory} (Kubernetes quantities) and optionally {@code gpu}, {@code count}, {@code group},
 * {@code deadline}, {@code family} and {@code zone} (the only zone the Job may run in, as a bound volume's).
 * Lines starting with '#' are comments; extra columns are ignored. Rows of other groups are skipped when a
 * group filter is set.
 */
final class CsvTraceReader extends LineTraceReader {
    private final String groupFilter;
    private final int submit;
    private final int duration;
    private final int cpu;
    private final int memory;
    private final int gpu;
    private final int count;
    private final int group;
    private final int deadline;
    private final int family;
    private final int zone;
    private final int columns;

    CsvTraceReader(BufferedReader in, boolean skipBadLines, String groupFilter)
            throws IOException, TraceFormatException {
        super(in, skipBadLines);
        this.groupFilter = groupFilter;
        String header;
        do {
            header = readLine();
            if (header == null) {
                throw new TraceFormatException(
                        lineNumber(), "empty trace: expected a header row naming submit,duration,cpu,memory");
            }
        } while (header.isBlank() || isComment(header));
        if (header.startsWith("\uFEFF")) {
            header = header.substring(1); // a byte-order mark left by spreadsheet exports
        }
        Map<String, Integer> index = new HashMap<>();
        String[] names = header.split(",", -1);
        for (int i = 0; i < names.length; i++) {
            String name = unquote(names[i]).toLowerCase(Locale.ROOT);
            if (index.putIfAbsent(name, i) != null) {
                throw new TraceFormatException(lineNumber(), "header names column \"" + name + "\" twice");
            }
        }
        submit = required(index, "submit");
        duration = required(index, "duration");
        cpu = required(index, "cpu");
        memory = required(index, "memory");
        gpu = index.getOrDefault("gpu", -1);
        count = index.getOrDefault("count", -1);
        group = index.getOrDefault("group", -1);
        deadline = index.getOrDefault("deadline", -1);
        family = index.getOrDefault("family", -1);
        zone = index.getOrDefault("zone", -1);
        columns = names.length;
    }

    private int required(Map<String, Integer> index, String name) throws TraceFormatException {
        Integer at = index.get(name);
        if (at == null) {
            throw new TraceFormatException(
                    lineNumber(),
                    "header has no \"" + name
                            + "\" column (needs submit,duration,cpu,memory; optional gpu,count,group,deadline,family,zone)");
        }
        return at;
    }

    @Override
    boolean isComment(String line) {
        return line.startsWith("#");
    }

    @Override
    TraceJob parse(String line, long lineNumber) throws TraceFormatException {
        String[] f = line.split(",", -1);
        if (f.length != columns) {
            throw new TraceFormatException(
                    lineNumber, "expected " + columns + " fields like the header, got " + f.length);
        }
        String groupName = group < 0 ? "" : unquote(f[group]);
        long submitMillis = seconds(unquote(f[submit]), "submit", lineNumber);
        long durationMillis = seconds(unquote(f[duration]), "duration", lineNumber);
        long cpuMillis = quantity(unquote(f[cpu]), "cpu", lineNumber);
        long memoryMillis = quantity(unquote(f[memory]), "memory", lineNumber);
        long gpus = gpus(f, lineNumber);
        int pods = count(f, lineNumber);
        if (cpuMillis == 0 && memoryMillis == 0 && gpus == 0) {
            throw new TraceFormatException(lineNumber, "a Job must request some cpu, memory or gpu");
        }
        if (groupFilter != null && !groupFilter.equals(groupName)) {
            return null;
        }
        return new TraceJob(
                lineNumber,
                submitMillis,
                durationMillis,
                cpuMillis,
                memoryMillis,
                gpus,
                pods,
                groupName,
                optionalSeconds(f, deadline, "deadline", lineNumber),
                family < 0 ? "" : unquote(f[family]),
                zone < 0 ? "" : unquote(f[zone]));
    }

    private long gpus(String[] f, long lineNumber) throws TraceFormatException {
        if (gpu < 0 || unquote(f[gpu]).isEmpty()) {
            return 0;
        }
        long gpus = integer(unquote(f[gpu]), "gpu", lineNumber);
        if (gpus < 0) {
            throw new TraceFormatException(lineNumber, "gpu must not be negative, got " + gpus);
        }
        return gpus;
    }

    private int count(String[] f, long lineNumber) throws TraceFormatException {
        if (count < 0 || unquote(f[count]).isEmpty()) {
            return 1;
        }
        long c = integer(unquote(f[count]), "count", lineNumber);
        if (c < 1 || c > 1_000_000) {
            throw new TraceFormatException(lineNumber, "count must be between 1 and 1000000, got " + c);
        }
        return (int) c;
    }

    private static long optionalSeconds(String[] f, int column, String name, long lineNumber)
            throws TraceFormatException {
        return column < 0 || unquote(f[column]).isEmpty() ? 0 : seconds(unquote(f[column]), name, lineNumber);
    }

    private static long quantity(String text, String field, long line) throws TraceFormatException {
        try {
            return Quantity.toMillis(text);
        } catch (IllegalArgumentException e) {
            throw new TraceFormatException(line, field + ": " + e.getMessage());
        }
    }

    private static String unquote(String field) {
        String s = field.trim();
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            return s.substring(1, s.length() - 1).trim();
        }
        return s;
    }
}
