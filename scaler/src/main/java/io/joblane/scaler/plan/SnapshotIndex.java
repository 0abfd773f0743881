package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Indexes one {@link ClusterSnapshot} by group and by node in a single pass, so planning every group costs one walk
 * over the pods, with the bound pods' expected ends as lanes last predicted them. Built by the loop once per scan and
 * used by the loop thread only; read-only afterwards but for the instance map it memoises.
 */
public final class SnapshotIndex {
    private final ClusterSnapshot snapshot;
    private final Map<String, List<NodeInfo>> nodesByGroup = new HashMap<>();
    private final Map<String, Bound> boundByNode;
    private final Map<String, List<PodInfo>> pendingByGroup = new HashMap<>();
    private final Map<String, NodeInfo> nodesByInstance;
    private final Map<String, List<PodInfo>> jobPodsByGroup = new HashMap<>();
    private final Map<String, Instant> expectedEnds;
    /** The instances list {@link #instancesById} was last built from, and the map built. */
    private List<CloudInstance> instancesOf;

    private Map<String, CloudInstance> instancesById;

    public SnapshotIndex(ClusterSnapshot snapshot) {
        this(snapshot, Map.of());
    }

    /**
     * @param expectedEnds by pod uid, the expected end of bound pods (lanes' predictions); when not empty, a bound pod
     *                     missing from it has none, whatever it carries. Looked up only for the pods the drain order
     *                     reads, rather than copying every pod of the snapshot with its end at every scan.
     */
    public SnapshotIndex(ClusterSnapshot snapshot, Map<String, Instant> expectedEnds) {
        this.snapshot = snapshot;
        this.expectedEnds = expectedEnds;
        int nodes = snapshot.nodes().size();
        boundByNode = new HashMap<>(nodes * 4 / 3 + 1);
        nodesByInstance = new HashMap<>(nodes * 4 / 3 + 1);
        for (NodeInfo node : snapshot.nodes()) {
            if (node.group() != null) {
                nodesByGroup
                        .computeIfAbsent(node.group(), g -> new ArrayList<>())
                        .add(node);
            }
            if (node.instanceId() != null) {
                nodesByInstance.put(node.instanceId(), node);
            }
        }
        String lastNode = null;
        Bound lastBound = null;
        GroupLists jobPods = new GroupLists(jobPodsByGroup);
        GroupLists pending = new GroupLists(pendingByGroup);
        for (PodInfo pod : snapshot.pods()) {
            if (pod.jobPod() && pod.group() != null && pod.phase() != PodPhase.FINISHED) {
                jobPods.add(pod);
            }
            if (pod.nodeName() != null) {
                // DaemonSet pods are counted as per-node overhead, not one by one; a Job pod always counts.
                if (pod.phase().holdsNode() && (pod.jobPod() || !pod.daemonSetPod())) {
                    if (!pod.nodeName().equals(lastNode)) { // pods of one node often come in a row: one lookup
                        lastNode = pod.nodeName();
                        lastBound = boundByNode.computeIfAbsent(lastNode, n -> new Bound());
                    }
                    lastBound.add(pod);
                }
            } else if (pod.phase() == PodPhase.PENDING_UNSCHEDULABLE && pod.group() != null) {
                pending.add(pod);
            }
        }
    }

    /** The pods holding one node, and whether one of them blocks scale-in (asked of every node at every pass). */
    private static final class Bound {
        final List<PodInfo> pods = new ArrayList<>(4);
        boolean blocking;

        void add(PodInfo pod) {
            pods.add(pod);
            blocking |= pod.blocksScaleIn();
        }
    }

    /** Adds pods to their group's list, looking the list up again only when the group changes from the last pod. */
    private static final class GroupLists {
        private final Map<String, List<PodInfo>> byGroup;
        private String lastGroup;
        private List<PodInfo> last;

        GroupLists(Map<String, List<PodInfo>> byGroup) {
            this.byGroup = byGroup;
        }

        void add(PodInfo pod) {
            if (last == null || !pod.group().equals(lastGroup)) {
                lastGroup = pod.group();
                last = byGroup.computeIfAbsent(lastGroup, g -> new ArrayList<>());
            }
            last.add(pod);
        }
    }

    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    public List<NodeInfo> nodes(String group) {
        return nodesByGroup.getOrDefault(group, List.of());
    }

    /** Pods holding the node (pending-bound, running, terminating), DaemonSet pods excluded. */
    public List<PodInfo> boundTo(String node) {
        Bound bound = boundByNode.get(node);
        return bound == null ? List.of() : bound.pods;
    }

    /** Unbound pods of the group that the scheduler marked unschedulable. */
    public List<PodInfo> pending(String group) {
        return pendingByGroup.getOrDefault(group, List.of());
    }

    /** Job pods of the group that have not finished, bound or not: the arrivals scale-in's cost rule counts. */
    public List<PodInfo> jobPods(String group) {
        return jobPodsByGroup.getOrDefault(group, List.of());
    }

    /** The pod's expected end: lanes' prediction for a bound pod when there are predictions, else what it carries. */
    public Instant expectedEnd(PodInfo pod) {
        return expectedEnds.isEmpty() || pod.nodeName() == null ? pod.expectedEnd() : expectedEnds.get(pod.uid());
    }

    /** The node registered for an instance, in any group, or null. */
    public NodeInfo nodeOfInstance(String instanceId) {
        return nodesByInstance.get(instanceId);
    }

    /** Whether a pod that blocks scale-in is bound to the node. */
    boolean holdsBlocking(NodeInfo node) {
        Bound bound = boundByNode.get(node.name());
        return bound != null && bound.blocking;
    }

    /**
     * The cloud group's instances by id, built once per description: every pass of every step of a scan looks nodes'
     * instances up in it.
     */
    Map<String, CloudInstance> instancesById(CloudGroup cloud) {
        if (instancesOf != cloud.instances()) {
            instancesOf = cloud.instances();
            Map<String, CloudInstance> byId = new HashMap<>(instancesOf.size() * 4 / 3 + 1);
            for (CloudInstance i : instancesOf) {
                byId.put(i.id(), i);
            }
            instancesById = java.util.Collections.unmodifiableMap(byId);
        }
        return instancesById;
    }
}
