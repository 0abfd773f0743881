package io.joblane.scaler.loop;

import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.fake.FakeNodeGroupProvider;
import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.DaemonSetInfo;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.NodeAnnotations;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.scaler.plan.PodPhase;
import io.joblane.scaler.plan.ProviderIds;
import io.joblane.scaler.plan.Resources;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A tiny in-memory cluster behind {@link ClusterAccess} for loop and property tests: nodes appear when the in-memory
 * provider's instances come into service, disappear when they are terminated, and every call is recorded. It also
 * records every violation of the product's promise (a blocking pod on a node whose instance was terminated).
 */
public final class FakeCluster implements ClusterAccess, FakeNodeGroupProvider.Listener {

    /** Mutable node state, what the API server would hold. */
    public static final class Node {
        public final String name;
        public final String group;
        public final String instanceId;
        public Resources allocatable;
        public boolean ready = true;
        public Instant created;
        public boolean unschedulable;
        public DrainState drain = DrainState.NONE;
        public final Map<String, String> annotations = new HashMap<>();
        public boolean scaleDownDisabled;
        /** Object identity: a node deleted and re-created under the same name gets a new one. */
        public String uid = "uid-" + UIDS.incrementAndGet();
        /** The node runs on {@link #instanceId} but shows no providerID (kubelet without a cloud provider). */
        public boolean noProviderId;

        Node(String name, String group, String instanceId, Resources allocatable, Instant created) {
            this.name = name;
            this.group = group;
            this.instanceId = instanceId;
            this.allocatable = allocatable;
            this.created = created;
        }

        NodeInfo info() {
            boolean ours = unschedulable && annotations.containsKey(NodeAnnotations.CORDONED_AT);
            return new NodeInfo(name, group, noProviderId ? null : instanceId, allocatable, ready, created, unschedulable, ours, drain,
                    scaleDownDisabled, NodeAnnotations.parse(annotations.get(NodeAnnotations.UNNEEDED_SINCE)),
                    NodeAnnotations.parse(annotations.get(NodeAnnotations.CORDONED_AT)),
                    NodeAnnotations.parse(annotations.get(NodeAnnotations.DRAINING_SINCE)), null);
        }
    }

    /** Mutable pod state. */
    public static final class Pod {
        public final String name;
        public final String group;
        public final Resources requests;
        public final boolean jobPod;
        /** Also claims a DaemonSet controller (a Job pod must still count as busy). */
        public boolean daemonSetOwner;
        public PodPhase phase = PodPhase.PENDING_UNSCHEDULABLE;
        public String node;
        public final Instant created;
        public Instant started;

        public Pod(String name, String group, Resources requests, boolean jobPod, Instant created) {
            this.name = name;
            this.group = group;
            this.requests = requests;
            this.jobPod = jobPod;
            this.created = created;
        }

        public PodInfo info() {
            return new PodInfo("uid-" + name, "default", name, group, requests, phase, jobPod, daemonSetOwner, false,
                    node, created, started);
        }
    }

    private static final AtomicLong UIDS = new AtomicLong();
    private final Clock clock;
    /** Node uids as of the last snapshot. */
    private final Map<String, String> snapshotUids = new HashMap<>();
    private final Map<String, String> groupOfCloudGroup = new HashMap<>();
    private final Map<String, Resources> shapeOfGroup = new HashMap<>();
    public final Map<String, Node> nodes = new LinkedHashMap<>();
    public final Map<String, Pod> pods = new LinkedHashMap<>();
    public final List<DaemonSetInfo> daemonSets = new ArrayList<>();
    /** Every mutating call, e.g. "cordon n1", "taint n1 NO_SCHEDULE". */
    public final List<String> calls = new ArrayList<>();
    /** Every broken promise: a blocking pod found on a node whose instance was terminated. */
    public final List<String> violations = new ArrayList<>();
    /** Runs inside {@link #podsBoundTo} before answering: lets a test bind a pod "at the last moment". */
    public Consumer<String> beforeLiveCheck = node -> { };
    /** Runs inside {@link #whyNodeNotTerminable} before answering: lets a test change the node at the last moment. */
    public Consumer<String> beforeNodeCheck = node -> { };
    /** Runs inside {@link #cordon} first: lets a test cordon the node by hand just before the scaler does. */
    public Consumer<String> beforeCordon = node -> { };
    public boolean failSnapshot;
    /** Like the real cache, snapshots leave out pods without a group label (only the live checks see them). */
    public boolean labelFiltered;
    /** Asked per snapshot: true serves the previous snapshot again, like an informer lagging behind. */
    public BooleanSupplier serveStale = () -> false;
    /** Delay between an instance coming into service and its Node object appearing. */
    public Function<String, Duration> registrationDelay = id -> Duration.ZERO;
    /** Instances whose node registers without spec.providerID. */
    public Predicate<String> withoutProviderId = id -> false;
    private ClusterSnapshot lastSnapshot;
    /** Whether the last snapshot served was a stale one. */
    public boolean lastSnapshotStale;
    private final List<Registration> registrations = new ArrayList<>();

