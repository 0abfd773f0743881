package io.joblane.scaler.loop;

import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.NodeGroup;
import io.joblane.scaler.cloud.AsgMember;
import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.cloud.NodeGroupProvider;
import io.joblane.scaler.plan.CapacityType;
import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.ExpectedEnds;
import io.joblane.scaler.plan.GroupPlan;
import io.joblane.scaler.plan.GroupSpec;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PlanAction;
import io.joblane.scaler.plan.Planner;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.scaler.plan.SnapshotIndex;
import io.joblane.scaler.plan.SpotNotice;
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
import java.util.function.Supplier;
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
    private final List<AfterScan> afterScan = new ArrayList<>();
    private Supplier<ExpectedEnds> expectedEnds = () -> ExpectedEnds.NONE;
    private volatile JoblaneConfig config;
    private volatile ScanResult lastResult;
    private Instant startedAt;
    /** The earliest instant after the last scan at which one of its delays runs out, or null; see {@link #nextDeadline}. */
    private Instant nextDeadline;
    /** The last scan's index, whose per-node loads the next one reuses where a node's pods are unchanged. */
    private SnapshotIndex lastIndex;

    /**
     * @param providers provider per node-group name; a scaled group without one is reported and skipped
     * @param dryRun    log every action, change nothing (also on when the config says {@code scaler.dryRun})
     */
    public ScaleLoop(
            JoblaneConfig config,
            ClusterAccess cluster,
            Map<String, NodeGroupProvider> providers,
            Clock clock,
            ScalerMetrics metrics,
            boolean dryRun) {
        this(config, cluster, providers, clock, metrics, dryRun, () -> true);
    }

    /**
     * @param leading "this replica still holds the Lease", asked right before every cloud call and node write; when
     *                it says no, the scan stops at once and nothing more is changed
     */
    public ScaleLoop(
            JoblaneConfig config,
            ClusterAccess cluster,
            Map<String, NodeGroupProvider> providers,
            Clock clock,
            ScalerMetrics metrics,
            boolean dryRun,
            BooleanSupplier leading) {
        this.config = Objects.requireNonNull(config, "config");
        this.leading = Objects.requireNonNull(leading, "leading");
        this.cluster = new LeaderGuard(Objects.requireNonNull(cluster, "cluster"));
        this.providers = Map.copyOf(providers);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = metrics == null ? ScalerMetrics.NOOP : metrics;
        this.dryRun = dryRun;
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

    /** The dry-run setting a scan starting now uses ({@code --dry-run} or {@code scaler.dryRun}); fixed per scan. */
    public boolean dryRun() {
        return dryRun || config.scaler().dryRun();
    }

    /**
     * Only the steps after the scan (lanes), keeping the last scan's {@link #nextDeadline}: for an event-driven caller
     * (the simulator) whose cluster and cloud did not change since a scan that decided nothing, woken by a step's own
     * deadline before the loop's, when a scan would decide nothing new either.
     */
    public synchronized void runStepsAfterScanOnly() {
        try {
            runAfterScan(new ScanGate(dryRun(), leading));
        } catch (ScanGate.NotLeading e) {
            LOG.warn("steps after the scan stopped: no longer leading (before {})", e.getMessage());
        }
    }

    /** One full scan, synchronously. Never throws for cluster or cloud failures: they end up in the result. */
    public synchronized ScanResult runOnce() {
        Instant start = clock.instant();
        nextDeadline = null;
        if (startedAt == null) {
            startedAt = start;
        }
        JoblaneConfig cfg = config;
        ScanGate gate = new ScanGate(dryRun(), leading);
        boolean dry = gate.dryRun();
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
            runAfterScan(gate);
        } catch (ScanGate.NotLeading e) {
            LOG.warn("scan stopped: no longer leading (before {})", e.getMessage());
            problems.add("scan stopped: this replica no longer holds the Lease (before " + e.getMessage() + ")");
        }
        return finish(start, dry, statuses, problems, done);
    }

    private void scan(
            JoblaneConfig cfg,
            ClusterSnapshot snapshot,
            Instant start,
            boolean dry,
            Map<String, GroupStatus> statuses,
            List<String> problems,
            List<String> done) {
        // The last scan's index lends its per-node loads to nodes whose pods did not change.
        SnapshotIndex index = new SnapshotIndex(snapshot, expectedEnds.get(), lastIndex);
        lastIndex = index;
        List<NodeGroup> groups = cfg.scaledGroups();
        checkLeading("describe"); // a replica that no longer leads does not even read
        Map<String, CloudGroup> described = describeAll(groups, problems, statuses);
        for (NodeGroup group : groups) {
            if (statuses.containsKey(group.name())) {
                continue; // already reported as skipped
            }
            GroupState state = states.computeIfAbsent(group.name(), g -> new GroupState());
            GroupSpec spec = state.spec(group, cfg.scaler());
            CloudGroup cloud = described.get(spec.cloudGroupId());
            if (cloud == null) {
                statuses.put(
                        group.name(),
                        skipped(group.name(), state, GroupSkip.CLOUD_GROUP_NOT_FOUND, spec.cloudGroupId()));
                continue;
            }
            try {
                trackNodeless(cloud, index, state, start);
                GroupPlan plan = Planner.plan(spec, index, cloud, start, state.nodelessSince);
                deadline(plan.nextDeadline());
                statuses.put(group.name(), execute(spec, cloud, plan, index, state, start, dry, done));
            } catch (ScanGate.NotLeading e) {
                throw e;
            } catch (RuntimeException e) {
                // A bug must not stop the other groups; nothing of this group is executed after the failure.
                LOG.error("group {}: scan failed, its remaining actions are skipped", group.name(), e);
                statuses.put(group.name(), skipped(group.name(), state, GroupSkip.SCAN_FAILED, e));
            }
        }
    }

    /**
     * Adds a step run after every scan that completed while leading, with that scan's {@link ScanGate} (lanes: learn,
     * label, publish). Its writes go through the gate; a lost Lease ends the scan; any other failure is logged and the
     * scan's result stands. Call before the first scan.
     */
    public synchronized void afterScan(AfterScan step) {
        afterScan.add(Objects.requireNonNull(step, "step"));
    }

    /** A step after the scan, on the loop thread. */
    @FunctionalInterface
    public interface AfterScan {
        void run(ScanGate gate);
    }

    /**
     * Where bound pods' expected ends come from (lanes: start plus prediction, as of the last lanes step), for the
     * drain order. Without it no pod has one. Call before the first scan.
     */
    public synchronized void expectedEnds(Supplier<ExpectedEnds> ends) {
        this.expectedEnds = Objects.requireNonNull(ends, "ends");
    }

    private void runAfterScan(ScanGate gate) {
        for (AfterScan step : afterScan) {
            try {
                step.run(gate);
            } catch (ScanGate.NotLeading e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.error("a step after the scan failed; the scan's result stands", e);
            }
        }
    }

    private void checkLeading(String before) {
        if (!leading.getAsBoolean()) {
            throw new ScanGate.NotLeading(before);
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
        public boolean cordon(String node, Instant at) throws ClusterException {
            checkLeading("cordoning node " + node);
            return delegate.cordon(node, at);
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
        public void recordEvent(EventTarget target, EventReason reason, String message) {
            checkLeading("recording event " + reason.reason());
            delegate.recordEvent(target, reason, message);
        }
    }

    private ScanResult finish(
            Instant start, boolean dry, Map<String, GroupStatus> statuses, List<String> problems, List<String> done) {
        Duration took = Duration.between(start, clock.instant());
        ScanResult result = new ScanResult(start, took, dry, statuses, problems, done);
        lastResult = result;
        metrics.scanCompleted(took, result);
        return result;
    }

    /** Describes every group with one call per provider. */
    private Map<String, CloudGroup> describeAll(
            List<NodeGroup> groups, List<String> problems, Map<String, GroupStatus> statuses) {
        Map<NodeGroupProvider, List<NodeGroup>> byProvider = new IdentityHashMap<>();
        for (NodeGroup g : groups) {
            NodeGroupProvider p = providers.get(g.name());
            if (p == null) {
                statuses.put(g.name(), skipped(g.name(), GroupSkip.NO_PROVIDER, g.name()));
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
                    statuses.put(
                            g.name(),
                            skipped(g.name(), GroupSkip.DESCRIBE_FAILED, ex.kind(), ex.code(), ex.getMessage()));
                }
            } catch (RuntimeException ex) {
                LOG.error("describe of cloud groups {} failed", ids, ex);
                for (NodeGroup g : e.getValue()) {
                    statuses.put(g.name(), skipped(g.name(), GroupSkip.DESCRIBE_BROKEN, ex));
                }
            }
        }
        return out;
    }

    /** Executes one group's plan in order. A cloud failure skips the group's remaining cloud actions this scan. */
    private GroupStatus execute(
            GroupSpec spec,
            CloudGroup cloud,
            GroupPlan plan,
            SnapshotIndex index,
            GroupState state,
            Instant now,
            boolean dry,
            List<String> done) {
        boolean failing = updateBackoff(spec, cloud, plan, index, state, now);
        GroupExec x = new GroupExec(
                new GroupExec.Loop(
                        cluster, providers.get(spec.name()), metrics, clock, this::checkLeading, this::deadline),
                spec,
                cloud,
                index,
                state,
                now,
                dry,
                failing,
                done);
        x.problems.addAll(cloud.problems());
        forgetPodsNoLongerWaiting(spec, index, state);
        reportRegistrations(spec, cloud, index, state);
        reportUnexpectedTerminations(x);
        reportSpotNotices(x);
        for (PlanAction action : plan.actions()) {
            runAction(x, action);
        }
        return status(x, plan);
    }

    /** One action in its log scope; a cluster failure skips the action, a cloud failure the group's cloud actions. */
    private void runAction(GroupExec x, PlanAction action) {
        String g = x.spec.name();
        try (var fields = ActionLogFields.scope(g, action)) {
            ActionHandlers.run(action, x);
        } catch (ClusterException e) {
            metrics.clusterError(action.getClass().getSimpleName());
            LOG.warn("group {}: {} failed, retrying next scan: {}", g, describe(action), e.getMessage());
            x.problems.add("cluster call failed: " + e.getMessage());
        } catch (CloudException e) {
            LOG.warn(
                    "group {}: {} failed ({} {}), skipping the group's cloud actions this scan: {}",
                    g,
                    describe(action),
                    e.kind(),
                    e.code(),
                    e.getMessage());
            x.problems.add("cloud call failed (" + e.kind() + " " + e.code() + "): " + e.getMessage());
            x.cloudFailed = true;
        }
    }

    /** Tests: how many pods the group remembers having told or reported about (forgotten once no longer pending). */
    synchronized int rememberedPods(String group) {
        GroupState state = states.get(group);
        return state == null ? 0 : state.reportedUnfit.size() + state.toldWaiting.size();
    }

    private static void forgetPodsNoLongerWaiting(GroupSpec spec, SnapshotIndex index, GroupState state) {
        if (state.reportedUnfit.isEmpty() && state.toldWaiting.isEmpty()) {
            return; // nothing remembered to forget
        }
        // The remembered pods still pending: looked up, not a set of every pending pod made at every scan.
        Set<String> stillPending = new HashSet<>();
        for (PodInfo p : index.pending(spec.name())) {
            String uid = p.uid();
            if (state.reportedUnfit.contains(uid) || state.toldWaiting.containsKey(uid)) {
                stillPending.add(uid);
            }
        }
        state.reportedUnfit.retainAll(stillPending);
        state.toldWaiting.keySet().retainAll(stillPending);
    }

    private static GroupStatus status(GroupExec x, GroupPlan plan) {
        GroupSpec spec = x.spec;
        GroupState state = x.state;
        if (state.backoffUntil != null && x.now.isBefore(state.backoffUntil)) {
            x.problems.add("scale-up backing off until " + state.backoffUntil);
        }
        int maxSize = Math.min(spec.maxNodes(), x.cloud.max());
        if (plan.newNodesWanted() > 0 && x.cloud.desired() + plan.newNodesWanted() > maxSize) {
            x.problems.add("waiting pods need " + plan.newNodesWanted() + " more node(s) but the group is capped at "
                    + maxSize);
        }
        int registered = x.index.nodes(spec.name()).size();
        Instant oldestPending = null;
        for (PodInfo p : x.index.pending(spec.name())) {
            if (p.created() != null && (oldestPending == null || p.created().isBefore(oldestPending))) {
                oldestPending = p.created();
            }
        }
        return new GroupStatus(
                spec.name(),
                true,
                x.desired,
                Math.max(spec.minNodes(), x.cloud.min()),
                maxSize,
                registered,
                plan.readyNodes(),
                plan.launching(),
                plan.draining(),
                plan.cordoned(),
                plan.pendingPods(),
                plan.neverFit(),
                state.lastAction,
                state.lastReason,
                state.lastAt,
                state.backoffUntil,
                x.problems,
                oldestPending,
                x.state.reportedNotices.size(),
                asgStatuses(x));
    }

    /** Each member Auto Scaling group as described, with the desired size the scan's scale-up asked of it. */
    private static List<GroupStatus.AsgStatus> asgStatuses(GroupExec x) {
        List<GroupStatus.AsgStatus> out = new ArrayList<>();
        for (AsgMember m : x.cloud.members()) {
            out.add(new GroupStatus.AsgStatus(
                    m.id(), x.raisedAsgs.getOrDefault(m.id(), m.desired()), m.max(), m.zones(), m.instanceIds()));
        }
        return out;
    }

    /**
     * Decides whether the group's capacity has stopped arriving: the cloud reports failed launches, or desired has
     * stayed above the instances that exist for longer than the registration timeout, or instances never register.
     */
    private boolean updateBackoff(
            GroupSpec spec, CloudGroup cloud, GroupPlan plan, SnapshotIndex index, GroupState state, Instant now) {
        boolean gap = cloud.desired() > index.capacityInstances(cloud);
        if (!gap) {
            state.gapSince = null;
        } else if (state.gapSince == null) {
            state.gapSince = now;
        }
        boolean stuck = state.gapSince != null && now.isAfter(state.gapSince.plus(spec.registrationTimeout()));
        if (state.gapSince != null && !stuck) {
            deadline(state.gapSince.plus(spec.registrationTimeout()).plusNanos(1));
        }
        boolean failing = cloud.launchFailing() || stuck || registrationFailing(spec, cloud, plan, index);
        if (!failing) {
            state.failures = 0;
            state.backoffUntil = null;
        }
        return failing;
    }

    /**
     * Instances fail to register when some did not become nodes and no instance launched around or after the oldest
     * of them did: one broken instance among nodes that keep arriving must not back off the whole group.
     */
    private static boolean registrationFailing(GroupSpec spec, CloudGroup cloud, GroupPlan plan, SnapshotIndex index) {
        Set<String> unregistered = new HashSet<>();
        plan.actionsOf(PlanAction.InstanceUnregistered.class).forEach(a -> unregistered.add(a.instanceId()));
        plan.actionsOf(PlanAction.TerminateUnregistered.class).forEach(a -> unregistered.add(a.instanceId()));
        if (unregistered.isEmpty()) {
            return false;
        }
        Instant oldest = Instant.MAX;
        for (CloudInstance i : cloud.instances()) {
            if (unregistered.contains(i.id())) {
                oldest = i.launchTime() == null
                        ? Instant.MIN
                        : oldest.isBefore(i.launchTime()) ? oldest : i.launchTime();
            }
        }
        Instant since = oldest == Instant.MIN ? Instant.MIN : oldest.minus(spec.registrationTimeout());
        for (CloudInstance i : cloud.instances()) {
            if (!unregistered.contains(i.id())
                    && i.launchTime() != null
                    && !i.launchTime().isBefore(since)
                    && index.nodeOfInstance(i.id()) != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Remembers the first scan that saw each capacity instance without a node. Only in memory: a restart forgets it,
     * which restarts the wait before an unregistered instance is terminated (the safe side).
     */
    private static void trackNodeless(CloudGroup cloud, SnapshotIndex index, GroupState state, Instant now) {
        List<CloudInstance> found = index.nodeless(cloud);
        if (GroupState.sameElements(found, state.lastNodeless)) {
            return; // the same instances as at the last scan: each already has its time, no other is kept
        }
        state.lastNodeless = found;
        // A new map of these only: retaining in the old one walks its table, grown for good by a burst of launches.
        Map<String, Instant> since = new HashMap<>();
        for (CloudInstance i : found) {
            since.putIfAbsent(i.id(), state.nodelessSince.getOrDefault(i.id(), now));
        }
        state.nodelessSince = since;
    }

    /**
     * Reports instances that left the group (seen InService or with a node, now Terminating, Terminated or gone) that
     * no replica chose (memory of our calls, the node's termination mark): counted once, an Event, a problem for an
     * hour. Such terminations can kill running Jobs; AWS.md says which Auto Scaling features cause them.
     */
    private void reportUnexpectedTerminations(GroupExec x) {
        GroupState state = x.state;
        for (String id : leavingInstances(x)) {
            if (!reportable(x, id)) {
                continue;
            }
            NodeInfo node = x.index.nodeOfInstance(id);
            state.unexpected.put(id, x.now);
            metrics.unexpectedTermination(x.spec.name());
            tellCloudTermination(x, id, node, state.spotInstances.get(id));
        }
        state.remember(x.cloud.instances());
        forgetSpotInstancesGone(state, x.cloud.instances());
        state.forgetTerminatedBefore(x.now, UNEXPECTED_TERMINATION_REPORTED_FOR);
        state.unexpected.values().removeIf(at -> x.now.isAfter(at.plus(UNEXPECTED_TERMINATION_REPORTED_FOR)));
        if (!state.unexpected.isEmpty()) {
            x.problems.add(state.unexpected.size() + " instance(s) terminated by the cloud group itself, not by "
                    + "Joblane, in the last " + UNEXPECTED_TERMINATION_REPORTED_FOR.toMinutes() + "m ("
                    + String.join(", ", state.unexpected.keySet()) + "): health check replacement, Spot or capacity "
                    + "rebalance, instance refresh or a node group upgrade evict running Jobs; see AWS.md");
        }
    }

    /** An instance that left is reported unless a replica chose it (our call, the node's mark) or it was already. */
    private static boolean reportable(GroupExec x, String id) {
        if (knownNotToReport(x, id)) {
            return false;
        }
        NodeInfo node = x.index.nodeOfInstance(id);
        return node == null || node.terminationRequestedAt() == null;
    }

    /**
     * Terminated by this replica, or reported already: asked before the nodes by instance, which a pass whose
     * instances changed would otherwise derive for them alone (most instances that leave were terminated by us).
     */
    private static boolean knownNotToReport(GroupExec x, String id) {
        return x.state.terminatedByUs.containsKey(id) || x.state.unexpected.containsKey(id);
    }

    /** Spot instances no longer in the group are forgotten (nothing to do without any: the simulator's usual case). */
    private static void forgetSpotInstancesGone(GroupState state, List<CloudInstance> instances) {
        if (state.spotInstances.isEmpty()) {
            return;
        }
        Set<String> ids = new HashSet<>();
        instances.forEach(i -> ids.add(i.id()));
        state.spotInstances.keySet().retainAll(ids);
    }

    /**
     * Reports each Spot notice once per node and kind (Event, metric, the group's status); the planner fences the node.
     * Nodes gone or without a notice are forgotten. Only in memory: a restart reports a notice again, once.
     */
    private void reportSpotNotices(GroupExec x) {
        Map<String, SpotNotice> reported = x.state.reportedNotices;
        if (!x.index.spotOnNodes(x.spec.name())) {
            reported.clear(); // no node is Spot or noticed: the walk below would remember and report nothing
            return;
        }
        Set<String> noticed = new HashSet<>();
        for (NodeInfo n : x.index.nodes(x.spec.name())) {
            if (n.instanceId() != null && (n.noticed() || n.capacityType() == CapacityType.SPOT)) {
                x.state.spotInstances.put(n.instanceId(), n.spotNotice());
            }
            if (!n.noticed()) {
                continue;
            }
            noticed.add(n.name());
            SpotNotice before = reported.get(n.name());
            if (before != null && before.compareTo(n.spotNotice()) >= 0) {
                continue;
            }
            reported.put(n.name(), n.spotNotice());
            metrics.spotNotice(x.spec.name(), n.spotNotice().kind());
            String what = "Spot " + n.spotNotice().kind() + " notice on node " + n.name()
                    + (n.instanceId() == null ? "" : " (instance " + n.instanceId() + ")")
                    + ": fenced, no new Job lands there; running Jobs are left to finish";
            LOG.info("group {}: {}", x.spec.name(), what);
            x.event(
                    EventTarget.node(n.name()),
                    n.spotNotice() == SpotNotice.INTERRUPTION
                            ? EventReason.SPOT_INTERRUPTION_NOTICE
                            : EventReason.SPOT_REBALANCE_RECOMMENDATION,
                    what);
        }
        reported.keySet().retainAll(noticed);
    }

    /**
     * Logs and tells (Event on the node, when it is still there) an instance the cloud took. {@code spot}: its node
     * was Spot or had a notice (remembered, as the node may be gone already): Spot's loss, expected, logged at info.
     */
    private void tellCloudTermination(GroupExec x, String id, NodeInfo node, SpotNotice spot) {
        String what = "instance " + id + (node == null ? "" : " (node " + node.name() + ")")
                + " was terminated by the cloud group itself, not by Joblane";
        if (spot != null) {
            LOG.info("group {}: {} (Spot)", x.spec.name(), what);
            metrics.spotInterruption(x.spec.name());
        } else {
            LOG.warn("group {}: {}", x.spec.name(), what);
        }
        if (node == null) {
            return;
        }
        if (spot != null) {
            x.event(
                    EventTarget.node(node.name()),
                    EventReason.SPOT_INTERRUPTED,
                    what + " (Spot" + (spot == SpotNotice.NONE ? "" : ", " + spot.kind() + " notice")
                            + "): Jobs still running there are lost to Spot, not to the scaler");
        } else {
            x.event(
                    EventTarget.node(node.name()),
                    EventReason.UNEXPECTED_TERMINATION,
                    what + ": running Jobs there are lost (health check replacement, rebalancing, instance refresh or"
                            + " a node group upgrade?)");
        }
    }

    /**
     * Instances seen InService (or with a node) that are now Terminating, Terminated or gone. When the describe lists
     * the same instances as the last one, every state was already seen, so only ending instances with a node leave.
     */
    private static Set<String> leavingInstances(GroupExec x) {
        Set<String> leaving = new LinkedHashSet<>();
        boolean unchanged = GroupState.sameInstances(x.state.lastInstances, x.cloud.instances());
        for (CloudInstance i : x.index.endingInstances(x.cloud)) {
            if (knownNotToReport(x, i.id())) {
                continue; // the caller would skip it: not worth a lookup of its node
            }
            boolean wasServing = !unchanged && x.state.lastState(i.id()) == LifecycleState.IN_SERVICE
                    || x.index.nodeOfInstance(i.id()) != null;
            if (wasServing) {
                leaving.add(i.id());
            }
        }
        if (unchanged) {
            return leaving; // every instance seen last time is still listed: none left the list
        }
        // Found among the instances that changed (the kept map's differences), not by a walk over every id.
        List<String> gone = x.state.goneInService(x.cloud.instances());
        if (gone.isEmpty()) {
            return leaving;
        }
        if (x.state.instancesById.went() != null
                && gone.stream().filter(id -> reportable(x, id)).count() > 1) {
            gone = x.state.inLastStatesOrder(gone); // the order their reports always had
        }
        leaving.addAll(gone);
        return leaving;
    }

    /**
     * Registration lag of nodes that appeared since this loop started (older ones would skew the histogram), each
     * reported once; a node handed as the same object as at the last scan is not looked at again ({@link
     * Registrations}).
     */
    private void reportRegistrations(GroupSpec spec, CloudGroup cloud, SnapshotIndex index, GroupState state) {
        state.registrations.scan(
                index.nodes(spec.name()),
                cloud.instances(),
                id -> {
                    CloudInstance inst = index.instance(cloud, id);
                    return inst == null ? null : inst.launchTime();
                },
                startedAt,
                (n, lag) -> metrics.nodeRegistered(spec.name(), lag),
                index::pairing);
    }

    private GroupStatus skipped(String group, GroupSkip why, Object... details) {
        return skipped(group, states.computeIfAbsent(group, n -> new GroupState()), why, details);
    }

    /** The group's status for a scan that did not plan it, counted by reason. */
    private GroupStatus skipped(String group, GroupState state, GroupSkip why, Object... details) {
        metrics.groupSkipped(group, why);
        return new GroupStatus(
                group,
                false,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                state.lastAction,
                state.lastReason,
                state.lastAt,
                state.backoffUntil,
                List.of(why.problem(details)),
                null,
                0,
                List.of());
    }

    private static String describe(PlanAction action) {
        return action.getClass().getSimpleName();
    }
}
