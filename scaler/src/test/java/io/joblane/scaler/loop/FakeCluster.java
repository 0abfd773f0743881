package io.joblane.scaler.loop;

import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.fake.FakeNodeGroupProvider;
import io.joblane.scaler.plan.CapacityType;
import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.DaemonSetInfo;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.NodeAnnotations;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PodConstraints;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.scaler.plan.PodPhase;
import io.joblane.scaler.plan.Resources;
import io.joblane.scaler.plan.SpotNotice;
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
        /** The {@code joblane.io/draining} label: pods with the webhook's affinity cannot land here. */
        public boolean drainingLabel;

        public final Map<String, String> annotations = new HashMap<>();
        public boolean scaleDownDisabled;
        /** Object identity: a node deleted and re-created under the same name gets a new one. */
        public String uid = "uid-" + UIDS.incrementAndGet();
        /** The node runs on {@link #instanceId} but shows no providerID (kubelet without a cloud provider). */
        public boolean noProviderId;
        /** A Spot notice taint on the node (as AWS Node Termination Handler sets it). */
        public SpotNotice spotNotice = SpotNotice.NONE;
        /** Its labels besides the group's (instance type, zone, its template's). */
        public Map<String, String> labels = Map.of();
        /** Its taints besides the group's and Joblane's own (its Auto Scaling group's template taints). */
        public List<io.joblane.model.config.Taint> taints = List.of();

        Node(String name, String group, String instanceId, Resources allocatable, Instant created) {
            this.name = name;
            this.group = group;
            this.instanceId = instanceId;
            this.allocatable = allocatable;
            this.created = created;
        }

        NodeInfo info() {
            boolean ours = unschedulable && annotations.containsKey(NodeAnnotations.CORDONED_AT);
            return new NodeInfo(
                    name,
                    group,
                    noProviderId ? null : instanceId,
                    allocatable,
                    ready,
                    created,
                    unschedulable,
                    ours,
                    drain,
                    scaleDownDisabled,
                    NodeAnnotations.parse(annotations.get(NodeAnnotations.UNNEEDED_SINCE)),
                    NodeAnnotations.parse(annotations.get(NodeAnnotations.CORDONED_AT)),
                    NodeAnnotations.parse(annotations.get(NodeAnnotations.DRAINING_SINCE)),
                    NodeAnnotations.parse(annotations.get(NodeAnnotations.TERMINATION_REQUESTED_AT)),
                    null,
                    spotNotice,
                    spotNotice == SpotNotice.NONE ? null : CapacityType.SPOT,
                    labels,
                    taints);
        }

        boolean markedForTermination() {
            return annotations.containsKey(NodeAnnotations.TERMINATION_REQUESTED_AT);
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
        /** When it was bound, on the cluster's tick; 0 = before anything the referee saw. */
        public long boundTick;
        /** Tolerates every taint, the cordon's included ({@code operator: Exists}). */
        public boolean tolerateAll;
        /** Carries the webhook's required affinity {@code joblane.io/draining DoesNotExist}. */
        public boolean fenced;
        /** Picked for this node by the scheduler but not bound yet (e.g. its volume is being provisioned). */
        public String bindingTo;

        public Instant bindsAt;
        /** Its nodeSelector and the like, as the planner reads them. */
        public PodConstraints constraints = PodConstraints.NONE;

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
            return new PodInfo(
                    "uid-" + name,
                    "default",
                    name,
                    group,
                    requests,
                    phase,
                    jobPod,
                    daemonSetOwner,
                    false,
                    node,
                    created,
                    started,
                    null,
                    Map.of(),
                    constraints);
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
    /** Every Event with its message, e.g. "Pod/a DoesNotFit: requests ...". */
    public final List<String> eventMessages = new ArrayList<>();
    /** Every broken promise: a blocking pod found on a node whose instance was terminated. */
    public final List<String> violations = new ArrayList<>();
    /** Runs inside {@link #podsBoundTo} before answering: lets a test bind a pod "at the last moment". */
    public Consumer<String> beforeLiveCheck = node -> {};
    /** Runs inside {@link #whyNodeNotTerminable} before answering: lets a test change the node at the last moment. */
    public Consumer<String> beforeNodeCheck = node -> {};
    /** Runs after {@link #podsBoundTo} has answered: the scheduler binding between the live check and the call. */
    public Consumer<String> afterLiveCheck = node -> {};
    /** Runs at every live read and node mark: a slow or throttled API server advances the clock here. */
    public Runnable onLiveCall = () -> {};
    /** Instances the cloud terminates on its own (health replacement, rebalance): their pods are not our doing. */
    public final java.util.Set<String> cloudsOwn = new java.util.HashSet<>();
    /** Instances whose termination was announced (Terminating first, gone later). */
    private final java.util.Set<String> announced = new java.util.HashSet<>();
    /** Logical time of binds and live checks. */
    private long tick;
    /** Per node, the tick of its last live bound-pod check. */
    private final Map<String, Long> liveCheckTick = new HashMap<>();
    /** Per node, when its last live bound-pod check began. */
    private final Map<String, Instant> liveCheckAt = new HashMap<>();
    /**
     * The longest a termination may land after the start of the node's last live bound-pod check: the bound
     * scaler/DESIGN.md promises (loop 2 s + call 3 s). Spelled out here, not taken from the product's constants.
     */
    public static final Duration PROMISED_BOUND = Duration.ofSeconds(5);
    /** Runs inside {@link #cordon} first: lets a test cordon the node by hand just before the scaler does. */
    public Consumer<String> beforeCordon = node -> {};

    public boolean failSnapshot;
    /** Like the real cache, snapshots leave out pods without a group label (only the live checks see them). */
    public boolean labelFiltered;
    /** Asked per snapshot: true serves the previous snapshot again, like an informer lagging behind. */
    public BooleanSupplier serveStale = () -> false;
    /** Delay between an instance coming into service and its Node object appearing. */
    public Function<String, Duration> registrationDelay = id -> Duration.ZERO;
    /** Delay after registration before a node advertises its extended resources (a device plugin starting). */
    public Function<String, Duration> extendedResourceDelay = id -> Duration.ZERO;

    private final List<LateResources> lateResources = new ArrayList<>();

    private record LateResources(Instant due, String node, Resources full) {}

    /** Instances whose node registers without spec.providerID. */
    public Predicate<String> withoutProviderId = id -> false;

    private ClusterSnapshot lastSnapshot;
    /** Whether the last snapshot served was a stale one. */
    public boolean lastSnapshotStale;

    private final List<Registration> registrations = new ArrayList<>();

    private record Registration(Instant due, String group, String instanceId) {}

    public FakeCluster(Clock clock) {
        this.clock = clock;
    }

    /**
     * The allocatable of an instance's node when it depends on the instance (its instance type), else null: then the
     * group's shape of {@link #mapCloudGroup} applies.
     */
    public Function<String, Resources> shapeOfInstance = id -> null;

    /** The labels of an instance's node besides the group's (e.g. {@code FakeNodeGroupProvider::nodeLabels}). */
    public Function<String, Map<String, String>> labelsOfInstance = id -> Map.of();

    /** The taints an instance's node registers with (e.g. {@code FakeNodeGroupProvider::nodeTaints}). */
    public Function<String, List<io.joblane.model.config.Taint>> taintsOfInstance = id -> List.of();

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
        p.boundTick = ++tick;
        p.phase = PodPhase.RUNNING;
        p.started = clock.instant();
        return p;
    }

    public List<Pod> podsOn(String node) {
        return pods.values().stream()
                .filter(p -> node.equals(p.node) && occupies(p.phase))
                .toList();
    }

    /**
     * What really occupies a node, spelled out here rather than taken from {@link PodPhase#holdsNode()}, so a bug in
     * the product's definition cannot hide a violation from this referee.
     */
    public static boolean occupies(PodPhase phase) {
        return phase == PodPhase.PENDING_BOUND || phase == PodPhase.RUNNING || phase == PodPhase.TERMINATING;
    }

    public Node nodeOfInstance(String instanceId) {
        return nodes.values().stream()
                .filter(n -> instanceId.equals(n.instanceId))
                .findFirst()
                .orElse(null);
    }

    // --- FakeNodeGroupProvider.Listener: the cloud side of node lifecycle.

    @Override
    public void inService(String groupId, CloudInstance instance) {
        String group = groupOfCloudGroup.get(groupId);
        if (group != null) {
            registrations.add(new Registration(
                    clock.instant().plus(registrationDelay.apply(instance.id())), group, instance.id()));
            registerDue();
        }
    }

    /** Binds a pod that bypasses the scheduler (nodeName set directly), as of now. */
    public Pod bindDirectly(Pod p, String node) {
        p.node = node;
        p.boundTick = ++tick;
        return p;
    }

    /** Completes the bindings in flight that are due; a pod whose node is gone goes back to pending. */
    public void completeBindings() {
        Instant now = clock.instant();
        for (Pod p : pods.values()) {
            if (p.bindingTo != null && !p.bindsAt.isAfter(now)) {
                if (nodes.containsKey(p.bindingTo)) {
                    bind(p.name, p.bindingTo);
                    p.phase = PodPhase.PENDING_BOUND;
                } else {
                    p.phase = PodPhase.PENDING_UNSCHEDULABLE;
                }
                p.bindingTo = null;
                p.bindsAt = null;
            }
        }
    }

    /** Node objects of instances whose registration delay has passed appear now. */
    public void registerDue() {
        Instant now = clock.instant();
        for (var it = registrations.iterator(); it.hasNext(); ) {
            Registration r = it.next();
            if (announced.contains(r.instanceId())) {
                // Not modelled: a kubelet joining after its instance began terminating is schedulable until the
                // next scan fences it (scaler/DESIGN.md, Invariants).
                it.remove();
                continue;
            }
            if (!r.due().isAfter(now)) {
                it.remove();
                Resources ofInstance = shapeOfInstance.apply(r.instanceId());
                Resources full = ofInstance != null ? ofInstance : shapeOfGroup.get(r.group());
                Node n = addNode("node-" + r.instanceId(), r.group(), r.instanceId(), full);
                n.labels = labelsOfInstance.apply(r.instanceId());
                n.taints = taintsOfInstance.apply(r.instanceId());
                n.noProviderId = withoutProviderId.test(r.instanceId());
                Duration late = extendedResourceDelay.apply(r.instanceId());
                if (!late.isZero() && hasExtended(full)) {
                    n.allocatable = withoutExtended(full);
                    lateResources.add(new LateResources(now.plus(late), n.name, full));
                }
            }
        }
        for (var it = lateResources.iterator(); it.hasNext(); ) {
            LateResources l = it.next();
            if (!l.due().isAfter(now)) {
                it.remove();
                Node n = nodes.get(l.node());
                if (n != null) {
                    n.allocatable = l.full();
                }
            }
        }
    }

    /**
     * The referee, at the termination call: every pod on the node dies with it. A Job pod there is always a broken
     * promise; any other pod is one when it was bound before the node's last live check (the check had to see it),
     * or when the node was never checked live at all.
     */
    @Override
    public void terminating(String groupId, CloudInstance instance) {
        announced.add(instance.id());
        Node n = nodeOfInstance(instance.id());
        if (n == null || cloudsOwn.contains(instance.id())) {
            return;
        }
        Long checked = liveCheckTick.get(n.name);
        Instant checkedAt = liveCheckAt.get(n.name);
        if (checkedAt != null && Duration.between(checkedAt, clock.instant()).compareTo(PROMISED_BOUND) > 0) {
            violations.add("instance " + instance.id() + " of node " + n.name + " was terminated "
                    + Duration.between(checkedAt, clock.instant()).toMillis() + " ms after its live check began");
        }
        if (n.scaleDownDisabled) {
            violations.add("node " + n.name + " was terminated though a human disabled its scale-down");
        }
        for (Pod p : pods.values()) {
            if (n.name.equals(p.bindingTo) && p.jobPod) {
                violations.add("Job pod " + p.name + " was binding to node " + n.name + " when instance "
                        + instance.id() + " was terminated at " + clock.instant());
            }
        }
        for (Pod p : podsOn(n.name)) {
            if (p.jobPod || checked == null || p.boundTick <= checked) {
                violations.add("pod " + p.name + " (" + p.phase + (p.jobPod ? ", Job" : "") + ", bound at tick "
                        + p.boundTick + ", last live check " + checked + ") was on node " + n.name + " when instance "
                        + instance.id() + " was terminated at " + clock.instant());
            }
        }
    }

    /** The referee, when the instance is gone: a Job pod that landed on it while it was terminating dies too. */
    /** True while some node does not yet advertise an extended resource of its group's shape. */
    public boolean extendedResourcesMissing() {
        return !lateResources.isEmpty();
    }

    private static boolean hasExtended(Resources r) {
        for (int i = 0; i < r.size(); i++) {
            if (r.nameAt(i).contains("/")) {
                return true;
            }
        }
        return false;
    }

    private static Resources withoutExtended(Resources r) {
        Map<String, Long> kept = new HashMap<>();
        for (int i = 0; i < r.size(); i++) {
            if (!r.nameAt(i).contains("/")) {
                kept.put(r.nameAt(i), r.millisAt(i));
            }
        }
        return Resources.ofMillis(kept);
    }

    @Override
    public void terminated(String groupId, CloudInstance instance) {
        registrations.removeIf(r -> r.instanceId().equals(instance.id()));
        if (!announced.remove(instance.id())) {
            terminating(groupId, instance);
        }
        Node n = nodeOfInstance(instance.id());
        if (n == null) {
            return;
        }
        for (Pod p : podsOn(n.name)) {
            if (p.jobPod
                    && !cloudsOwn.contains(instance.id())
                    && violations.stream().noneMatch(v -> v.startsWith("pod " + p.name + " "))) {
                violations.add("Job pod " + p.name + " (" + p.phase + ") landed on node " + n.name + " while instance "
                        + instance.id() + " was terminating; it died at " + clock.instant());
            }
            p.phase = PodPhase.FINISHED;
        }
        nodes.remove(n.name);
        liveCheckTick.remove(n.name);
        liveCheckAt.remove(n.name);
    }

    // --- ClusterAccess.

    /** Snapshots taken (tests of what a call reads). */
    public int snapshots;

    @Override
    public ClusterSnapshot snapshot() throws ClusterException {
        snapshots++;
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
        List<PodInfo> ps = pods.values().stream()
                .filter(p -> !labelFiltered || p.group != null)
                .map(Pod::info)
                .toList();
        lastSnapshot = new ClusterSnapshot(clock.instant(), ns, ps, List.copyOf(daemonSets));
        return lastSnapshot;
    }

    @Override
    public void setDrainingTaint(String node, DrainState state) {
        calls.add("taint " + node + " " + state);
        Node n = nodes.get(node);
        if (n == null || state == DrainState.NONE && n.markedForTermination()) {
            return;
        }
        n.drain = state;
        if (state != DrainState.NONE) {
            n.drainingLabel = true;
        } else if (!(n.unschedulable && n.annotations.containsKey(NodeAnnotations.CORDONED_AT))) {
            n.drainingLabel = false;
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
            n.drainingLabel = true;
            n.annotations.put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(at));
        }
        return true;
    }

    @Override
    public void uncordon(String node) {
        calls.add("uncordon " + node);
        Node n = nodes.get(node);
        if (n != null && !n.markedForTermination() && n.annotations.remove(NodeAnnotations.CORDONED_AT) != null) {
            n.unschedulable = false;
            if (n.drain == DrainState.NONE) {
                n.drainingLabel = false;
            }
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
        liveCheckAt.put(node, clock.instant());
        onLiveCall.run();
        beforeLiveCheck.accept(node);
        liveCheckTick.put(node, ++tick);
        List<PodInfo> answer = pods.values().stream()
                .filter(p -> node.equals(p.node))
                .map(Pod::info)
                .toList();
        afterLiveCheck.accept(node);
        return answer;
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
        onLiveCall.run();
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
        if (n.scaleDownDisabled) {
            return Optional.of("scale-down was disabled on it");
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
    public Optional<Instant> markTerminationRequested(String node, Instant at) throws ClusterException {
        calls.add("mark-termination " + node);
        onLiveCall.run();
        Node n = nodes.get(node);
        if (n == null) {
            throw new ClusterException("node " + node + " not found (test)");
        }
        String before = n.annotations.putIfAbsent(NodeAnnotations.TERMINATION_REQUESTED_AT, NodeAnnotations.format(at));
        return before == null ? Optional.empty() : Optional.of(NodeAnnotations.parse(before));
    }

    @Override
    public void recordEvent(EventTarget target, EventReason reason, String message) {
        calls.add("event " + target.kind() + "/" + target.name() + " " + reason.reason());
        eventMessages.add(target.kind() + "/" + target.name() + " " + reason.reason() + ": " + message);
    }

    /** Mutating calls only (no events, no live checks). */
    public List<String> mutations() {
        return calls.stream()
                .filter(c -> !c.startsWith("event ") && !c.startsWith("live-check ") && !c.startsWith("node-check "))
                .toList();
    }
}