    private record Registration(Instant due, String group, String instanceId) {
    }

    public FakeCluster(Clock clock) {
        this.clock = clock;
    }

    /** New instances of {@code cloudGroupId} register as Ready nodes of {@code group} with this allocatable. */
    public FakeCluster mapCloudGroup(String cloudGroupId, String group, Resources allocatable) {
        groupOfCloudGroup.put(cloudGroupId, group);
        shapeOfGroup.put(group, allocatable);
        return this;
    }

    public Node addNode(String name, String group, String instanceId, Resources allocatable) {
        Node n = new Node(name, group, instanceId, allocatable, clock.instant());
        nodes.put(name, n);
        return n;
    }

    public Pod addPod(Pod pod) {
        pods.put(pod.name, pod);
        return pod;
    }

    public Pod bind(String pod, String node) {
        Pod p = pods.get(pod);
        p.node = node;
        p.phase = PodPhase.RUNNING;
        p.started = clock.instant();
        return p;
    }

    public List<Pod> podsOn(String node) {
        return pods.values().stream().filter(p -> node.equals(p.node) && occupies(p.phase)).toList();
    }

    /**
     * What really occupies a node, spelled out here rather than taken from {@link PodPhase#holdsNode()}, so a bug in
     * the product's definition cannot hide a violation from this referee.
     */
    public static boolean occupies(PodPhase phase) {
        return phase == PodPhase.PENDING_BOUND || phase == PodPhase.RUNNING || phase == PodPhase.TERMINATING;
    }

    public Node nodeOfInstance(String instanceId) {
        return nodes.values().stream().filter(n -> instanceId.equals(n.instanceId)).findFirst().orElse(null);
    }

    // --- FakeNodeGroupProvider.Listener: the cloud side of node lifecycle.

    @Override
    public void inService(String groupId, CloudInstance instance) {
        String group = groupOfCloudGroup.get(groupId);
        if (group != null) {
            registrations.add(new Registration(clock.instant().plus(registrationDelay.apply(instance.id())), group,
                    instance.id()));
            registerDue();
        }
    }

    /** Node objects of instances whose registration delay has passed appear now. */
    public void registerDue() {
        Instant now = clock.instant();
        for (var it = registrations.iterator(); it.hasNext(); ) {
            Registration r = it.next();
            if (!r.due().isAfter(now)) {
                it.remove();
                Node n = addNode("node-" + r.instanceId(), r.group(), r.instanceId(), shapeOfGroup.get(r.group()));
                n.noProviderId = withoutProviderId.test(r.instanceId());
            }
        }
    }

    @Override
    public void terminated(String groupId, CloudInstance instance) {
        registrations.removeIf(r -> r.instanceId().equals(instance.id()));
        Node n = nodeOfInstance(instance.id());
        if (n == null) {
            return;
        }
        for (Pod p : podsOn(n.name)) {
            violations.add("pod " + p.name + " (" + p.phase + ") was on node " + n.name + " when instance "
                    + instance.id() + " was terminated at " + clock.instant());
            p.phase = PodPhase.FINISHED;
        }
        nodes.remove(n.name);
    }

    // --- ClusterAccess.

