package io.joblane.scaler.plan;

import java.time.Instant;
import java.util.Map;

/**
 * Bound pods' expected ends as lanes predicted them (the drain order's input), looked up pod by pod: the drain order
 * reads those of a few nodes' pods, so lanes need not lay every bound pod's end out by uid at every scan.
 */
public interface ExpectedEnds {
    /** No predictions: every pod keeps what it carries. */
    ExpectedEnds NONE = byUid(Map.of());

    /** No bound pod has a prediction; then the drain order reads what pods carry. */
    boolean isEmpty();

    /**
     * The expected end of the pod {@code uid} bound to {@code node}, or null when it has none. A pod's uid is unique and
     * its node never changes once bound, so the node only narrows the search.
     */
    Instant of(String uid, String node);

    /** Ends by uid, whatever the node. */
    static ExpectedEnds byUid(Map<String, Instant> ends) {
        return new ExpectedEnds() {
            @Override
            public boolean isEmpty() {
                return ends.isEmpty();
            }

            @Override
            public Instant of(String uid, String node) {
                return ends.get(uid);
            }
        };
    }
}
