package io.joblane.simulator.trace;

import java.io.IOException;

/**
 * A stream of trace rows in submit order, read one at a time so the simulator's memory never depends on the
 * trace length. Used by the simulation's single thread.
 */
public interface TraceReader extends AutoCloseable {

    /** The next row, or null at the end of the trace. */
    TraceJob next() throws IOException, TraceFormatException;

    /** Malformed lines skipped so far (only with skip-bad-lines; otherwise the first one throws). */
    long badLines();

    /** The message of the first bad line skipped, or null when none was. */
    default String firstBadLine() {
        return null;
    }

    /** Well-formed rows that cannot be replayed and were left out by rule (documented per format). */
    long skippedRows();

    @Override
    void close() throws IOException;
}
