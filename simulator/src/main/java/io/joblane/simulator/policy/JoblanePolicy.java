package io.joblane.simulator.policy;

import io.joblane.model.GoDuration;
import io.joblane.model.Quantity;
import io.joblane.model.WellKnown;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.NodeGroup;
import io.joblane.model.config.ScalerSettings;
import io.joblane.model.config.Scaling;
import io.joblane.model.config.Taint;
import io.joblane.model.lanes.FamilyHistory;
import io.joblane.model.lanes.FamilyTable;
import io.joblane.model.lanes.LaneTerm;
import io.joblane.model.lanes.RunTimePredictor;
import io.joblane.scaler.cloud.AsgSets;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.NodeGroupProvider;
import io.joblane.scaler.cloud.fake.FakeInstanceType;
import io.joblane.scaler.cloud.fake.FakeNodeGroupProvider;
import io.joblane.scaler.cloud.fake.LaunchRule;
import io.joblane.scaler.lanes.LanesAccess;
import io.joblane.scaler.lanes.LanesStep;
import io.joblane.scaler.loop.ClusterAccess;
import io.joblane.scaler.loop.DecisionKind;
import io.joblane.scaler.loop.EventReason;
import io.joblane.scaler.loop.EventTarget;
import io.joblane.scaler.loop.ScaleLoop;
import io.joblane.scaler.loop.ScalerMetrics;
import io.joblane.scaler.plan.CapacityType;
import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.DaemonSetInfo;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.GroupSpec;
import io.joblane.scaler.plan.LabelRequirement;
import io.joblane.scaler.plan.NodeAnnotations;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PodConstraints;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.scaler.plan.PodPhase;
import io.joblane.scaler.plan.Resources;
import io.joblane.scaler.plan.SpotNotice;
import io.joblane.scaler.plan.Toleration;
import io.joblane.simulator.Simulation;
import io.joblane.simulator.Simulator;
import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.NodeType;
import io.joblane.simulator.cluster.SimClock;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code joblane} policy: the scaler's real {@link ScaleLoop} and planner, the real {@link FakeNodeGroupProvider}
 * on a virtual clock, and the simulated cluster behind {@link ClusterAccess}.
 * Instances the provider launches become nodes after the boot delay; terminated instances leave the cluster. With
 * lanes on (the chart's default), the scaler's real {@link LanesStep} runs after each scan as in the scaler, through
 * {@link LanesAccess} (learning from finished pods, labelling nodes {@code joblane.io/lane-end}, publishing the family
 * table), and each pod gets at creation the preferred lane term the webhook decides ({@link LaneTerm#decide}) from the
 * published table. Nothing of the scaler's or the webhook's logic is re-implemented here. One thread, one run.
 */
public final class JoblanePolicy implements ScalingPolicy, ClusterAccess, FakeNodeGroupProvider.Listener {
    /** What of lanes a run has: the chart's default is {@link #ON}. */
    public enum Lanes {
        /** {@code lanes.enabled: false}: no labels, no lane terms, no expected ends. */
        OFF,
        /** A measurement only: labels and lane terms, but the drain order does not get the expected ends. */
        PLACEMENT_ONLY,
        /** Labels, lane terms, and the expected ends in the drain order: the product with lanes on. */
        ON
    }

    static final String GROUP = "batch";
    static final String NAMESPACE = "default";

    private final Simulation.Settings settings;
    private final Duration scaleDownDelay;
    private final int maxDraining;
    /** {@code scaling.scaleInTiming} of the simulated group; null: the template's, else the product default. */
    private final String scaleInTiming;
    /** The user's group from {@code --config} (its taints, labels, settle delay), or null for a plain group. */
    private final NodeGroup template;

    private final ScalerSettings scalerTemplate;
    /** The name in the table, and how the scheduler places the group's pods; the loop itself is the same. */
    private final String name;

    private final SimCluster.Scoring scoring;
    private final Lanes lanes;
    /** The group's {@code spot.preferOnDemandAbove}, or null (the chart's default: never). */
    private final Duration preferOnDemandAbove;

    private final SimClock clock = new SimClock();
    private LanesStep lanesStep;
    /** Lanes' view of the simulated cluster; null with lanes off. */
    private SimLanes lanesAccess;
    /** Pods given a lane term: to show lanes were exercised. */
    private long lanesGiven;

    private long onDemandPreferred;
    /** One constraints object per zone, shared by every pod pinned there. */
    private final Map<String, PodConstraints> zoneConstraints = new HashMap<>();
    /**
     * One requests object per value: the pods of a Job, and of Jobs alike, then hand the planner the same object, which
     * its memos and fast paths compare by reference before by value (fewer than 256 values over RICC).
     */
    private final Map<Requests, Resources> requestsByValue = new HashMap<>();

    private static final int REQUEST_VALUES_KEPT = 4096;

    private record Requests(long cpu, long memory, long gpu) {}
    /** With {@link #oneAsgPerZone}, the member Auto Scaling groups (and below their zones); else empty. */
    private List<String> members = List.of();

    private List<String> memberZones = List.of();

    private SimCluster cluster;
    /** The ready nodes and the loop's (and lanes') views of them, kept across scans. */
    private ReadyNodes readyNodes;

    private ScaleLoop loop;
    private FakeNodeGroupProvider provider;
    /** The allocatable of a node of each shape, as its Node object would report it. */
    private final Map<NodeShape, Resources> allocatable = new java.util.HashMap<>();
    /** The last shape looked up and its allocatable: nodes share their type's shape (a record keeps no hash). */
    private NodeShape lastShape;

    private Resources lastAllocatable;

    private List<DaemonSetInfo> daemonSets;
    private long scaleActions;
    /** The scan in progress took a decision or wrote to the cloud. */
    private boolean acted;

    private long wholeScans;
    private long stepsOnlyRuns;

    JoblanePolicy(
            Simulation.Settings settings,
            Duration scaleDownDelay,
            int maxDraining,
            String scaleInTiming,
            NodeGroup template,
            ScalerSettings scalerTemplate,
            String name,
            SimCluster.Scoring scoring,
            Lanes lanes,
            Duration preferOnDemandAbove) {
        this.settings = settings;
        this.preferOnDemandAbove = preferOnDemandAbove;
        this.name = name;
        this.scoring = scoring;
        this.lanes = lanes;
        this.scaleDownDelay = scaleDownDelay;
        this.maxDraining = maxDraining;
        this.scaleInTiming = scaleInTiming;
        this.template = template;
        this.scalerTemplate = scalerTemplate;
    }

    public static Simulator.JoblanePolicyFactory factory(Duration scaleDownDelay, int maxDraining) {
        return factory(scaleDownDelay, maxDraining, null, null, null);
    }

    /** With a template, the loop sees the user's group (labels, taints, settle delay, scale-in timing). */
    public static Simulator.JoblanePolicyFactory factory(
            Duration scaleDownDelay, int maxDraining, NodeGroup template, ScalerSettings scalerTemplate) {
        return factory(scaleDownDelay, maxDraining, template, scalerTemplate, null);
    }

    /** {@code scaleInTiming}: fixed or cost; null takes the template's, else the product default. */
    public static Simulator.JoblanePolicyFactory factory(
            Duration scaleDownDelay,
            int maxDraining,
            NodeGroup template,
            ScalerSettings scalerTemplate,
            String scaleInTiming) {
        return factory(scaleDownDelay, maxDraining, template, scalerTemplate, scaleInTiming, null);
    }

    /**
     * {@code preferOnDemandAbove}: the group's {@code spot.preferOnDemandAbove} (null: never, the chart's default); the
     * webhook then gives each pod predicted to run longer its preferred on-demand term.
     */
    public static Simulator.JoblanePolicyFactory factory(
            Duration scaleDownDelay,
            int maxDraining,
            NodeGroup template,
            ScalerSettings scalerTemplate,
            String scaleInTiming,
            Duration preferOnDemandAbove) {
        return new Simulator.JoblanePolicyFactory() {
            @Override
            public ScalingPolicy create(
                    Simulation.Settings settings,
                    String name,
                    SimCluster.Scoring scoring,
                    int maxDrainingOverride,
                    Lanes lanes) {
                return new JoblanePolicy(
                        settings,
                        scaleDownDelay,
                        maxDrainingOverride > 0 ? maxDrainingOverride : maxDraining,
                        scaleInTiming,
                        template,
                        scalerTemplate,
                        name,
                        scoring,
                        lanes,
                        preferOnDemandAbove);
            }

            @Override
            public String toString() {
                return "Joblane maxDraining " + maxDraining + ", scaleDownDelay " + GoDuration.format(scaleDownDelay)
                        + ", scaleInTiming "
                        + (scaleInTiming != null
                                ? scaleInTiming
                                : template != null
                                        ? template.scaling().scaleInTiming()
                                        : Scaling.DEFAULT_SCALE_IN_TIMING)
                        + (template == null ? "" : ", group " + template.name() + " from --config")
                        + (preferOnDemandAbove == null
                                ? ""
                                : ", spot.preferOnDemandAbove " + GoDuration.format(preferOnDemandAbove));
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Runs the group over one Auto Scaling group per zone ({@code scaling.autoScalingGroups}, as EKS advises for zonal
     * volumes), so the real planner raises the pinned pod's zone's group. Call before {@link #start}.
     */
    public JoblanePolicy oneAsgPerZone(List<String> zones) {
        memberZones = List.copyOf(zones);
        members = zones.stream().map(z -> GROUP + "-" + z).toList();
        return this;
    }

    @Override
    public SimCluster.Scoring scoring() {
        return scoring;
    }

    @Override
    public boolean jobsAnnotatedSafeToEvictFalse() {
        return true;
    }

    @Override
    public long scaleActions() {
        return scaleActions;
    }

    @Override
    public void start(SimCluster simCluster, long now) {
        this.cluster = simCluster;
        clock.set(now);
        NodeShape shape = simCluster.shape;
        Map<String, String> node = quantities(shape);
        for (NodeType t : simCluster.types.types()) {
            allocatable.put(t.shape(), Resources.ofQuantities(quantities(t.shape())));
        }
        if (simCluster.types.mixed()) {
            // As on AWS without scaling.node: the group is planned from the cloud's node template, type by type.
            node = Map.of();
        }
        Duration boot = Duration.ofMillis(settings.bootDelayMillis());
        Scaling scaling = new Scaling(
                Scaling.PROVIDER_MEMORY,
                members.isEmpty() ? GROUP : null,
                0,
                settings.maxNodes(),
                node,
                GoDuration.format(scaleDownDelay),
                maxDraining,
                GoDuration.format(boot),
                template == null ? null : template.scaling().registrationTimeout(),
                false,
                scaleInTiming != null || template == null
                        ? scaleInTiming
                        : template.scaling().scaleInTiming(),
                members.isEmpty() ? null : members,
                null);
        NodeGroup group = template == null
                ? new NodeGroup(
                        GROUP,
                        true,
                        Map.of(),
                        List.of(new Taint(WellKnown.DEDICATED_TAINT, GROUP, "NoSchedule")),
                        null,
                        null,
                        scaling)
                : new NodeGroup(
                        GROUP,
                        true,
                        template.labels(),
                        template.taints(),
                        template.schedulerName(),
                        template.match(),
                        scaling);
        ScalerSettings scaler = new ScalerSettings(
                GoDuration.format(Duration.ofMillis(settings.scanIntervalMillis())),
                false,
                scalerTemplate == null ? null : scalerTemplate.settleDelay(),
                null);
        JoblaneConfig config = new JoblaneConfig(List.of(group), null, scaler);
        // The call log would grow with the trace: keep none (scale actions are counted through the metrics).
        NodeGroupProvider cloud = cloud(simCluster, boot);
        provider.addListener(this);
        daemonSets = daemonSets(shape);
        loop = new ScaleLoop(config, this, Map.of(GROUP, cloud), clock, countingMetrics(), false);
        readyNodes = new ReadyNodes(simCluster, this::nodeInfo, n -> n.podInfos(this::podInfo), lanes != Lanes.OFF);
        startLanes();
    }

    /** The in-memory cloud: one group, or one Auto Scaling group per zone seen as one through {@link AsgSets}. */
    private NodeGroupProvider cloud(SimCluster simCluster, Duration boot) {
        provider = new FakeNodeGroupProvider(clock).keepCalls(0);
        NodeGroupProvider cloud = provider;
        if (!members.isEmpty()) {
            for (int i = 0; i < members.size(); i++) {
                provider.addGroup(
                        members.get(i),
                        0,
                        settings.maxNodes(),
                        0,
                        boot,
                        List.of(memberZones.get(i)),
                        simCluster.types.mixed() ? simCluster.types.cloudTypes() : List.of(),
                        simCluster.types.mixed() ? simCluster.types.rule() : LaunchRule.PRIORITIZED,
                        Map.of());
            }
            cloud = new AsgSets(provider, Map.of(GroupSpec.asgSetId(GROUP), members));
        } else if (simCluster.types.mixed()) {
            provider.addGroup(
                    GROUP, 0, settings.maxNodes(), 0, boot, simCluster.types.cloudTypes(), simCluster.types.rule());
        } else {
            provider.addGroup(GROUP, 0, settings.maxNodes(), 0, boot);
        }
        return cloud;
    }

    /** The scaler's lanes step after each scan, as {@code RunCommand} adds it; nothing with lanes off. */
    private void startLanes() {
        if (lanes == Lanes.OFF) {
            return;
        }
        lanesAccess = new SimLanes(cluster, readyNodes);
        lanesStep = new LanesStep(
                lanesAccess, clock, LanesStep.DEFAULT_PUBLISH_INTERVAL, FamilyHistory.DEFAULT_MAX_FAMILIES);
        loop.afterScan(lanesStep::run);
        if (lanes == Lanes.ON) {
            loop.expectedEnds(lanesStep::expectedEnds);
        }
        cluster.onFinished(lanesAccess::finished);
    }

    private static Map<String, String> quantities(NodeShape shape) {
        Map<String, String> node = new LinkedHashMap<>();
        node.put(WellKnown.RESOURCE_CPU, Quantity.format(shape.cpuMillis(), WellKnown.RESOURCE_CPU));
        node.put(WellKnown.RESOURCE_MEMORY, Quantity.format(shape.memoryMillis(), WellKnown.RESOURCE_MEMORY));
        node.put(WellKnown.RESOURCE_PODS, Integer.toString(shape.pods()));
        if (shape.gpus() > 0) {
            node.put(WellKnown.RESOURCE_NVIDIA_GPU, Long.toString(shape.gpus()));
        }
        return node;
    }

    private static List<DaemonSetInfo> daemonSets(NodeShape shape) {
        List<DaemonSetInfo> result = new ArrayList<>();
        Toleration everything = new Toleration(null, "Exists", null, null);
        for (int i = 0; i < shape.daemonSetPods(); i++) {
            // The whole overhead on the first; the others only take their pod slot.
            Resources requests =
                    i == 0 ? Resources.of(shape.daemonSetCpuMillis(), shape.daemonSetMemoryMillis()) : Resources.ZERO;
            result.add(new DaemonSetInfo("kube-system", "daemonset-" + i, requests, Map.of(), List.of(everything)));
        }
        return result;
    }

    /**
     * Counts what the loop did: any call but a describe, or a decision, is an action; launches and terminations. Not
     * instances protected from scale-in: the flag's one reader in the planner is the step that sets it, which then
     * finds nothing to protect, so the next scan of an unchanged cluster decides nothing (the check of skipped scans
     * runs it); a failed protection is an action, retried at the next scan.
     */
    private ScalerMetrics countingMetrics() {
        return new ScalerMetrics() {
            @Override
            public void cloudCall(String g, String operation, String errorCode) {
                boolean protectedOk = FakeNodeGroupProvider.PROTECT.equals(operation) && errorCode == null;
                if (!FakeNodeGroupProvider.DESCRIBE.equals(operation) && !protectedOk) {
                    acted = true;
                }
                if (errorCode == null
                        && (FakeNodeGroupProvider.SET_DESIRED.equals(operation)
                                || FakeNodeGroupProvider.TERMINATE.equals(operation))) {
                    scaleActions++;
                }
            }

            @Override
            public void decision(String g, DecisionKind kind) {
                acted |= kind != DecisionKind.PROTECT;
            }
        };
    }

    /**
     * The webhook at the pod's creation: the preferred lane term from the published table, if any; and with
     * {@code spot.preferOnDemandAbove}, the on-demand term when the same prediction is longer (the webhook's
     * {@code OnDemandPreference}: more than the threshold, from the annotation, the family table or the deadline; with
     * lanes off no table is published, so from the deadline only).
     */
    @Override
    public void admit(SimPod pod, long now) {
        FamilyTable published = lanesAccess == null ? FamilyTable.EMPTY : lanesAccess.published();
        if (lanesStep != null) {
            pod.lane = LaneTerm.decide(null, published.get(SimLanes.family(pod)), pod.deadline, now)
                    .orElse(null);
            lanesGiven += pod.lane == null ? 0 : 1;
        }
        if (preferOnDemandAbove != null) {
            pod.prefersOnDemand = RunTimePredictor.predict(null, published.get(SimLanes.family(pod)), pod.deadline)
                    .filter(p -> p.millis() > preferOnDemandAbove.toMillis())
                    .isPresent();
            onDemandPreferred += pod.prefersOnDemand ? 1 : 0;
        }
    }

    /** Pods the webhook gave the on-demand term so far. */
    public long onDemandPreferred() {
        return onDemandPreferred;
    }

    @Override
    public boolean scan(SimCluster simCluster, long now) {
        wholeScans++;
        return runLoop(now, loop::runOnce);
    }

    /** Runs {@code part} of the loop at {@code now}; whether it acted. */
    private boolean runLoop(long now, Runnable part) {
        clock.set(now);
        acted = false;
        part.run();
        return acted;
    }

    /** The loop says when its next delay runs out; until then only a change in the cluster makes it decide. */
    @Override
    public long nextScanWanted(SimCluster simCluster, long now) {
        long publish = lanesStep == null ? Long.MAX_VALUE : millisAtOrAfter(lanesStep.nextDeadline());
        // A held-back family table changes what the webhook predicts: publishing it is due then.
        return Math.min(millisAtOrAfter(loop.nextDeadline()), publish);
    }

    /**
     * Only lanes' publishing is due when the loop's own delays have not run out: a scan of the unchanged cluster would
     * decide what the last one did, nothing (the simulation's check of skipped scans runs it whole and fails if not).
     */
    @Override
    public boolean wholeScanDue(long now) {
        return lanesStep == null || now >= millisAtOrAfter(loop.nextDeadline());
    }

    @Override
    public boolean scanDueStepsOnly(SimCluster simCluster, long now) {
        stepsOnlyRuns++;
        return runLoop(now, loop::runStepsAfterScanOnly);
    }

    /** The loop's whole scans so far. */
    public long wholeScans() {
        return wholeScans;
    }

    /** The wakes so far that ran only the steps after the scan ({@link #scanDueStepsOnly}). */
    public long stepsOnlyRuns() {
        return stepsOnlyRuns;
    }

    /** The first simulated millisecond at or after {@code at}; Long.MAX_VALUE for none. */
    private static long millisAtOrAfter(Instant at) {
        if (at == null) {
            return Long.MAX_VALUE;
        }
        long millis = at.toEpochMilli();
        return at.getNano() % 1_000_000 == 0 ? millis : millis + 1;
    }

    // ---- provider listener: instances become nodes ---------------------------------------------------------

    @Override
    public void launched(String groupId, CloudInstance instance) {
        long now = clock.millis();
        FakeInstanceType type = provider.instanceType(instance.id());
        SimNode node = cluster.launch(
                instance.id(),
                now,
                now + settings.bootDelayMillis(),
                type == null ? cluster.types.first() : cluster.types.byName(type.name()));
        if (instance.zone() != null) {
            node.zone = instance.zone(); // the cloud's choice, as a real node's zone label
            cluster.listChanged(node);
        }
    }

    /**
     * The cloud takes a Spot node: gone from the cluster (its pods are Spot's loss), and the cloud group replaces the
     * instance as an Auto Scaling group replaces an interrupted Spot instance (desired unchanged).
     */
    @Override
    public void spotTaken(SimCluster simCluster, SimNode node, long now) {
        simCluster.removeTakenBySpot(node, now);
        clock.set(now);
        provider.replaceInstance(cloudGroupOf(node.instanceId), node.instanceId);
    }

    /** The cloud group that holds an instance: its member Auto Scaling group, or the one group. */
    private String cloudGroupOf(String instanceId) {
        for (String m : members) {
            if (provider.peek(m).instances().stream().anyMatch(i -> i.id().equals(instanceId))) {
                return m;
            }
        }
        return GROUP;
    }

    @Override
    public void terminated(String groupId, CloudInstance instance) {
        SimNode node = cluster.nodeByInstance(instance.id());
        if (node != null) {
            cluster.remove(node, clock.millis());
        }
    }

    // ---- ClusterAccess over the simulated cluster -------------------------------------------------------------

    @Override
    public ClusterSnapshot snapshot() {
        readyNodes.refresh(); // a booting instance has no Node object yet
        List<NodeInfo> nodes = readyNodes.infos();
        List<List<PodInfo>> podsOfNodes = readyNodes.podLists();
        List<PodInfo> pending = new ArrayList<>(cluster.pending().size());
        for (SimPod p : cluster.pending()) {
            pending.add(podInfo(p));
        }
        return new ClusterSnapshot(clock.instant(), nodes, pending, daemonSets, podsOfNodes, readyNodes.edits());
    }

    /** The planner's state of each simulated drain taint (the same three, the same names), once: asked per node per scan. */
    private static final DrainState[] DRAIN_OF_TAINT = java.util.Arrays.stream(SimNode.Taint.values())
            .map(t -> DrainState.valueOf(t.name()))
            .toArray(DrainState[]::new);

    private NodeInfo nodeInfo(SimNode n) {
        DrainState drain = DRAIN_OF_TAINT[n.drainTaint.ordinal()];
        NodeInfo info = n.info;
        SpotNotice notice = n.spotNoticed ? SpotNotice.INTERRUPTION : SpotNotice.NONE;
        if (info != null && sameFlags(info, n, drain) && info.spotNotice() == notice && sameTimes(info, n)) {
            return info; // most nodes did not change since the last scan
        }
        info = new NodeInfo(
                n.name,
                GROUP,
                n.instanceId,
                allocatableOf(n.shape),
                true,
                SimClock.instant(n.readyAt),
                n.cordoned,
                n.cordoned && n.cordonedByJoblane,
                drain,
                false,
                instantOrNull(n.unneededSince),
                instantOrNull(n.cordonedAt),
                instantOrNull(n.drainingSince),
                null,
                null,
                notice,
                n.spot ? CapacityType.SPOT : null,
                n.zone == null ? Map.of() : Map.of(WellKnown.ZONE_LABEL, n.zone),
                List.of());
        n.info = info;
        return info;
    }

    private Resources allocatableOf(NodeShape shape) {
        if (shape != lastShape) {
            lastAllocatable = allocatable.get(shape);
            lastShape = shape;
        }
        return lastAllocatable;
    }

    private static boolean sameFlags(NodeInfo info, SimNode n, DrainState drain) {
        boolean byJoblane = n.cordoned && n.cordonedByJoblane;
        return info.cordoned() == n.cordoned && info.cordonedByJoblane() == byJoblane && info.draining() == drain;
    }

    private static boolean sameTimes(NodeInfo info, SimNode n) {
        return info.created().toEpochMilli() == n.readyAt
                && same(info.unneededSince(), n.unneededSince)
                && same(info.cordonedAt(), n.cordonedAt)
                && same(info.drainingSince(), n.drainingSince);
    }

    private static boolean same(Instant instant, long millis) {
        return millis < 0 ? instant == null : instant != null && instant.toEpochMilli() == millis;
    }

    private static Instant instantOrNull(long millis) {
        return millis < 0 ? null : SimClock.instant(millis);
    }

    private PodInfo podInfo(SimPod p) {
        PodInfo info = p.info;
        if (info == null) {
            if (requestsByValue.size() >= REQUEST_VALUES_KEPT) {
                requestsByValue.clear(); // sharing is only a fast path: a trace of very many values keeps a bounded map
            }
            Resources requests =
                    requestsByValue.computeIfAbsent(new Requests(p.cpu, p.memory, p.gpu), JoblanePolicy::requests);
            boolean bound = p.node != null;
            info = new PodInfo(
                    p.uid(),
                    NAMESPACE,
                    p.name(),
                    GROUP,
                    requests,
                    bound ? PodPhase.RUNNING : PodPhase.PENDING_UNSCHEDULABLE,
                    true,
                    false,
                    false,
                    bound ? p.node.name : null,
                    SimClock.instant(p.pendingSince),
                    bound ? SimClock.instant(p.startedAt) : null,
                    null,
                    Map.of(),
                    p.zone == null
                            ? PodConstraints.NONE
                            : zoneConstraints.computeIfAbsent(p.zone, JoblanePolicy::volumeIn));
            p.info = info;
        }
        return info;
    }

    private static Resources requests(Requests r) {
        return r.gpu() > 0
                ? Resources.ofMillis(Map.of(
                        WellKnown.RESOURCE_CPU,
                        r.cpu(),
                        WellKnown.RESOURCE_MEMORY,
                        r.memory(),
                        WellKnown.RESOURCE_NVIDIA_GPU,
                        r.gpu() * 1000))
                : Resources.of(r.cpu(), r.memory());
    }

    /** What a pod whose claim is bound to a volume in {@code zone} carries: the volume's node affinity. */
    private static PodConstraints volumeIn(String zone) {
        return PodConstraints.of(
                null,
                List.of(new PodConstraints.NodeTerms(
                        "volume (simulated, zone " + zone + ")",
                        List.of(List.of(LabelRequirement.in(WellKnown.ZONE_LABEL, zone))))),
                null,
                null);
    }

    @Override
    public void setDrainingTaint(String node, DrainState state) {
        SimNode n = cluster.nodeByName(node);
        if (n != null) {
            cluster.setTaint(
                    n,
                    switch (state) {
                        case NONE -> SimNode.Taint.NONE;
                        case PREFER_NO_SCHEDULE -> SimNode.Taint.PREFER_NO_SCHEDULE;
                        case NO_SCHEDULE -> SimNode.Taint.NO_SCHEDULE;
                    });
        }
    }

    @Override
    public boolean cordon(String node, Instant at) {
        SimNode n = cluster.nodeByName(node);
        if (n != null) {
            cluster.setCordoned(n, true);
            n.cordonedByJoblane = true;
            n.cordonedAt = SimClock.millis(at);
            cluster.listChanged(n);
        }
        return n != null;
    }

    @Override
    public void uncordon(String node) {
        SimNode n = cluster.nodeByName(node);
        if (n != null && n.cordonedByJoblane) {
            cluster.setCordoned(n, false);
            n.cordonedByJoblane = false;
            n.cordonedAt = -1;
            cluster.listChanged(n);
        }
    }

    @Override
    public void annotateNode(String node, Map<String, String> annotations) {
        SimNode n = cluster.nodeByName(node);
        if (n == null) {
            return;
        }
        cluster.touch();
        cluster.listChanged(n);
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            long value = SimClock.millis(NodeAnnotations.parse(e.getValue()));
            switch (e.getKey()) {
                case NodeAnnotations.UNNEEDED_SINCE -> n.unneededSince = value;
                case NodeAnnotations.DRAINING_SINCE -> n.drainingSince = value;
                case NodeAnnotations.CORDONED_AT -> {
                    n.cordonedAt = value;
                    n.cordonedByJoblane = value >= 0 && n.cordoned;
                }
                default -> {
                    // Other annotations mean nothing to the simulated scheduler.
                }
            }
        }
    }

    @Override
    public List<PodInfo> podsBoundTo(String node) {
        SimNode n = cluster.nodeByName(node);
        if (n == null) {
            return List.of();
        }
        List<PodInfo> out = new ArrayList<>(n.pods.size());
        for (SimPod p : n.pods) {
            out.add(podInfo(p));
        }
        return out;
    }

    @Override
    public Optional<String> whyInstanceMayHaveNode(String instanceId) {
        SimNode n = cluster.nodeByInstance(instanceId);
        return n != null && n.ready ? Optional.of("node " + n.name + " runs on it") : Optional.empty();
    }

    @Override
    public Optional<Instant> markTerminationRequested(String node, Instant at) {
        // Simulated terminations act at once and remove the node, so no node is ever seen marked.
        return Optional.empty();
    }

    @Override
    public Optional<String> whyNodeNotTerminable(String node, String instanceId) {
        SimNode n = cluster.nodeByName(node);
        if (n == null || !n.cordoned || !n.cordonedByJoblane || !instanceId.equals(n.instanceId)) {
            return Optional.of("the node is gone or no longer Joblane's cordoned node of instance " + instanceId);
        }
        return Optional.empty();
    }

    @Override
    public void recordEvent(EventTarget target, EventReason reason, String message) {
        // Events go nowhere in a simulation.
    }

    /** Pods the webhook gave a lane term so far. */
    public long lanesGiven() {
        return lanesGiven;
    }

    /** The simulated cloud (tests: its instances, failures to inject). */
    public FakeNodeGroupProvider cloud() {
        return provider;
    }

    /** {@code joblane.io/lane-end} labels the lanes step wrote so far. */
    public long laneEndWrites() {
        return lanesAccess == null ? 0 : lanesAccess.laneEndWrites;
    }
}
