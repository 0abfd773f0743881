package io.joblane.scaler.lanes;

import io.joblane.model.lanes.FamilyHistory;
import io.joblane.model.lanes.RunTimePredictor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides each group node's {@code joblane.io/lane-end} label: the latest expected end (start plus predicted run time)
 * of the Job pods bound to it, in whole minutes since the epoch; no label when none of them has a prediction. Only
 * labels that differ are returned, and since the value is whole minutes, a label moves only by a minute or more: a
 * running pod's start is fixed, so its node's label changes when pods come and go or a family's history moves, not
 * every scan. Pure.
 */
public final class LaneEnds {
    /** One label to write; {@code value} null removes it. */
    public record Change(String node, String value) {}

    private LaneEnds() {}

    /**
     * The expected end (epoch milliseconds: start, or now before it has one, plus the prediction) of every bound pod
     * with a prediction, by uid.
     */
    public static Map<String, Long> expectedEnds(List<LanePod> pods, FamilyHistory history, long nowMillis) {
        Map<String, Long> ends = new HashMap<>();
        for (LanePod p : pods) {
            if (!p.bound() || p.node() == null) {
                continue;
            }
            RunTimePredictor.predict(p.expectedDuration(), history.get(p.family()), p.deadlineMillis())
                    .ifPresent(prediction -> {
                        long start = p.startMillis() >= 0 ? p.startMillis() : nowMillis;
                        ends.put(p.uid(), start + prediction.millis());
                    });
        }
        return ends;
    }

    public static List<Change> changes(
            List<LaneNode> nodes, List<LanePod> pods, FamilyHistory history, long nowMillis) {
        return changes(nodes, pods, expectedEnds(pods, history, nowMillis));
    }

    /** The label changes given each bound pod's expected end ({@link #expectedEnds}). */
    public static List<Change> changes(List<LaneNode> nodes, List<LanePod> pods, Map<String, Long> ends) {
        Map<String, Long> latest = new HashMap<>();
        for (LanePod p : pods) {
            Long end = p.bound() && p.node() != null ? ends.get(p.uid()) : null;
            if (end != null) {
                latest.merge(p.node(), RunTimePredictor.minutes(end), Math::max);
            }
        }
        List<Change> changes = new ArrayList<>();
        for (LaneNode n : nodes) {
            Long end = latest.get(n.name());
            String wanted = end == null ? null : Long.toString(end);
            if (!Objects.equals(wanted, n.laneEnd())) {
                changes.add(new Change(n.name(), wanted));
            }
        }
        return changes;
    }
}
