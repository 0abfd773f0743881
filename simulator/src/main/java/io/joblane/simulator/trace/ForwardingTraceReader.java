package io.joblane.simulator.trace;

import java.io.IOException;

/**
 * A reader that changes or leaves out rows of another reader: subclasses give {@link #next}; bad lines, rows
 * skipped by rule and closing stay those of the reader underneath.
 */
public abstract class ForwardingTraceReader implements TraceReader {
    protected final TraceReader delegate;

    protected ForwardingTraceReader(TraceReader delegate) {
        this.delegate = delegate;
    }

    @Override
    public long badLines() {
        return delegate.badLines();
    }

    @Override
    public String firstBadLine() {
        return delegate.firstBadLine();
    }

    @Override
    public long skippedRows() {
        return delegate.skippedRows();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
