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
 * used by the loop thread only; read-only afterwards but for the instance map and the per-node facts it memoises.
 *
 * <p>Built with the previous scan's index, a node whose bound pods are the very same {@link PodInfo} objects in the
 * same order (the simulator and the kube adapter reuse the object of an unchanged pod) keeps its {@link NodeLoad},
 * with what was derived from those pods (their summed requests, the drain order's keys): the work of a scan then
 * follows the nodes whose pods changed. Any other difference, a pod added, gone, changed or reordered, builds the
 * node's load afresh, so a stale entry cannot survive a change. Pods handed node by node as a {@link NodePods} carry
 * their node's load on that object: handed again, it is taken without a lookup or a look at the pods.
 */
public final class SnapshotIndex {
    private final ClusterSnapshot snapshot;
    private final Map<String, List<NodeInfo>> nodesByGroup = new HashMap<>();
    /** Per node holding pods, its load: collected during the walk over the pods, then finished in place. */
    private final Map<String, NodeLoad> boundByNode;

    private final Map<String, List<PodInfo>> pendingByGroup = new HashMap<>();
    private final Map<String, NodeInfo> nodesByInstance;
    private final Map<String, List<PodInfo>> jobPodsByGroup = new HashMap<>();
    private final ExpectedEnds expectedEnds;
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
        this(snapshot, expectedEnds, null);
    }

    /**
     * As above, reusing the per-node loads of {@code previous} (the last scan's index, or null) for nodes whose bound
     * pods did not change.
     */
    public SnapshotIndex(ClusterSnapshot snapshot, Map<String, Instant> expectedEnds, SnapshotIndex previous) {
        this(snapshot, ExpectedEnds.byUid(expectedEnds), previous);
    }

    /** As above, with lanes' ends looked up pod by pod. */
    public SnapshotIndex(ClusterSnapshot snapshot, ExpectedEnds expectedEnds, SnapshotIndex previous) {
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
        Map<String, NodeLoad> before = previous == null ? Map.of() : previous.boundByNode;
        GroupLists jobPods = new GroupLists(jobPodsByGroup);
        if (snapshot.podsOfNodes() != null) {
            indexPodsOfNodes(snapshot, before, jobPods);
        }
        indexPods(snapshot.pods(), before, jobPods);
        for (Map.Entry<String, NodeLoad> e : boundByNode.entrySet()) {
            e.setValue(e.getValue().finish()); // no hashing: the entry is already there
        }
    }

    /**
     * The pods the adapter handed node by node: a node whose list is the very object its kept load was built from
     * keeps that load without a look at its pods but for the group's Job pods.
     */
    private void indexPodsOfNodes(ClusterSnapshot snapshot, Map<String, NodeLoad> before, GroupLists jobPods) {
        List<NodeInfo> nodes = snapshot.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            List<PodInfo> pods = snapshot.podsOfNodes().get(i);
            if (pods.isEmpty()) {
                continue;
            }
            NodeLoad load = pods instanceof NodePods handed ? handed.load : null;
            if (load == null) {
                load = loadOf(pods, before.get(nodes.get(i).name()));
                if (pods instanceof NodePods handed) {
                    handed.load = load;
                }
            }
            jobPods.addAll(load.jobPodsGroup(), load.jobPodsHanded());
            boundByNode.put(nodes.get(i).name(), load);
        }
    }

    /** A node's load from the pods handed for it (the kept one when they are its pods). */
    private static NodeLoad loadOf(List<PodInfo> pods, NodeLoad kept) {
        NodeLoad b = new NodeLoad(kept);
        List<PodInfo> jobs = new ArrayList<>(pods.size());
        for (PodInfo pod : pods) {
            if (countsAsJobPod(pod)) {
                jobs.add(pod);
            }
            if (holds(pod)) {
                b.add(pod);
            }
        }
        NodeLoad load = b.finish();
        load.keepJobPods(jobs);
        return load;
    }

    /** The snapshot's pods (all of them, or those the adapter did not hand node by node). */
    private void indexPods(List<PodInfo> pods, Map<String, NodeLoad> before, GroupLists jobPods) {
        String lastNode = null;
        NodeLoad lastBound = null;
        GroupLists pending = new GroupLists(pendingByGroup);
        for (PodInfo pod : pods) {
            if (countsAsJobPod(pod)) {
                jobPods.add(pod);
            }
            if (pod.nodeName() != null) {
                if (holds(pod)) {
                    if (!pod.nodeName().equals(lastNode)) { // pods of one node often come in a row: one lookup
                        lastNode = pod.nodeName();
                        lastBound = boundByNode.computeIfAbsent(lastNode, n -> new NodeLoad(before.get(n)));
                    }
                    lastBound.add(pod);
                }
            } else if (pod.phase() == PodPhase.PENDING_UNSCHEDULABLE && pod.group() != null) {
                pending.add(pod);
            }
        }
    }

    private static boolean countsAsJobPod(PodInfo pod) {
        return pod.jobPod() && pod.group() != null && pod.phase() != PodPhase.FINISHED;
    }

    /** DaemonSet pods are counted as per-node overhead, not one by one; a Job pod always counts. */
    private static boolean holds(PodInfo pod) {
        return pod.phase().holdsNode() && (pod.jobPod() || !pod.daemonSetPod());
    }

    /** Adds pods to their group's list, looking the list up again only when the group changes from the last pod. */
    private static final class GroupLists {
        private final Map<String, List<PodInfo>> byGroup;
        private String lastGroup;
        private List<PodInfo> last;

        GroupLists(Map<String, List<PodInfo>> byGroup) {
            this.byGroup = byGroup;
        }

        /** Adds pods of one group in a row, or of several ({@code group} null) one by one. */
        void addAll(String group, List<PodInfo> pods) {
            if (pods.isEmpty()) {
                return;
            }
            if (group == null) {
                pods.forEach(this::add);
                return;
            }
            if (last == null || !group.equals(lastGroup)) {
                lastGroup = group;
                last = byGroup.computeIfAbsent(lastGroup, g -> new ArrayList<>());
            }
            for (int i = 0; i < pods.size(); i++) { // addAll would copy the list into an array first
                last.add(pods.get(i));
            }
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
        NodeLoad bound = boundByNode.get(node);
        return bound == null ? List.of() : bound.pods();
    }

    /** What holds the node (its pods and what is derived from them), {@link NodeLoad#NONE} when nothing does. */
    NodeLoad load(String node) {
        NodeLoad bound = boundByNode.get(node);
        return bound == null ? NodeLoad.NONE : bound;
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
        return expectedEnds.isEmpty() || pod.nodeName() == null
                ? pod.expectedEnd()
                : expectedEnds.of(pod.uid(), pod.nodeName());
    }

    /** The node registered for an instance, in any group, or null. */
    public NodeInfo nodeOfInstance(String instanceId) {
        return nodesByInstance.get(instanceId);
    }

    /** Whether a pod that blocks scale-in is bound to the node. */
    boolean holdsBlocking(NodeInfo node) {
        NodeLoad bound = boundByNode.get(node.name());
        return bound != null && bound.blocking();
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
