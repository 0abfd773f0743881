package io.joblane.scaler;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Teardown in reverse order of start-up, as Strimzi does: each started piece pushes its closer, and {@link #close()}
 * runs them last-in first-out, each once, logging and continuing past a failure. Thread-safe; idempotent: a second
 * caller (a second SIGTERM, the shutdown hook after a stop) waits for the teardown in progress instead of running
 * the remaining steps beside it.
 */
final class ShutdownStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownStack.class);

    interface Step {
        void run() throws Exception;
    }

    private record Named(String name, Step step) {}

    private final Deque<Named> steps = new ArrayDeque<>();
    /** Held for a whole teardown; pushes take only {@code this}, so start-up never waits for it. */
    private final Object closing = new Object();

    synchronized void push(String name, Step step) {
        steps.push(new Named(name, step));
    }

    @Override
    public void close() {
        synchronized (closing) {
            for (Named next = poll(); next != null; next = poll()) {
                try {
                    LOG.info("shutdown: {}", next.name());
                    next.step().run();
                } catch (Exception e) {
                    LOG.warn("shutdown step '{}' failed: {}", next.name(), e.toString());
                }
            }
        }
    }

    private synchronized Named poll() {
        return steps.poll();
    }
}
