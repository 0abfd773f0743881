package io.joblane.scaler.ops;

import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.NodeGroupProvider;
import io.joblane.scaler.loop.ClusterAccess;
import io.joblane.scaler.loop.ClusterException;
import io.joblane.scaler.loop.EventTarget;
import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PodInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Measures node registration lag: from a cloud instance's launch (seen in a describe) to the creation of the node
 * whose providerID names it (seen in a snapshot). Only instances launched after this process started count, so a
 * restart does not replay history. Called from the loop thread.
 */
public final class RegistrationLag {
    private record Launch(String group, Instant at) {
    }

    private final Instant since;
    private final BiConsumer<String, Duration> sink;
    private final Map<String, Launch> launched = new HashMap<>();

    public RegistrationLag(Instant since, BiConsumer<String, Duration> sink) {
        this.since = since;
        this.sink = sink;
    }

    public synchronized void instancesSeen(Collection<CloudGroup> groups) {
        for (CloudGroup g : groups) {
            for (CloudInstance i : g.instances()) {
                if (i.state().isCapacity() && i.launchTime() != null && i.launchTime().isAfter(since)) {
                    launched.putIfAbsent(i.id(), new Launch(g.id(), i.launchTime()));
                }
            }
        }
        // Bound the memory: an instance that never registers is reported elsewhere.
        if (launched.size() > 10_000) {
            launched.clear();
        }
    }

    public synchronized void nodesSeen(List<NodeInfo> nodes) {
        for (NodeInfo n : nodes) {
            if (n.instanceId() == null || n.created() == null) {
                continue;
            }
            Launch l = launched.remove(n.instanceId());
            if (l != null && !n.created().isBefore(l.at())) {
                sink.accept(n.group() == null ? l.group() : n.group(), Duration.between(l.at(), n.created()));
            }
        }
    }

    /** The provider, reporting every describe's instances to this probe. */
    public NodeGroupProvider watch(NodeGroupProvider provider) {
        return new NodeGroupProvider() {
            @Override
            public Map<String, CloudGroup> describe(Collection<String> groupIds) throws CloudException {
                Map<String, CloudGroup> groups = provider.describe(groupIds);
                instancesSeen(groups.values());
                return groups;
            }

            @Override
            public void setDesiredCapacity(String groupId, int desired) throws CloudException {
                provider.setDesiredCapacity(groupId, desired);
            }

            @Override
            public void terminateInstance(String groupId, String instanceId) throws CloudException {
                provider.terminateInstance(groupId, instanceId);
            }

            @Override
            public void setScaleInProtection(String groupId, Collection<String> instanceIds, boolean protect)
                    throws CloudException {
                provider.setScaleInProtection(groupId, instanceIds, protect);
            }
        };
    }

    /** The cluster, reporting every snapshot's nodes to this probe. */
    public ClusterAccess watch(ClusterAccess cluster) {
        return new ClusterAccess() {
            @Override
            public ClusterSnapshot snapshot() throws ClusterException {
                ClusterSnapshot s = cluster.snapshot();
                nodesSeen(s.nodes());
                return s;
            }

            @Override
            public void setDrainingTaint(String node, DrainState state) throws ClusterException {
                cluster.setDrainingTaint(node, state);
            }

            @Override
            public void cordon(String node, Instant at) throws ClusterException {
                cluster.cordon(node, at);
            }

            @Override
            public void uncordon(String node) throws ClusterException {
                cluster.uncordon(node);
            }

            @Override
            public void annotateNode(String node, Map<String, String> annotations) throws ClusterException {
                cluster.annotateNode(node, annotations);
            }

            @Override
            public List<PodInfo> podsBoundTo(String node) throws ClusterException {
                return cluster.podsBoundTo(node);
            }

            @Override
            public Optional<String> whyInstanceMayHaveNode(String instanceId) throws ClusterException {
                return cluster.whyInstanceMayHaveNode(instanceId);
            }

            @Override
            public Optional<String> whyNodeNotTerminable(String node, String instanceId) throws ClusterException {
                return cluster.whyNodeNotTerminable(node, instanceId);
            }

            @Override
            public void recordEvent(EventTarget target, boolean warning, String reason, String message) {
                cluster.recordEvent(target, warning, reason, message);
            }
        };
    }
}
