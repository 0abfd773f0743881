package io.joblane.scaler.loop;

import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.NodeGroup;
import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.cloud.NodeGroupProvider;
import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.GroupPlan;
import io.joblane.scaler.plan.GroupSpec;
import io.joblane.scaler.plan.NodeAnnotations;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PlanAction;
import io.joblane.scaler.plan.Planner;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.scaler.plan.SnapshotIndex;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile loop: one {@link #runOnce()} takes a snapshot, describes the cloud groups, plans every scaled group
 * with the pure {@link Planner} and executes the actions through {@link ClusterAccess} and the providers. It never
 * sleeps: every delay is a timestamp (on the node, or in this object for back-off) compared with the injected clock on
 * a later scan, so the kube package can schedule it and the simulator can drive it in virtual time. Not re-entrant:
 * calls are serialised.
 */
public final class ScaleLoop {
    private static final Logger LOG = LoggerFactory.getLogger(ScaleLoop.class);
    static final Duration BACKOFF_BASE = Duration.ofSeconds(30);
    static final Duration BACKOFF_MAX = Duration.ofMinutes(30);
    /** Longest from the start of the live bound-pod check to the termination call (DESIGN.md: a 5 s bound in all). */
    public static final Duration TERMINATE_CHECK_BOUND = Duration.ofSeconds(2);
    /** How long an instance the cloud terminated by itself stays among the group's problems. */
    static final Duration UNEXPECTED_TERMINATION_REPORTED_FOR = Duration.ofHours(1);

    private final ClusterAccess cluster;
    private final Map<String, NodeGroupProvider> providers;
    private final Clock clock;
    private final ScalerMetrics metrics;
    private final boolean dryRun;
    private final BooleanSupplier leading;
    private final Map<String, GroupState> states = new HashMap<>();
    private volatile JoblaneConfig config;
    private volatile ScanResult lastResult;
    /** The dry-run setting fixed at the start of the scan in progress (or the last one). */
    private volatile boolean scanDry;
    private Instant startedAt;
    /** The earliest instant after the last scan at which one of its delays runs out, or null; see {@link #nextDeadline}. */
    private Instant nextDeadline;

    /**
     * @param providers provider per node-group name; a scaled group without one is reported and skipped
     * @param dryRun    log every action, change nothing (also on when the config says {@code scaler.dryRun})
     */
    public ScaleLoop(JoblaneConfig config, ClusterAccess cluster, Map<String, NodeGroupProvider> providers,
                     Clock clock, ScalerMetrics metrics, boolean dryRun) {
        this(config, cluster, providers, clock, metrics, dryRun, () -> true);
    }

    /**
     * @param leading "this replica still holds the Lease", asked right before every cloud call and node write; when
     *                it says no, the scan stops at once and nothing more is changed
     */
    public ScaleLoop(JoblaneConfig config, ClusterAccess cluster, Map<String, NodeGroupProvider> providers,
                     Clock clock, ScalerMetrics metrics, boolean dryRun, BooleanSupplier leading) {
        this.config = Objects.requireNonNull(config, "config");
        this.leading = Objects.requireNonNull(leading, "leading");
        this.cluster = new LeaderGuard(Objects.requireNonNull(cluster, "cluster"));
        this.providers = Map.copyOf(providers);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = metrics == null ? ScalerMetrics.NOOP : metrics;
        this.dryRun = dryRun;
        this.scanDry = dryRun || config.scaler().dryRun();
    }

    /** Swaps in a reloaded config; takes effect on the next scan. */
    public void reconfigure(JoblaneConfig newConfig) {
        this.config = Objects.requireNonNull(newConfig, "config");
    }

    /** The result of the last completed scan, null before the first. */
    public ScanResult lastResult() {
        return lastResult;
    }

    /**
     * After {@link #runOnce}: the earliest instant at which a delay the scan looked at runs out (the planner's settle,
     * scale-down and registration delays, the loop's back-off and stuck-launch timeouts), or null if none. Until then
     * a scan of an unchanged cluster and cloud decides nothing new, so an event-driven caller (the simulator) may
     * wait for a change or this instant instead of scanning every interval.
     */
    public synchronized Instant nextDeadline() {
        return nextDeadline;
    }

    private void deadline(Instant at) {
        if (at != null && (nextDeadline == null || at.isBefore(nextDeadline))) {
            nextDeadline = at;
        }
    }

    public boolean dryRun() {
        return dryRun || config.scaler().dryRun();
    }

    /**
     * The dry-run setting of the scan in progress, fixed at its start even when the config is reloaded meanwhile.
     * Providers with side effects of their own (the AWS provider's protection and AZRebalance suspension) ask this,
     * so the loop and the providers always agree: the single source of truth for dry-run.
     */
    public boolean scanDryRun() {
        return scanDry;
    }

    /** One full scan, synchronously. Never throws for cluster or cloud failures: they end up in the result. */
    public synchronized ScanResult runOnce() {
        Instant start = clock.instant();
        nextDeadline = null;
        if (startedAt == null) {
            startedAt = start;
        }
        JoblaneConfig cfg = config;
        boolean dry = dryRun();
        scanDry = dry;
        List<String> problems = new ArrayList<>();
        List<String> done = new ArrayList<>();
        Map<String, GroupStatus> statuses = new LinkedHashMap<>();
        ClusterSnapshot snapshot;
        try {
            snapshot = cluster.snapshot();
        } catch (ClusterException | RuntimeException e) {
            metrics.clusterError("snapshot");
            LOG.warn("scan skipped: cluster snapshot failed: {}", e.toString());
            problems.add("cluster snapshot failed: " + e.getMessage());
            return finish(start, dry, statuses, problems, done);
        }
        try {
            scan(cfg, snapshot, start, dry, statuses, problems, done);
        } catch (NotLeading e) {
            LOG.warn("scan stopped: no longer leading (before {})", e.getMessage());
            problems.add("scan stopped: this replica no longer holds the Lease (before " + e.getMessage() + ")");
        }
        return finish(start, dry, statuses, problems, done);
    }

    private void scan(JoblaneConfig cfg, ClusterSnapshot snapshot, Instant start, boolean dry,
                      Map<String, GroupStatus> statuses, List<String> problems, List<String> done) {
        SnapshotIndex index = new SnapshotIndex(snapshot);
        List<NodeGroup> groups = cfg.scaledGroups();
        checkLeading("describe"); // a provider's describe may protect instances and suspend processes
        Map<String, CloudGroup> described = describeAll(groups, problems, statuses);
        for (NodeGroup group : groups) {
            if (statuses.containsKey(group.name())) {
                continue; // already reported as skipped
            }
            GroupSpec spec = GroupSpec.of(group, cfg.scaler());
            GroupState state = states.computeIfAbsent(group.name(), g -> new GroupState());
            CloudGroup cloud = described.get(spec.cloudGroupId());
            if (cloud == null) {
                String p = "cloud group " + spec.cloudGroupId() + " was not found";
                statuses.put(group.name(), skipped(group.name(), state, List.of(p)));
                continue;
            }
            try {
                trackNodeless(cloud, index, state, start);
                GroupPlan plan = Planner.plan(spec, index, cloud, start, state.nodelessSince);
                deadline(plan.nextDeadline());
                statuses.put(group.name(), execute(spec, cloud, plan, index, state, start, dry, done));
            } catch (NotLeading e) {
                throw e;
            } catch (RuntimeException e) {
                // A bug must not stop the other groups; nothing of this group is executed after the failure.
                LOG.error("group {}: scan failed, its remaining actions are skipped", group.name(), e);
                statuses.put(group.name(), skipped(group.name(), state, List.of("scan of the group failed: " + e)));
            }
        }
    }

    private void checkLeading(String before) {
        if (!leading.getAsBoolean()) {
            throw new NotLeading(before);
        }
    }

    /** Thrown when the Lease is lost mid-scan: ends the scan, never caught per group or per action. */
    private static final class NotLeading extends RuntimeException {
        NotLeading(String before) {
            super(before, null, false, false);
        }
    }

    /** Asks {@link #leading} right before every node write; reads and snapshots pass through. */
    private final class LeaderGuard implements ClusterAccess {
        private final ClusterAccess delegate;

        LeaderGuard(ClusterAccess delegate) {
            this.delegate = delegate;
        }

        @Override
        public ClusterSnapshot snapshot() throws ClusterException {
            return delegate.snapshot();
        }

        @Override
        public void setDrainingTaint(String node, DrainState state) throws ClusterException {
            checkLeading("tainting node " + node);
            delegate.setDrainingTaint(node, state);
        }

        @Override
        public void cordon(String node, Instant at) throws ClusterException {
            checkLeading("cordoning node " + node);
            delegate.cordon(node, at);
        }

        @Override
        public void uncordon(String node) throws ClusterException {
            checkLeading("uncordoning node " + node);
            delegate.uncordon(node);
        }

        @Override
        public void annotateNode(String node, Map<String, String> annotations) throws ClusterException {
            checkLeading("annotating node " + node);
            delegate.annotateNode(node, annotations);
        }

        @Override
        public List<PodInfo> podsBoundTo(String node) throws ClusterException {
            return delegate.podsBoundTo(node);
        }

        @Override
        public Optional<String> whyInstanceMayHaveNode(String instanceId) throws ClusterException {
            return delegate.whyInstanceMayHaveNode(instanceId);
        }

        @Override
        public Optional<String> whyNodeNotTerminable(String node, String instanceId) throws ClusterException {
            return delegate.whyNodeNotTerminable(node, instanceId);
        }

        @Override
        public Optional<Instant> markTerminationRequested(String node, Instant at) throws ClusterException {
            checkLeading("marking node " + node + " for termination");
            return delegate.markTerminationRequested(node, at);
        }

        @Override
        public void recordEvent(EventTarget target, boolean warning, String reason, String message) {
            checkLeading("recording event " + reason);
            delegate.recordEvent(target, warning, reason, message);
        }
    }

    private ScanResult finish(Instant start, boolean dry, Map<String, GroupStatus> statuses, List<String> problems,
                              List<String> done) {
        Duration took = Duration.between(start, clock.instant());
        ScanResult result = new ScanResult(start, took, dry, statuses, problems, done);
        lastResult = result;
        metrics.scanCompleted(took, result);
        return result;
    }

    /** Describes every group with one call per provider. */
    private Map<String, CloudGroup> describeAll(List<NodeGroup> groups, List<String> problems,
                                               Map<String, GroupStatus> statuses) {
        Map<NodeGroupProvider, List<NodeGroup>> byProvider = new IdentityHashMap<>();
        for (NodeGroup g : groups) {
            NodeGroupProvider p = providers.get(g.name());
            if (p == null) {
                statuses.put(g.name(), skipped(g.name(), states.computeIfAbsent(g.name(), n -> new GroupState()),
                        List.of("no cloud provider configured for group " + g.name())));
                continue;
            }
            byProvider.computeIfAbsent(p, k -> new ArrayList<>()).add(g);
        }
        Map<String, CloudGroup> out = new HashMap<>();
        for (Map.Entry<NodeGroupProvider, List<NodeGroup>> e : byProvider.entrySet()) {
            Set<String> ids = new LinkedHashSet<>();
            e.getValue().forEach(g -> ids.add(GroupSpec.cloudGroupId(g)));
            try {
                out.putAll(e.getKey().describe(ids));
                e.getValue().forEach(g -> metrics.cloudCall(g.name(), "describe", null));
            } catch (CloudException ex) {
                LOG.warn("describe of cloud groups {} failed ({} {}): {}", ids, ex.kind(), ex.code(), ex.getMessage());
                for (NodeGroup g : e.getValue()) {
                    metrics.cloudCall(g.name(), "describe", ex.code());
                    statuses.put(g.name(), skipped(g.name(), states.computeIfAbsent(g.name(), n -> new GroupState()),
                            List.of("describe failed (" + ex.kind() + " " + ex.code() + "): " + ex.getMessage())));
                }
            } catch (RuntimeException ex) {
                LOG.error("describe of cloud groups {} failed", ids, ex);
                for (NodeGroup g : e.getValue()) {
                    statuses.put(g.name(), skipped(g.name(), states.computeIfAbsent(g.name(), n -> new GroupState()),
                            List.of("describe failed: " + ex)));
                }
            }
        }
        return out;
    }

    /** Executes one group's plan in order. A cloud failure skips the group's remaining cloud actions this scan. */
    private GroupStatus execute(GroupSpec spec, CloudGroup cloud, GroupPlan plan, SnapshotIndex index,
                                GroupState state, Instant now, boolean dry, List<String> done) {
        Exec x = new Exec(spec, cloud, index, state, now, dry, done);
        x.problems.addAll(cloud.problems());
        boolean failing = updateBackoff(spec, cloud, plan, state, now);
        Set<String> stillPending = new HashSet<>();
        for (PodInfo p : index.pending(spec.name())) {
            stillPending.add(p.uid());
        }
        state.reportedUnfit.retainAll(stillPending);
        reportRegistrations(spec, cloud, index, state);
        reportUnexpectedTerminations(spec, cloud, index, state, now, dry, x.problems);
        for (PlanAction action : plan.actions()) {
            try (var fields = ActionLogFields.scope(spec.name(), action)) {
                x.run(action, failing);
            } catch (ClusterException e) {
                metrics.clusterError(action.getClass().getSimpleName());
                LOG.warn("group {}: {} failed, retrying next scan: {}", spec.name(), describe(action), e.getMessage());
                x.problems.add("cluster call failed: " + e.getMessage());
            } catch (CloudException e) {
                LOG.warn("group {}: {} failed ({} {}), skipping the group's cloud actions this scan: {}",
                        spec.name(), describe(action), e.kind(), e.code(), e.getMessage());
                x.problems.add("cloud call failed (" + e.kind() + " " + e.code() + "): " + e.getMessage());
                x.cloudFailed = true;
            }
        }
        if (state.backoffUntil != null && now.isBefore(state.backoffUntil)) {
            x.problems.add("scale-up backing off until " + state.backoffUntil);
        }
        int maxSize = Math.min(spec.maxNodes(), cloud.max());
        if (plan.newNodesWanted() > 0 && cloud.desired() + plan.newNodesWanted() > maxSize) {
            x.problems.add("waiting pods need " + plan.newNodesWanted() + " more node(s) but the group is capped at "
                    + maxSize);
        }
        int registered = index.nodes(spec.name()).size();
        return new GroupStatus(spec.name(), true, x.desired, Math.max(spec.minNodes(), cloud.min()),
                Math.min(spec.maxNodes(), cloud.max()), registered, plan.readyNodes(), plan.launching(), plan.draining(),
                plan.cordoned(), plan.pendingPods(), plan.neverFit(), state.lastAction, state.lastReason, state.lastAt,
                state.backoffUntil, x.problems);
    }

    /**
     * Decides whether the group's capacity has stopped arriving: the cloud reports failed launches, or desired has
     * stayed above the instances that exist for longer than the registration timeout, or instances never register.
     */
    private boolean updateBackoff(GroupSpec spec, CloudGroup cloud, GroupPlan plan, GroupState state, Instant now) {
        boolean gap = cloud.desired() > cloud.capacityInstances();
        if (!gap) {
            state.gapSince = null;
        } else if (state.gapSince == null) {
            state.gapSince = now;
        }
        boolean stuck = state.gapSince != null && now.isAfter(state.gapSince.plus(spec.registrationTimeout()));
        if (state.gapSince != null && !stuck) {
            deadline(state.gapSince.plus(spec.registrationTimeout()).plusNanos(1));
        }
        boolean unregistered = !plan.actionsOf(PlanAction.InstanceUnregistered.class).isEmpty()
                || !plan.actionsOf(PlanAction.TerminateUnregistered.class).isEmpty();
        boolean failing = cloud.launchFailing() || stuck || unregistered;
        if (!failing) {
            state.failures = 0;
            state.backoffUntil = null;
        }
        return failing;
    }

    /**
     * Remembers the first scan that saw each capacity instance without a node. Only in memory: a restart forgets it,
     * which restarts the wait before an unregistered instance is terminated (the safe side).
     */
    private static void trackNodeless(CloudGroup cloud, SnapshotIndex index, GroupState state, Instant now) {
        Set<String> nodeless = new HashSet<>();
        for (CloudInstance i : cloud.instances()) {
            if (i.state().isCapacity() && index.nodeOfInstance(i.id()) == null) {
                nodeless.add(i.id());
                state.nodelessSince.putIfAbsent(i.id(), now);
            }
        }
        state.nodelessSince.keySet().retainAll(nodeless);
    }

    /**
     * Reports instances that left the group (seen InService or with a node, now Terminating, Terminated or gone) that
     * no replica chose (memory of our calls, the node's termination mark): counted once, an Event, a problem for an
     * hour. Such terminations can kill running Jobs; AWS.md says which Auto Scaling features cause them.
     */
    private void reportUnexpectedTerminations(GroupSpec spec, CloudGroup cloud, SnapshotIndex index,
                                              GroupState state, Instant now, boolean dry, List<String> problems) {
        Map<String, CloudInstance> current = new HashMap<>();
        cloud.instances().forEach(i -> current.put(i.id(), i));
        Set<String> leaving = new LinkedHashSet<>();
        for (CloudInstance i : cloud.instances()) {
            boolean wasServing = state.lastSeen.get(i.id()) == LifecycleState.IN_SERVICE
                    || index.nodeOfInstance(i.id()) != null;
            if (!i.state().isCapacity() && isEnding(i.state()) && wasServing) {
                leaving.add(i.id());
            }
        }
        state.lastSeen.forEach((id, was) -> {
            if (!current.containsKey(id) && was == LifecycleState.IN_SERVICE) {
                leaving.add(id);
            }
        });
        for (String id : leaving) {
            NodeInfo node = index.nodeOfInstance(id);
            boolean ours = state.terminatedByUs.containsKey(id) || node != null && node.terminationRequestedAt() != null;
            if (ours || state.unexpected.containsKey(id)) {
                continue;
            }
            state.unexpected.put(id, now);
            metrics.unexpectedTermination(spec.name());
            String what = "instance " + id + (node == null ? "" : " (node " + node.name() + ")")
                    + " was terminated by the cloud group itself, not by Joblane";
            LOG.warn("group {}: {}", spec.name(), what);
            if (!dry && node != null) {
                cluster.recordEvent(EventTarget.node(node.name()), true, "UnexpectedTermination", what
                        + ": running Jobs there are lost (health check replacement, rebalancing, instance refresh "
                        + "or a node group upgrade?)");
            }
        }
        state.lastSeen.clear();
        current.forEach((id, i) -> state.lastSeen.put(id, i.state()));
        state.terminatedByUs.values().removeIf(at -> now.isAfter(at.plus(UNEXPECTED_TERMINATION_REPORTED_FOR)));
        state.unexpected.values().removeIf(at -> now.isAfter(at.plus(UNEXPECTED_TERMINATION_REPORTED_FOR)));
        if (!state.unexpected.isEmpty()) {
            problems.add(state.unexpected.size() + " instance(s) terminated by the cloud group itself, not by Joblane, "
                    + "in the last " + UNEXPECTED_TERMINATION_REPORTED_FOR.toMinutes() + "m (" + String.join(", ",
                    state.unexpected.keySet()) + "): health check replacement, Spot or capacity rebalance, instance "
                    + "refresh or a node group upgrade evict running Jobs; see AWS.md");
        }
    }

    private static boolean isEnding(LifecycleState s) {
        return s == LifecycleState.TERMINATING
                || s == LifecycleState.TERMINATED;
    }

    /** Registration lag of nodes that appeared since this loop started (older ones would skew the histogram). */
    private void reportRegistrations(GroupSpec spec, CloudGroup cloud, SnapshotIndex index, GroupState state) {
        Map<String, Instant> launched = new HashMap<>();
        cloud.instances().forEach(i -> {
            if (i.launchTime() != null) {
                launched.put(i.id(), i.launchTime());
            }
        });
        Set<String> present = new HashSet<>();
        for (NodeInfo n : index.nodes(spec.name())) {
            present.add(n.name());
            Instant launch = n.instanceId() == null ? null : launched.get(n.instanceId());
            if (launch != null && n.created() != null && n.created().isAfter(startedAt)
                    && state.reportedRegistered.add(n.name())) {
                Duration lag = Duration.between(launch, n.created());
                metrics.nodeRegistered(spec.name(), lag.isNegative() ? Duration.ZERO : lag);
            }
        }
        state.reportedRegistered.retainAll(present);
    }

    private GroupStatus skipped(String group, GroupState state, List<String> problems) {
        return new GroupStatus(group, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, state.lastAction, state.lastReason,
                state.lastAt, state.backoffUntil, problems);
    }

    private static String describe(PlanAction action) {
        return action.getClass().getSimpleName();
    }

    /** Per-group memory of the loop; losing it on restart only resets back-off and report de-duplication. */
    private static final class GroupState {
        int failures;
        Instant backoffUntil;
        Instant gapSince;
        String lastAction;
        String lastReason;
        Instant lastAt;
        final Set<String> reportedUnfit = new HashSet<>();
        final Set<String> reportedUnregistered = new HashSet<>();
        final Set<String> reportedRegistered = new HashSet<>();
        final Map<String, Instant> nodelessSince = new HashMap<>();
        final Set<String> reportedHeld = new HashSet<>();
        /** Instances this replica asked to terminate, with when; kept an hour (a stale describe may list one again). */
        final Map<String, Instant> terminatedByUs = new HashMap<>();
        /** Lifecycle state of each instance in the last describe. */
        final Map<String, LifecycleState> lastSeen = new HashMap<>();
        /** Instances the cloud terminated itself, with when they were noticed (reported for an hour). */
        final Map<String, Instant> unexpected = new LinkedHashMap<>();
    }

    /** Executes the actions of one group in one scan. */
    private final class Exec {
        final GroupSpec spec;
        final CloudGroup cloud;
        final SnapshotIndex index;
        final GroupState state;
        final Instant now;
        final boolean dry;
        final List<String> done;
        final List<String> problems = new ArrayList<>();
        final Map<String, NodeInfo> nodes = new HashMap<>();
        boolean cloudFailed;
        int desired;

        Exec(GroupSpec spec, CloudGroup cloud, SnapshotIndex index, GroupState state, Instant now, boolean dry,
             List<String> done) {
            this.spec = spec;
            this.cloud = cloud;
            this.index = index;
            this.state = state;
            this.now = now;
            this.dry = dry;
            this.done = done;
            this.desired = cloud.desired();
            for (NodeInfo n : index.nodes(spec.name())) {
                nodes.put(n.name(), n);
            }
        }

        void run(PlanAction action, boolean failing) throws ClusterException, CloudException {
            String g = spec.name();
            String id = spec.cloudGroupId();
            if (action instanceof PlanAction.Protect a) {
                if (cloudFailed) {
                    return;
                }
                record(DecisionKind.PROTECT, "protect " + a.instanceIds() + " in " + id, a.reason());
                if (!dry) {
                    cloud("setScaleInProtection", () -> provider().setScaleInProtection(id, a.instanceIds(), true));
                }
            } else if (action instanceof PlanAction.Reclaim a) {
                record(DecisionKind.RECLAIM, "reclaim node " + a.node(), a.reason());
                if (!dry) {
                    NodeInfo n = nodes.get(a.node());
                    if (n != null && n.draining() != DrainState.NONE) {
                        cluster.setDrainingTaint(a.node(), DrainState.NONE);
                    }
                    if (n != null && n.cordonedByJoblane()) {
                        cluster.uncordon(a.node());
                    }
                    clearTimers(a.node());
                    cluster.recordEvent(EventTarget.node(a.node()), false, "DrainCancelled", a.reason());
                }
            } else if (action instanceof PlanAction.ScaleUp a) {
                if (cloudFailed) {
                    return;
                }
                if (failing && state.backoffUntil != null && now.isBefore(state.backoffUntil)) {
                    deadline(state.backoffUntil);
                    metrics.decision(g, DecisionKind.SCALE_UP_BACKOFF);
                    LOG.info("group {}: scale-up to {} withheld, backing off until {}", g, a.to(), state.backoffUntil);
                    return;
                }
                record(DecisionKind.SCALE_UP, "scale " + id + " from " + a.from() + " to " + a.to(), a.reason());
                if (!dry) {
                    cloud("setDesiredCapacity", () -> provider().setDesiredCapacity(id, a.to()));
                    desired = a.to();
                    for (PodInfo p : a.examples()) {
                        cluster.recordEvent(EventTarget.pod(p), false, "TriggeredScaleUp",
                                "node group " + g + " scales from " + a.from() + " to " + a.to() + " node(s)");
                    }
                }
                // Only a scale-up that went through starts the next back-off: a failed call is retried next scan.
                if (failing) {
                    long factor = 1L << Math.min(state.failures, 10);
                    Duration delay = BACKOFF_BASE.multipliedBy(factor);
                    state.backoffUntil = now.plus(delay.compareTo(BACKOFF_MAX) > 0 ? BACKOFF_MAX : delay);
                    state.failures++;
                }
            } else if (action instanceof PlanAction.SetDrain a) {
                DecisionKind kind = a.state() == DrainState.NO_SCHEDULE ? DecisionKind.DRAIN_COMMIT : DecisionKind.DRAIN_NUDGE;
                record(kind, "taint node " + a.node() + " draining " + a.state(), a.reason());
                if (!dry) {
                    cluster.setDrainingTaint(a.node(), a.state());
                    NodeInfo n = nodes.get(a.node());
                    if (a.state() != DrainState.NO_SCHEDULE || n == null || n.drainingSince() == null) {
                        Map<String, String> ann = new HashMap<>();
                        ann.put(NodeAnnotations.DRAINING_SINCE,
                                a.state() == DrainState.NONE ? null : NodeAnnotations.format(now));
                        cluster.annotateNode(a.node(), ann);
                    }
                    cluster.recordEvent(EventTarget.node(a.node()), false, "Draining", a.reason());
                }
            } else if (action instanceof PlanAction.MarkUnneeded a) {
                if (a.since() != null) {
                    record(DecisionKind.MARK_UNNEEDED, "node " + a.node() + " unneeded since " + a.since(), a.reason());
                } else {
                    log("node " + a.node() + " needed again", a.reason());
                }
                if (!dry) {
                    Map<String, String> ann = new HashMap<>();
                    ann.put(NodeAnnotations.UNNEEDED_SINCE, a.since() == null ? null : NodeAnnotations.format(a.since()));
                    cluster.annotateNode(a.node(), ann);
                }
            } else if (action instanceof PlanAction.Cordon a) {
                record(DecisionKind.CORDON, "cordon node " + a.node(), a.reason());
                if (!dry) {
                    cluster.cordon(a.node(), now);
                    cluster.recordEvent(EventTarget.node(a.node()), false, "ScaleDown",
                            "cordoned, terminating after " + spec.settleDelay().toSeconds() + "s if still empty: " + a.reason());
                }
            } else if (action instanceof PlanAction.ClearCordonMark a) {
                log("clear the cordon mark of node " + a.node(), a.reason());
                if (!dry) {
                    Map<String, String> ann = new HashMap<>();
                    ann.put(NodeAnnotations.CORDONED_AT, null);
                    cluster.annotateNode(a.node(), ann);
                }
            } else if (action instanceof PlanAction.Uncordon a) {
                record(DecisionKind.UNCORDON, "uncordon node " + a.node(), a.reason());
                if (!dry) {
                    undo(a.node());
                    cluster.recordEvent(EventTarget.node(a.node()), false, "ScaleDownCancelled", a.reason());
                }
            } else if (action instanceof PlanAction.Terminate a) {
                terminate(a);
            } else if (action instanceof PlanAction.PodNeverFits a) {
                if (state.reportedUnfit.add(a.pod().uid())) {
                    metrics.podNeverFits(g);
                    record(DecisionKind.POD_NEVER_FITS, "pod " + a.pod().key() + " never fits", a.reason());
                    if (!dry) {
                        cluster.recordEvent(EventTarget.pod(a.pod()), true, "DoesNotFit", a.reason());
                    }
                }
            } else if (action instanceof PlanAction.InstanceUnregistered a) {
                problems.add(a.reason());
                if (state.reportedUnregistered.add(a.instanceId())) {
                    record(DecisionKind.INSTANCE_UNREGISTERED, "instance " + a.instanceId() + " unregistered", a.reason());
                }
            } else if (action instanceof PlanAction.TerminateUnregistered a) {
                if (cloudFailed) {
                    return;
                }
                Optional<String> hold = cluster.whyInstanceMayHaveNode(a.instanceId());
                if (hold.isPresent()) {
                    String why = "instance " + a.instanceId() + " has no node of group " + g
                            + " but is not terminated: " + hold.get();
                    problems.add(why);
                    if (state.reportedHeld.add(a.instanceId())) {
                        LOG.warn("group {}: {}", g, why);
                    }
                    return;
                }
                state.reportedHeld.remove(a.instanceId());
                record(DecisionKind.TERMINATE_UNREGISTERED, "terminate unregistered instance " + a.instanceId(), a.reason());
                if (!dry) {
                    state.terminatedByUs.put(a.instanceId(), now);
                    cloud("terminateInstance", () -> provider().terminateInstance(id, a.instanceId()));
                    desired--;
                    state.reportedUnregistered.remove(a.instanceId());
                }
            }
        }

        /** The final gate: live node check, mark, live bound-pod check, Lease, one call within the bound. */
        private void terminate(PlanAction.Terminate a) throws ClusterException, CloudException {
            String g = spec.name();
            if (cloudFailed) {
                return;
            }
            Optional<String> changed = cluster.whyNodeNotTerminable(a.node(), a.instanceId());
            if (changed.isPresent()) {
                // Not ours to give back any more (uncordoned, re-created, another instance): change nothing.
                record(DecisionKind.SCALE_IN_ABORTED, "keep node " + a.node(), changed.get());
                problems.add("node " + a.node() + " not terminated: " + changed.get());
                return;
            }
            if (dry) {
                List<PodInfo> blocking = blocking(cluster.podsBoundTo(a.node()));
                record(blocking.isEmpty() ? DecisionKind.TERMINATE : DecisionKind.SCALE_IN_ABORTED,
                        (blocking.isEmpty() ? "terminate" : "keep") + " node " + a.node() + " (instance "
                                + a.instanceId() + ")", a.reason());
                return;
            }
            Optional<Instant> markedBefore = cluster.markTerminationRequested(a.node(), now);
            Instant checkStarted = clock.instant();
            List<PodInfo> blocking = blocking(cluster.podsBoundTo(a.node()));
            if (!blocking.isEmpty()) {
                String why = blocking.size() + " pod(s) bound at the last moment, e.g. " + blocking.get(0).key();
                record(DecisionKind.SCALE_IN_ABORTED, "keep node " + a.node(), why);
                if (markedBefore.isEmpty()) {
                    // No termination was ever asked for: drop this scan's mark, then the node may take Jobs again.
                    Map<String, String> unmark = new HashMap<>();
                    unmark.put(NodeAnnotations.TERMINATION_REQUESTED_AT, null);
                    cluster.annotateNode(a.node(), unmark);
                    undo(a.node());
                    cluster.recordEvent(EventTarget.node(a.node()), false, "ScaleDownCancelled", why);
                } else {
                    problems.add("node " + a.node() + ": termination requested at " + markedBefore.get()
                            + " may have acted; waiting for " + why + " to finish, never reopened");
                }
                return;
            }
            Duration checkAge = Duration.between(checkStarted, clock.instant());
            if (checkAge.compareTo(TERMINATE_CHECK_BOUND) > 0) {
                String why = "the live checks took " + checkAge.toMillis() + " ms, over the bound of "
                        + TERMINATE_CHECK_BOUND.toMillis() + " ms; retried next scan";
                record(DecisionKind.SCALE_IN_ABORTED, "keep node " + a.node(), why);
                problems.add("node " + a.node() + " not terminated: " + why);
                return;
            }
            record(DecisionKind.TERMINATE, "terminate node " + a.node() + " (instance " + a.instanceId() + ")", a.reason());
            state.terminatedByUs.put(a.instanceId(), now);
            cloud("terminateInstance", () -> provider().terminateInstance(spec.cloudGroupId(), a.instanceId()));
            desired--;
            cluster.recordEvent(EventTarget.node(a.node()), false, "Terminated",
                    "instance " + a.instanceId() + " terminated: " + a.reason());
            try {
                int after = blocking(cluster.podsBoundTo(a.node())).size();
                metrics.podsFoundAtTermination(g, after);
                if (after > 0) {
                    LOG.error("group {}: {} pod(s) found on node {} right after its termination", g, after, a.node());
                }
            } catch (ClusterException e) {
                LOG.debug("group {}: post-termination check of {} failed: {}", g, a.node(), e.getMessage());
            }
        }

        private List<PodInfo> blocking(List<PodInfo> pods) {
            List<PodInfo> out = new ArrayList<>();
            for (PodInfo p : pods) {
                if (p.blocksScaleIn()) {
                    out.add(p);
                }
            }
            return out;
        }

        /** Gives the node back to the scheduler: no draining taint, no cordon of ours, no timers. */
        private void undo(String node) throws ClusterException {
            cluster.setDrainingTaint(node, DrainState.NONE);
            cluster.uncordon(node);
            clearTimers(node);
        }

        private void clearTimers(String node) throws ClusterException {
            Map<String, String> ann = new HashMap<>();
            ann.put(NodeAnnotations.UNNEEDED_SINCE, null);
            ann.put(NodeAnnotations.DRAINING_SINCE, null);
            cluster.annotateNode(node, ann);
        }

        private NodeGroupProvider provider() {
            return providers.get(spec.name());
        }

        private void cloud(String operation, CloudCall call) throws CloudException {
            checkLeading(operation);
            try {
                call.run();
                metrics.cloudCall(spec.name(), operation, null);
            } catch (CloudException e) {
                metrics.cloudCall(spec.name(), operation, e.code());
                throw e;
            }
        }

        private void record(DecisionKind kind, String what, String why) {
            metrics.decision(spec.name(), kind);
            log(what, why);
            state.lastAction = what;
            state.lastReason = why;
            state.lastAt = now;
        }

        private void log(String what, String why) {
            String line = (dry ? "dry-run: would " : "") + what + ": " + why;
            done.add("group " + spec.name() + ": " + line);
            LOG.info("group {}: {}", spec.name(), line);
        }
    }

    @FunctionalInterface
    private interface CloudCall {
        void run() throws CloudException;
    }

}
