package io.joblane.scaler;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Teardown in reverse order of start-up, as Strimzi does: each started piece pushes its closer, and {@link #close()}
 * runs them last-in first-out, each once, logging and continuing past a failure. Thread-safe; idempotent.
 */
final class ShutdownStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownStack.class);

    interface Step {
        void run() throws Exception;
    }

    private record Named(String name, Step step) {
    }

    private final Deque<Named> steps = new ArrayDeque<>();

    synchronized void push(String name, Step step) {
        steps.push(new Named(name, step));
    }

    @Override
    public void close() {
        while (true) {
            Named next;
            synchronized (this) {
                next = steps.poll();
            }
            if (next == null) {
                return;
            }
            try {
                LOG.info("shutdown: {}", next.name());
                next.step().run();
            } catch (Exception e) {
                LOG.warn("shutdown step '{}' failed: {}", next.name(), e.toString());
            }
        }
    }
}
