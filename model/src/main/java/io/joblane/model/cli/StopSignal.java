package io.joblane.model.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM taken as a request to stop rather than a kill. The JVM's own handler runs the shutdown hooks and then exits
 * with 143 (128 + 15) even after a clean shutdown, which Kubernetes and the README's exit-code table would read as a
 * failure. A long-running command installs this while it runs: the signal calls {@code stop} (on a thread of the
 * JVM's), the command then returns {@link ExitCodes#OK} like any other clean end, and {@link #close()} puts the JVM's
 * handler back. {@code sun.misc.Signal} is one of the critical internal APIs JEP 260 keeps accessible (module
 * jdk.unsupported) until a supported replacement exists (https://openjdk.org/jeps/260); javac warns about it anyway.
 */
public final class StopSignal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);
    private static final Signal TERM = new Signal("TERM");

    private final SignalHandler previous;

    private StopSignal(SignalHandler previous) {
        this.previous = previous;
    }

    /**
     * Runs {@code stop} on SIGTERM until closed. Where the JVM does not let it take the signal (run with {@code -Xrs}),
     * logs why and leaves the JVM's handler in place: SIGTERM then still shuts down through the shutdown hooks.
     */
    public static StopSignal onTerm(Runnable stop) {
        try {
            return new StopSignal(Signal.handle(TERM, signal -> {
                LOG.info("SIGTERM: stopping");
                stop.run();
            }));
        } catch (IllegalArgumentException e) {
            LOG.warn("SIGTERM left to the JVM (exit code 143 after the shutdown hooks): {}", e.getMessage());
            return new StopSignal(null);
        }
    }

    @Override
    public void close() {
        if (previous != null) {
            Signal.handle(TERM, previous);
        }
    }
}
