package io.joblane.scaler.loop;

import io.joblane.model.WellKnown;
import io.joblane.model.lanes.FamilyKey;
import io.joblane.model.lanes.FamilyTable;
import io.joblane.model.lanes.LaneTerm;
import io.joblane.scaler.lanes.LaneNode;
import io.joblane.scaler.lanes.LanePod;
import io.joblane.scaler.lanes.LanesAccess;
import io.joblane.scaler.lanes.LanesStep;
import io.joblane.scaler.plan.PodPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Lanes in the property test's world: Job families with typical run times, the webhook's preferred lane term given at
 * admission from the published table, the node labels and the ConfigMap written by the real {@link LanesStep} of the
 * replica holding the Lease (a write out of turn is the referee's), and the scheduler's score for a matching lane.
 */
final class LanesWorld implements LanesAccess {
    /** NodeAffinity's default score weight is 2, NodeResourcesFit's 1: a matching lane outweighs packing. */
    static final double LANE_SCORE = 2;

    private final FakeCluster cluster;
    private final Random rnd;
    private final MutableClock clock;
    private final List<String> outOfTurn;
    private final long[] familySeconds;
    final Map<String, String> laneEnd = new HashMap<>();
    private final Map<String, String> family = new HashMap<>();
    private final Map<String, String> annotation = new HashMap<>();
    /** The pod's preferred lane terms, graded around its expected end, as the webhook decides them. */
    final Map<String, LaneTerm> gt = new HashMap<>();

    private final Map<String, Instant> finishedAt = new HashMap<>();
    private FamilyTable published = FamilyTable.EMPTY;
    private BooleanSupplier holds = () -> true;
    private String who = "";
    int lanesGiven;

    LanesWorld(FakeCluster cluster, Random rnd, MutableClock clock, List<String> outOfTurn) {
        this.cluster = cluster;
        this.rnd = rnd;
        this.clock = clock;
        this.outOfTurn = outOfTurn;
        this.familySeconds = new long[1 + rnd.nextInt(4)];
        for (int f = 0; f < familySeconds.length; f++) {
            familySeconds[f] = 60 + rnd.nextInt(2400);
        }
    }

    /**
     * A new replica took the Lease: a fresh step (no memory but the published table), to run after its loop's scans.
     */
    LanesStep replica(BooleanSupplier holdsLease, String name) {
        holds = holdsLease;
        who = name;
        return new LanesStep(this, clock, Duration.ofSeconds(30), 1 + rnd.nextInt(10));
    }

    /** The webhook admits a Job pod; returns how long it will really run (seconds). */
    long admit(String pod) {
        int f = rnd.nextInt(familySeconds.length + 1);
        long seconds = f == familySeconds.length
                ? 30 + rnd.nextInt(2400)
                : Math.max(10, familySeconds[f] * (80 + rnd.nextInt(41)) / 100);
        Map<String, String> labels = new HashMap<>();
        if (f < familySeconds.length) {
            labels.put(WellKnown.FAMILY_LABEL, "f" + f);
            family.put(pod, FamilyKey.of("ns", labels));
        }
        if (rnd.nextInt(4) == 0) {
            annotation.put(pod, (f < familySeconds.length ? familySeconds[f] : seconds) + "s");
        }
        LaneTerm.decide(annotation.get(pod), published.get(family.get(pod)), 0, clock.millis())
                .ifPresent(term -> {
                    gt.put(pod, term);
                    lanesGiven++;
                });
        return seconds;
    }

    void finished(String pod) {
        finishedAt.putIfAbsent(pod, clock.instant());
    }

    /**
     * The scheduler's NodeAffinity score of the pod's graded lane terms on this node: the weights matched over all of
     * them (a node whose lane ends soon after the pod matches all), times the plugin's weight.
     */
    double score(FakeCluster.Pod p, FakeCluster.Node n) {
        LaneTerm term = gt.get(p.name);
        if (term == null) {
            return 0;
        }
        int all = term.preferences().stream()
                .mapToInt(LaneTerm.Preference::weight)
                .sum();
        return LANE_SCORE * term.weightOn(laneEnd.get(n.name)) / all;
    }

    @Override
    public List<LaneNode> nodes() {
        return cluster.nodes.values().stream()
                .map(n -> new LaneNode(n.name, laneEnd.get(n.name)))
                .toList();
    }

    @Override
    public List<LanePod> pods() {
        List<LanePod> out = new ArrayList<>();
        for (FakeCluster.Pod p : cluster.pods.values()) {
            if (!p.jobPod) {
                continue;
            }
            Instant end = finishedAt.get(p.name);
            long start = p.started == null ? -1 : p.started.toEpochMilli();
            out.add(new LanePod(
                    p.name,
                    p.node,
                    family.get(p.name),
                    annotation.get(p.name),
                    0,
                    p.node != null && p.phase != PodPhase.FINISHED,
                    start,
                    p.phase == PodPhase.FINISHED && end != null ? end.toEpochMilli() : -1));
        }
        return out;
    }

    @Override
    public FamilyTable published() {
        return published;
    }

    @Override
    public void publish(FamilyTable table) {
        inTurn("publish the family table");
        published = table;
    }

    @Override
    public void setLaneEnd(String node, String value) {
        inTurn("lane-end " + node);
        if (value == null) {
            laneEnd.remove(node);
        } else {
            laneEnd.put(node, value);
        }
    }

    private void inTurn(String what) {
        if (!holds.getAsBoolean()) {
            outOfTurn.add(who + ": " + what);
        }
    }
}
