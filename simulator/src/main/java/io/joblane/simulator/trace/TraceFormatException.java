package io.joblane.simulator.trace;

/** A trace line that cannot be read; the message names the line number and what is wrong with it. */
public class TraceFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long line;

    public TraceFormatException(long line, String problem) {
        super("line " + line + ": " + problem);
        this.line = line;
    }

    public long line() {
        return line;
    }
}
