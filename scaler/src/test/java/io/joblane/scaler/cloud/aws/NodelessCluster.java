package io.joblane.scaler.cloud.aws;

import io.joblane.scaler.loop.ClusterAccess;
import io.joblane.scaler.loop.EventReason;
import io.joblane.scaler.loop.EventTarget;
import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.PodInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cluster without nodes, for loop tests against the fake cloud: every instance is one that has not joined yet, so
 * nothing can ever be terminated. Holds the pods a test puts in and records events as {@code REASON: message}.
 */
final class NodelessCluster implements ClusterAccess {
    final List<PodInfo> pods = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    private final Clock clock;

    NodelessCluster(Clock clock) {
        this.clock = clock;
    }

    @Override
    public ClusterSnapshot snapshot() {
        return new ClusterSnapshot(clock.instant(), List.of(), List.copyOf(pods), List.of());
    }

    @Override
    public void setDrainingTaint(String node, DrainState state) {}

    @Override
    public boolean cordon(String node, Instant at) {
        return true;
    }

    @Override
    public void uncordon(String node) {}

    @Override
    public void annotateNode(String node, Map<String, String> annotations) {}

    @Override
    public List<PodInfo> podsBoundTo(String node) {
        return List.of();
    }

    @Override
    public Optional<String> whyInstanceMayHaveNode(String instanceId) {
        return Optional.empty();
    }

    @Override
    public Optional<Instant> markTerminationRequested(String node, Instant at) {
        return Optional.empty();
    }

    @Override
    public Optional<String> whyNodeNotTerminable(String node, String instanceId) {
        return Optional.of("no nodes in this test");
    }

    @Override
    public void recordEvent(EventTarget target, EventReason reason, String message) {
        events.add(reason + ": " + message);
    }
}
