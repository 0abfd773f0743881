package io.joblane.scaler;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the scan on one thread: every scan interval (read again after each scan, so a reloaded config applies), and
 * soon after a relevant cluster change. Changes are debounced: a burst of informer events yields one scan after
 * {@code debounce}, never sooner than {@code minGap} after the previous scan. Scans never overlap.
 */
final class ScanScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScanScheduler.class);

    private final Runnable scan;
    private final Supplier<Duration> interval;
    private final Duration debounce;
    private final Duration minGap;
    private final ScheduledExecutorService executor;
    private ScheduledFuture<?> next;
    private long lastScanNanos;
    private boolean running;

    ScanScheduler(Runnable scan, Supplier<Duration> interval, Duration debounce, Duration minGap) {
        this.scan = scan;
        this.interval = interval;
        this.debounce = debounce;
        this.minGap = minGap;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scaler-loop");
            t.setDaemon(true);
            return t;
        });
    }

    synchronized void start() {
        running = true;
        schedule(Duration.ZERO);
    }

    /** A relevant change happened: scan soon, unless a scan is already due sooner. */
    synchronized void trigger() {
        if (!running) {
            return;
        }
        long sinceLast = System.nanoTime() - lastScanNanos;
        Duration wait = debounce;
        Duration gapLeft = minGap.minusNanos(sinceLast);
        if (gapLeft.compareTo(wait) > 0) {
            wait = gapLeft;
        }
        if (next == null || next.getDelay(TimeUnit.NANOSECONDS) > wait.toNanos()) {
            schedule(wait);
        }
    }

    private synchronized void schedule(Duration delay) {
        if (next != null) {
            next.cancel(false);
        }
        next = executor.schedule(this::runScan, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void runScan() {
        synchronized (this) {
            if (!running) {
                return;
            }
            next = null;
        }
        try {
            scan.run();
        } catch (RuntimeException e) {
            LOG.error("scan failed", e);
        }
        synchronized (this) {
            lastScanNanos = System.nanoTime();
            if (running && next == null) {
                schedule(interval.get());
            }
        }
    }

    /** Stops scheduling and waits for a scan in progress to finish. */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            running = false;
            if (next != null) {
                next.cancel(false);
            }
        }
        executor.shutdown();
        if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
            LOG.warn("scan still running after 60s, interrupting it");
            executor.shutdownNow();
        }
    }
}