    @Override
    public ClusterSnapshot snapshot() throws ClusterException {
        if (failSnapshot) {
            throw new ClusterException("API server unavailable (test)");
        }
        registerDue();
        lastSnapshotStale = lastSnapshot != null && serveStale.getAsBoolean();
        if (lastSnapshotStale) {
            return lastSnapshot;
        }
        List<NodeInfo> ns = nodes.values().stream().map(Node::info).toList();
        snapshotUids.clear();
        nodes.values().forEach(n -> snapshotUids.put(n.name, n.uid));
        List<PodInfo> ps = pods.values().stream().filter(p -> !labelFiltered || p.group != null).map(Pod::info).toList();
        lastSnapshot = new ClusterSnapshot(clock.instant(), ns, ps, List.copyOf(daemonSets));
        return lastSnapshot;
    }

    @Override
    public void setDrainingTaint(String node, DrainState state) {
        calls.add("taint " + node + " " + state);
        Node n = nodes.get(node);
        if (n != null) {
            n.drain = state;
        }
    }

    @Override
    public boolean cordon(String node, Instant at) {
        calls.add("cordon " + node);
        beforeCordon.accept(node);
        Node n = nodes.get(node);
        if (n != null && n.unschedulable && !n.annotations.containsKey(NodeAnnotations.CORDONED_AT)) {
            return false; // a human's cordon, as NodeWriter.cordon leaves it
        }
        if (n != null) {
            n.unschedulable = true;
            n.annotations.put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(at));
        }
        return true;
    }

    @Override
    public void uncordon(String node) {
        calls.add("uncordon " + node);
        Node n = nodes.get(node);
        if (n != null && n.annotations.remove(NodeAnnotations.CORDONED_AT) != null) {
            n.unschedulable = false;
        }
    }

    @Override
    public void annotateNode(String node, Map<String, String> annotations) {
        java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
        annotations.forEach((k, v) -> sorted.put(k, String.valueOf(v)));
        calls.add("annotate " + node + " " + sorted);
        Node n = nodes.get(node);
        if (n != null) {
            annotations.forEach((k, v) -> {
                if (v == null) {
                    n.annotations.remove(k);
                } else {
                    n.annotations.put(k, v);
                }
            });
        }
    }

    @Override
    public List<PodInfo> podsBoundTo(String node) {
        calls.add("live-check " + node);
        beforeLiveCheck.accept(node);
        return pods.values().stream().filter(p -> node.equals(p.node)).map(Pod::info).toList();
    }

    @Override
    public Optional<String> whyInstanceMayHaveNode(String instanceId) {
        registerDue();
        for (Node n : nodes.values()) {
            if (n.noProviderId || n.instanceId == null) {
                return Optional.of("node " + n.name + " has no usable spec.providerID");
            }
            if (instanceId.equals(n.instanceId)) {
                return Optional.of("node " + n.name + " runs on it");
            }
        }
        for (Pod p : pods.values()) {
            if (p.node != null && p.phase.holdsNode() && !nodes.containsKey(p.node)) {
                return Optional.of("pod " + p.name + " is bound to node " + p.node + ", which has no Node object");
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> whyNodeNotTerminable(String node, String instanceId) {
        calls.add("node-check " + node);
        beforeNodeCheck.accept(node);
        Node n = nodes.get(node);
        if (n == null) {
            return Optional.of("the node is gone");
        }
        if (!n.unschedulable) {
            return Optional.of("the node is no longer cordoned");
        }
        if (!n.annotations.containsKey(NodeAnnotations.CORDONED_AT)) {
            return Optional.of("the node's cordon is no longer Joblane's");
        }
        if (n.noProviderId || !instanceId.equals(n.instanceId)) {
            return Optional.of("the node's providerID no longer names instance " + instanceId);
        }
        if (!n.uid.equals(snapshotUids.get(node))) {
            return Optional.of("the node was re-created since the snapshot");
        }
        return Optional.empty();
    }

    @Override
    public void recordEvent(EventTarget target, boolean warning, String reason, String message) {
        calls.add("event " + target.kind() + "/" + target.name() + " " + reason);
    }

    /** Mutating calls only (no events, no live checks). */
    public List<String> mutations() {
        return calls.stream().filter(c -> !c.startsWith("event ") && !c.startsWith("live-check ")
                && !c.startsWith("node-check ")).toList();
    }
}
