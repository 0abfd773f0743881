package io.joblane.simulator.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The trace formats {@code simulate --format} accepts; {@link #detect} guesses from the file when none is given. */
public enum TraceFormat {
    CSV,
    SWF,
    ALIBABA;

    public static TraceFormat parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown trace format \"" + text + "\" (use csv, swf or alibaba)");
        }
    }

    /** ".swf" is SWF; a CSV whose header names {@code cpu_milli} and {@code creation_time} is Alibaba; else CSV. */
    public static TraceFormat detect(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".swf") || name.endsWith(".swf.gz")) {
            return SWF;
        }
        try (BufferedReader in = TraceSource.reader(file)) {
            String header = in.readLine();
            if (header != null && header.contains("cpu_milli") && header.contains("creation_time")) {
                return ALIBABA;
            }
        }
        return CSV;
    }
}
