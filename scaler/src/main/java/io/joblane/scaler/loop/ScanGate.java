package io.joblane.scaler.loop;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one gate of a scan's writes: dry-run, fixed when the scan starts ({@code --dry-run} or {@code scaler.dryRun}),
 * and the Lease, asked right before each write; a replica that no longer leads ends the scan ({@link NotLeading}).
 * {@link ScaleLoop} makes one per scan: its action handlers take their dry-run from it ({@code GroupExec}) and their
 * Lease checks from the same {@code leading}; the steps that run after the scan ({@link ScaleLoop#afterScan}, lanes)
 * write only through {@link #write}. Used on the loop thread.
 */
public final class ScanGate {
    private static final Logger LOG = LoggerFactory.getLogger(ScanGate.class);

    /** A write that may throw its own checked failure. */
    @FunctionalInterface
    public interface Write<E extends Exception> {
        void run() throws E;
    }

    /** The Lease was lost mid-scan: ends the scan, never caught per group, per action or per write. */
    public static final class NotLeading extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotLeading(String before) {
            super(before, null, false, false);
        }
    }

    private final boolean dryRun;
    private final BooleanSupplier leading;

    public ScanGate(boolean dryRun, BooleanSupplier leading) {
        this.dryRun = dryRun;
        this.leading = leading;
    }

    /** Whether this scan only logs its writes. */
    public boolean dryRun() {
        return dryRun;
    }

    /** Throws {@link NotLeading} unless this replica still holds the Lease; {@code before} names the next write. */
    public void checkLeading(String before) {
        checkLeading(() -> before);
    }

    private void checkLeading(Supplier<String> before) {
        if (!leading.getAsBoolean()) {
            throw new NotLeading(before.get());
        }
    }

    /**
     * Makes the write after asking the Lease, or in dry-run only logs {@code what}. Returns true when the write was made
     * or, in dry-run, would have been; a failed write throws its own exception.
     */
    public <E extends Exception> boolean write(String what, Write<E> write) throws E {
        return write(() -> what, write);
    }

    /** As above, {@code what} told only when logged or the Lease is lost (a scan may write thousands of labels). */
    public <E extends Exception> boolean write(Supplier<String> what, Write<E> write) throws E {
        if (dryRun) {
            LOG.info("dry-run: would set {}", what.get());
            return true;
        }
        checkLeading(what);
        write.run();
        return true;
    }
}
