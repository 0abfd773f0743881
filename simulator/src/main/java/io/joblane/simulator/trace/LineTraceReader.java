package io.joblane.simulator.trace;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * Shared line handling of the text trace formats: line numbers, comment and blank lines, submit-order
 * checking and the skip-bad-lines policy. Subclasses parse one line into a row, or return null to skip it by rule.
 */
abstract class LineTraceReader implements TraceReader {
    private final BufferedReader in;
    private final boolean skipBadLines;
    private long lineNumber;
    private long badLines;
    private long skippedRows;
    private long lastSubmit = Long.MIN_VALUE;
    private TraceFormatException firstBadLineError;

    LineTraceReader(BufferedReader in, boolean skipBadLines) {
        this.in = in;
        this.skipBadLines = skipBadLines;
    }

    /** Parses one non-blank, non-comment line; null means "skip by rule" (counted in {@link #skippedRows()}). */
    abstract TraceJob parse(String line, long lineNumber) throws TraceFormatException;

    /** True for lines that carry no row (comments, headers after the first line). */
    abstract boolean isComment(String line);

    /** Reads the next raw line, counting it; null at end of input. */
    final String readLine() throws IOException {
        String line = in.readLine();
        if (line != null) {
            lineNumber++;
        }
        return line;
    }

    final long lineNumber() {
        return lineNumber;
    }

    @Override
    public final TraceJob next() throws IOException, TraceFormatException {
        while (true) {
            String line = readLine();
            if (line == null) {
                return null;
            }
            if (line.isBlank() || isComment(line)) {
                continue;
            }
            try {
                TraceJob job = parse(line, lineNumber);
                if (job == null) {
                    skippedRows++;
                    continue;
                }
                if (job.submitMillis() < lastSubmit) {
                    throw new TraceFormatException(
                            lineNumber,
                            "submit time " + job.submitMillis() / 1000.0 + " s is before the previous row's "
                                    + lastSubmit / 1000.0 + " s (sort the trace by submit time)");
                }
                lastSubmit = job.submitMillis();
                return job;
            } catch (TraceFormatException e) {
                if (!skipBadLines) {
                    throw e;
                }
                if (firstBadLineError == null) {
                    firstBadLineError = e;
                }
                badLines++;
            }
        }
    }

    @Override
    public final long badLines() {
        return badLines;
    }

    /** The first bad line skipped, for the summary message; null when none. */
    final TraceFormatException firstBadLineError() {
        return firstBadLineError;
    }

    @Override
    public final String firstBadLine() {
        return firstBadLineError == null ? null : firstBadLineError.getMessage();
    }

    @Override
    public final long skippedRows() {
        return skippedRows;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    static long seconds(String text, String field, long line) throws TraceFormatException {
        try {
            double value = Double.parseDouble(text.trim());
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new TraceFormatException(
                        line, field + " must be a non-negative number of seconds, got \"" + text + "\"");
            }
            return Math.round(value * 1000);
        } catch (NumberFormatException e) {
            throw new TraceFormatException(line, field + " is not a number: \"" + text + "\"");
        }
    }

    static long integer(String text, String field, long line) throws TraceFormatException {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new TraceFormatException(line, field + " is not an integer: \"" + text + "\"");
        }
    }
}
