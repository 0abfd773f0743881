package io.joblane.simulator.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Something the simulator can read from the start as often as it needs (one pass for statistics, one per policy),
 * never holding the whole trace in memory: a trace file or a seeded synthetic workload.
 */
public interface TraceSource {

    TraceReader open() throws IOException, TraceFormatException;

    /** A short human name for the report ("example.csv", "synthetic 100000 jobs"). */
    String describe();

    /** A trace file; {@code .gz} files are decompressed on the fly. */
    static TraceSource file(
            Path path,
            TraceFormat format,
            boolean skipBadLines,
            String group,
            int swfMaxPodCores,
            long swfMemoryPerCoreMillis) {
        return new TraceSource() {
            @Override
            public TraceReader open() throws IOException, TraceFormatException {
                BufferedReader in = reader(path);
                try {
                    return switch (format) {
                        case CSV -> new CsvTraceReader(in, skipBadLines, group);
                        case SWF -> new SwfTraceReader(in, skipBadLines, swfMaxPodCores, swfMemoryPerCoreMillis);
                        case ALIBABA -> new AlibabaTraceReader(in, skipBadLines);
                    };
                } catch (IOException | TraceFormatException | RuntimeException e) {
                    in.close();
                    throw e;
                }
            }

            @Override
            public String describe() {
                return path.getFileName() + " (" + format.name().toLowerCase(Locale.ROOT) + ")";
            }
        };
    }

    static BufferedReader reader(Path path) throws IOException {
        if (path.getFileName().toString().endsWith(".gz")) {
            return new BufferedReader(
                    new InputStreamReader(
                            new GZIPInputStream(Files.newInputStream(path), 1 << 16), StandardCharsets.UTF_8),
                    1 << 16);
        }
        return Files.newBufferedReader(path, StandardCharsets.UTF_8);
    }
}
