package io.joblane.simulator.policy;

/**
 * When a model's scans run, the trace start plus whole intervals, for a model that does not look at a node at every
 * scan and must then do what those scans would have done: cluster-autoscaler's rechecks of a blocked node. An interval
 * of 0 is unknown: every scan must look.
 */
final class ScanGrid {
    private long start;
    private long interval;

    void start(long at) {
        start = at;
    }

    void every(long intervalMillis) {
        interval = intervalMillis;
    }

    boolean known() {
        return interval > 0;
    }

    /**
     * A blocked node's recheck time after the scans up to {@code now}'s (included when {@code scannedNow}), run or
     * skipped: from {@code recheckAfter} on, each scan rechecked it and found it blocked again for {@code again}. A
     * node never found unremovable (-1) stays so; otherwise the grid must be known.
     */
    long rechecked(long recheckAfter, long again, long now, boolean scannedNow) {
        if (recheckAfter >= 0 && (!known() || again <= 0)) {
            throw new IllegalStateException("rechecks caught up without a scan interval or a recheck delay");
        }
        long at = recheckAfter;
        while (at >= 0) {
            long tick = start + (Math.max(0, at - start) + interval - 1) / interval * interval;
            if (tick > now || tick == now && !scannedNow) {
                break;
            }
            at = tick + again;
        }
        return at;
    }
}
