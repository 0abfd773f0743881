package io.joblane.scaler.lanes;

import io.joblane.model.lanes.FamilyHistory;
import io.joblane.model.lanes.RunTimePredictor;
import io.joblane.model.lanes.RunTimes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides each group node's {@code joblane.io/lane-end} label: the latest expected end (start plus predicted run time)
 * of the Job pods bound to it, in whole minutes since the epoch; no label when none of them has a prediction. A
 * started pod's expected end is fixed by the first run that predicts it: a family learning or forgetting runs later
 * moves only the pods it could not yet predict (and those without a start, predicted from now). So a label changes
 * when pods come and go, not whenever a family's mean moves (on RICC 2010 that moved every node running a busy
 * user's Jobs at each of their completions: ten times the writes). The pod's own lane term was also decided once,
 * when it was created. Only labels that differ are returned, in whole minutes. Pure.
 */
public final class LaneEnds {
    /** One label to write; {@code value} null removes it. */
    public record Change(String node, String value) {}

    /**
     * The expected ends by uid and the label changes they call for, from one walk over the pods, and the ends fixed
     * after it (those of the started pods handed with a prediction) for the next run.
     */
    public record Result(Map<String, Long> ends, List<Change> changes, Map<String, Long> fixed) {}

    static final long NONE = Long.MIN_VALUE;

    private LaneEnds() {}

    /**
     * The expected end (epoch milliseconds: start, or now before it has one, plus the prediction) of every bound pod
     * with a prediction, by uid, at a first run (nothing fixed yet).
     */
    public static Map<String, Long> expectedEnds(List<LanePod> pods, FamilyHistory history, long nowMillis) {
        return of(List.of(), pods, history, nowMillis).ends();
    }

    /** The label changes at a first run (nothing fixed yet). */
    public static List<Change> changes(
            List<LaneNode> nodes, List<LanePod> pods, FamilyHistory history, long nowMillis) {
        return of(nodes, pods, history, nowMillis).changes();
    }

    /** {@link #of(List, List, FamilyHistory, long, Map)} at a first run (nothing fixed yet). */
    public static Result of(List<LaneNode> nodes, List<LanePod> pods, FamilyHistory history, long nowMillis) {
        return of(nodes, pods, history, nowMillis, Map.of());
    }

    /**
     * The expected ends and the label changes in one walk, from scratch: the definition the lanes step's kept form
     * ({@link NodeEnds}, which predicts again only what changed) must equal. A pod with an end in {@code fixed} (the
     * last run's {@link Result#fixed}) keeps it; the others are predicted from {@code history} and the time. It
     * predicts each pod once and looks a node up once per run of its pods (pods usually come node by node) rather than
     * per pod.
     */
    public static Result of(
            List<LaneNode> nodes,
            List<LanePod> pods,
            FamilyHistory history,
            long nowMillis,
            Map<String, Long> fixedBefore) {
        Map<String, Long> ends = new HashMap<>(pods.size() * 4 / 3 + 1);
        Map<String, Long> fixed = new HashMap<>();
        Map<String, Long> latest = new HashMap<>(nodes.size() * 4 / 3 + 1);
        String runNode = null;
        long runLatest = NONE;
        for (LanePod p : pods) {
            long end = NONE;
            if (p.bound() && p.node() != null) {
                Long before = fixedBefore.get(p.uid());
                end = before != null ? before : expectedEnd(p, history, nowMillis);
                if (fixes(p, end)) {
                    fixed.put(p.uid(), end);
                }
            }
            if (end == NONE) {
                continue;
            }
            ends.put(p.uid(), end);
            long minutes = RunTimePredictor.minutes(end);
            if (!p.node().equals(runNode)) {
                mergeLatest(latest, runNode, runLatest);
                runNode = p.node();
                runLatest = minutes;
            } else {
                runLatest = Math.max(runLatest, minutes);
            }
        }
        mergeLatest(latest, runNode, runLatest);
        return new Result(ends, changes(nodes, latest), fixed);
    }

    /** Whether {@code end}, predicted for the bound pod {@code p}, stays its end: it has a start and a prediction. */
    static boolean fixes(LanePod p, long end) {
        return end != NONE && p.startMillis() >= 0;
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
        return changes(nodes, latest);
    }

    private static void mergeLatest(Map<String, Long> latest, String node, long minutes) {
        if (node != null) {
            latest.merge(node, minutes, Math::max);
        }
    }

    private static List<Change> changes(List<LaneNode> nodes, Map<String, Long> latest) {
        List<Change> changes = new ArrayList<>();
        for (LaneNode n : nodes) {
            Long end = latest.get(n.name());
            if (end == null ? n.laneEnd() != null : !isNumber(n.laneEnd(), end)) {
                changes.add(new Change(n.name(), end == null ? null : Long.toString(end)));
            }
        }
        return changes;
    }

    /**
     * Whether {@code text} is exactly {@code Long.toString(value)}, without building that string for every node: the
     * digits are parsed by multiplication (asked of every node at every scan; a division per digit cost more).
     */
    static boolean isNumber(String text, long value) {
        if (text == null || text.isEmpty() || value < 0) {
            return text != null && text.equals(Long.toString(value));
        }
        int length = text.length();
        if (length > 19 || length > 1 && text.charAt(0) == '0') {
            return false; // longer than any long, or a leading zero Long.toString never writes
        }
        long parsed = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            parsed = parsed * 10 + (c - '0'); // 19 digits past Long.MAX_VALUE wrap negative: never value
        }
        return parsed == value;
    }

    /** Start (or now) plus the prediction, or {@link #NONE}: {@code RunTimePredictor.predict} without the Optional. */
    static long expectedEnd(LanePod p, FamilyHistory history, long nowMillis) {
        return expectedEnd(p, history.get(p.family()), nowMillis);
    }

    /** As above, {@code family} the pod's family's run times (null: none learnt). */
    static long expectedEnd(LanePod p, RunTimes family, long nowMillis) {
        long start = p.startMillis() >= 0 ? p.startMillis() : nowMillis;
        if (p.expectedDuration() != null) {
            return RunTimePredictor.predict(p.expectedDuration(), family, p.deadlineMillis())
                    .map(prediction -> start + prediction.millis())
                    .orElse(NONE);
        }
        if (family != null) {
            return start + family.meanMillis();
        }
        return p.deadlineMillis() > 0 ? start + p.deadlineMillis() : NONE;
    }
}
