package io.joblane.simulator.trace;

import io.joblane.model.Quantity;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the pod list of Alibaba's cluster-trace-gpu-v2023 ({@code openb_pod_list_*.csv}): submit is
 * {@code creation_time}, duration is {@code deletion_time - scheduled_time}, cpu {@code cpu_milli}, memory
 * {@code memory_mib}, gpu {@code num_gpu} (a shared fraction, gpu_milli, is rounded up to one whole GPU, as
 * {@code nvidia.com/gpu} is an integer resource). Pods never scheduled in the original (no scheduled_time) are
 * skipped by rule.
 */
final class AlibabaTraceReader extends LineTraceReader {
    private final int cpu;
    private final int memory;
    private final int gpu;
    private final int creation;
    private final int deletion;
    private final int scheduled;
    private final int columns;

    AlibabaTraceReader(BufferedReader in, boolean skipBadLines) throws IOException, TraceFormatException {
        super(in, skipBadLines);
        String header = readLine();
        if (header == null) {
            throw new TraceFormatException(0, "empty trace: expected the Alibaba pod list header");
        }
        Map<String, Integer> index = new HashMap<>();
        String[] names = header.split(",", -1);
        for (int i = 0; i < names.length; i++) {
            index.put(names[i].trim(), i);
        }
        cpu = required(index, "cpu_milli");
        memory = required(index, "memory_mib");
        gpu = required(index, "num_gpu");
        creation = required(index, "creation_time");
        deletion = required(index, "deletion_time");
        scheduled = required(index, "scheduled_time");
        columns = names.length;
    }

    private int required(Map<String, Integer> index, String name) throws TraceFormatException {
        Integer at = index.get(name);
        if (at == null) {
            throw new TraceFormatException(1, "Alibaba pod list header has no \"" + name + "\" column");
        }
        return at;
    }

    @Override
    boolean isComment(String line) {
        return false;
    }

    @Override
    TraceJob parse(String line, long lineNumber) throws TraceFormatException {
        String[] f = line.split(",", -1);
        if (f.length != columns) {
            throw new TraceFormatException(
                    lineNumber, "expected " + columns + " fields like the header, got " + f.length);
        }
        if (f[scheduled].isBlank()) {
            return null;
        }
        long submitMillis = seconds(f[creation], "creation_time", lineNumber);
        long start = seconds(f[scheduled], "scheduled_time", lineNumber);
        long end = seconds(f[deletion], "deletion_time", lineNumber);
        if (end < start) {
            throw new TraceFormatException(lineNumber, "deletion_time is before scheduled_time");
        }
        long cpuMillis = integer(f[cpu], "cpu_milli", lineNumber);
        long memoryMib = integer(f[memory], "memory_mib", lineNumber);
        long gpus = integer(f[gpu], "num_gpu", lineNumber);
        if (cpuMillis < 0 || memoryMib < 0 || gpus < 0) {
            throw new TraceFormatException(lineNumber, "negative resource request");
        }
        return new TraceJob(lineNumber, submitMillis, end - start, cpuMillis, memoryMib * Quantity.MI, gpus, 1, "");
    }
}
