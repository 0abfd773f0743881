package io.joblane.scaler.loop;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.fake.FakeNodeGroupProvider;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.NodeAnnotations;
import io.joblane.scaler.plan.PodPhase;
import io.joblane.scaler.plan.Resources;
import io.joblane.scaler.plan.SpotNotice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScaleLoopTest {
    private static final String YAML = """
            nodeGroups:
              - name: batch
                default: true
                taints: [{key: joblane.io/dedicated, value: batch, effect: NoSchedule}]
                scaling:
                  provider: memory
                  minNodes: 0
                  maxNodes: 10
                  node: {cpu: "4", memory: 16Gi, pods: "110"}
                  scaleDownDelay: 10m
                  maxDraining: 1
                  bootDelay: 90s
            scaler:
              settleDelay: 30s
            """;
    private static final Resources SHAPE = res("cpu", 4000, "memory", 16 * GI, "pods", 110_000);

    private MutableClock clock;
    private FakeCluster cluster;
    private FakeNodeGroupProvider cloud;
    private RecordingMetrics metrics;
    private JoblaneConfig config;

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(T0);
        config = ConfigLoader.parse(YAML, "test");
        cluster = new FakeCluster(clock).mapCloudGroup("batch", "batch", SHAPE);
        cloud = FakeNodeGroupProvider.fromConfig(config, clock);
        cloud.addListener(cluster);
        metrics = new RecordingMetrics();
    }

    private ScaleLoop loop(boolean dryRun) {
        return new ScaleLoop(config, cluster, Map.of("batch", cloud), clock, metrics, dryRun);
    }

    private FakeCluster.Pod job(String name, long cpu) {
        return cluster.addPod(new FakeCluster.Pod(name, "batch", res("cpu", cpu, "memory", GI), true, clock.instant()));
    }

    /** Brings up {@code n} nodes through the provider, so instance ids and nodes match. */
    private List<FakeCluster.Node> nodes(int n) throws CloudException {
        cloud.setDesiredCapacity("batch", n);
        clock.advance(Duration.ofSeconds(90));
        cloud.advance();
        cloud.setScaleInProtection(
                "batch",
                cloud.peek("batch").instances().stream().map(CloudInstance::id).toList(),
                true);
        return List.copyOf(cluster.nodes.values());
    }

    @Test
    void waitingPodsRaiseDesiredOnceAndTheNewNodesRunThem() {
        ScaleLoop loop = loop(false);
        for (int i = 0; i < 6; i++) {
            job("j" + i, 1000);
        }
        ScanResult first = loop.runOnce();
        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED))
                .extracting(FakeNodeGroupProvider.Call::detail)
                .containsExactly("desired=2");
        assertThat(first.groups().get("batch").pendingPods()).isEqualTo(6);

        // While the instances boot, further scans must not order again.
        clock.advance(Duration.ofSeconds(10));
        loop.runOnce();
        clock.advance(Duration.ofSeconds(10));
        loop.runOnce();
        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED)).hasSize(1);

        clock.advance(Duration.ofSeconds(90));
        ScanResult booted = loop.runOnce();
        assertThat(cluster.nodes).hasSize(2);
        assertThat(booted.groups().get("batch").desired()).isEqualTo(2);
        assertThat(cloud.peek("batch").instances()).allMatch(CloudInstance::protectedFromScaleIn);
        assertThat(cluster.calls).anyMatch(c -> c.startsWith("event Pod/j") && c.endsWith("TriggeredScaleUp"));
        // Instances launched at the first scan, nodes registered when they came into service 90 s later.
        loop.runOnce(); // the nodes joined during the last scan's describe: this scan's snapshot sees them
        assertThat(metrics.registrationLags).hasSize(2).allMatch(l -> l.getSeconds() >= 90 && l.getSeconds() <= 110);
    }

    /**
     * A group whose scan fails is counted at every scan, by reason, and its status says why: the liveness probe sees
     * the loop, which goes on, not each group.
     */
    @Test
    void aGroupWhoseScanFailsIsCountedAtEveryScan() throws Exception {
        FakeCluster.Node node = nodes(1).get(0);
        node.ready = false;
        node.created = Instant.MAX; // its registration deadline cannot be computed: the plan fails
        ScaleLoop loop = loop(false);
        loop.runOnce();
        clock.advance(Duration.ofSeconds(10));
        ScanResult second = loop.runOnce();
        assertThat(metrics.skipped).containsExactly("batch/scan_failed", "batch/scan_failed");
        assertThat(second.groups().get("batch").problems())
                .singleElement()
                .asString()
                .startsWith("scan of the group failed");

        node.created = T0; // a node the plan can read again: the group is planned again
        clock.advance(Duration.ofSeconds(10));
        loop.runOnce();
        assertThat(metrics.skipped).hasSize(2);

        cloud.failNext( // a describe that fails is the other way a group goes unplanned
                FakeNodeGroupProvider.DESCRIBE,
                new CloudException(CloudException.Kind.TRANSIENT, "Throttling", "Rate exceeded"));
        clock.advance(Duration.ofSeconds(10));
        loop.runOnce();
        assertThat(metrics.skipped).containsExactly("batch/scan_failed", "batch/scan_failed", "batch/describe_failed");
    }

    /** Guards the registration report: once per node, not per scan, and again for a node re-created later. */
    @Test
    void aNodeRegistrationIsReportedOnceAndAgainWhenTheNodeIsRecreated() throws Exception {
        ScaleLoop loop = loop(false);
        loop.runOnce(); // the loop starts before the nodes come
        clock.advance(Duration.ofSeconds(1));
        FakeCluster.Node node = nodes(1).get(0);
        loop.runOnce();
        loop.runOnce();
        assertThat(metrics.registrationLags).hasSize(1);

        cluster.nodes.remove(node.name);
        clock.advance(Duration.ofSeconds(10));
        loop.runOnce(); // the node is gone: forgotten
        cluster.addNode(node.name, "batch", node.instanceId, node.allocatable);
        loop.runOnce();
        loop.runOnce();
        assertThat(metrics.registrationLags).hasSize(2);
    }

    @Test
    void dryRunLogsEveryActionAndChangesNothing() throws Exception {
        List<FakeCluster.Node> ns = nodes(3);
        FakeCluster.Node empty = ns.get(0);
        empty.annotations.put(NodeAnnotations.UNNEEDED_SINCE, NodeAnnotations.format(T0));
        FakeCluster.Node settled = ns.get(1);
        settled.unschedulable = true;
        settled.annotations.put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(T0));
        for (int i = 0; i < 12; i++) {
            job("j" + i, 1000); // needs new nodes, and the cordoned node back
        }
        cluster.calls.clear();
        int cloudCallsBefore = cloud.calls().size();
        clock.advance(Duration.ofMinutes(20));

        ScanResult result = loop(true).runOnce();

        assertThat(result.dryRun()).isTrue();
        assertThat(result.actions()).isNotEmpty().allMatch(a -> a.contains("dry-run: would"));
        assertThat(cluster.mutations()).isEmpty();
        assertThat(cluster.calls).noneMatch(c -> c.startsWith("event "));
        assertThat(cloud.calls().subList(cloudCallsBefore, cloud.calls().size()))
                .extracting(FakeNodeGroupProvider.Call::operation)
                .containsOnly(FakeNodeGroupProvider.DESCRIBE);
    }

    @Test
    void anEmptyNodeIsTimedCordonedReCheckedAndThenExactlyItsInstanceTerminated() throws Exception {
        List<FakeCluster.Node> ns = nodes(2);
        FakeCluster.Node busy = ns.get(0);
        FakeCluster.Node idle = ns.get(1);
        job("j", 4000); // fills its node: with no room left, the arrival rate keeps the empty node one boot delay
        cluster.bind("j", busy.name);
        ScaleLoop loop = loop(false);

        loop.runOnce();
        assertThat(idle.annotations).containsKey(NodeAnnotations.UNNEEDED_SINCE);
        assertThat(idle.unschedulable).isFalse();

        clock.advance(Duration.ofMinutes(10));
        loop.runOnce();
        assertThat(idle.unschedulable).isTrue();
        assertThat(idle.annotations).containsKey(NodeAnnotations.CORDONED_AT);
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();

        clock.advance(Duration.ofSeconds(30));
        loop.runOnce();
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE))
                .singleElement()
                .satisfies(c -> assertThat(c.detail()).isEqualTo(idle.instanceId));
        assertThat(cloud.peek("batch").desired()).isEqualTo(1);
        assertThat(cluster.nodes).containsOnlyKeys(busy.name);
        assertThat(cluster.calls).contains("live-check " + idle.name);
        assertThat(metrics.podsAtTermination).containsExactly(0);
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void aPodBoundAtTheLastMomentStopsTheTermination() throws Exception {
        FakeCluster.Node node = nodes(1).get(0);
        node.unschedulable = true;
        node.annotations.put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(T0));
        clock.advance(Duration.ofMinutes(5));
        // The cache says empty; the live read sees a pod bound a moment ago (bound despite the cordon, e.g. nodeName
        // set).
        cluster.beforeLiveCheck = n -> {
            FakeCluster.Pod p = job("late", 1000);
            p.node = n;
            p.phase = PodPhase.PENDING_BOUND;
        };

        loop(false).runOnce();

        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();
        assertThat(node.unschedulable).isFalse();
        assertThat(node.annotations).doesNotContainKey(NodeAnnotations.CORDONED_AT);
        assertThat(metrics.count(DecisionKind.SCALE_IN_ABORTED)).isEqualTo(1);
        assertThat(cluster.calls).contains("event Node/" + node.name + " ScaleDownCancelled");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "a stray pod created after the check, false, 0, 0, 1",
        "a Job pod created after the check, true, 0, 1, 0",
        "a stray pod created before the check, false, -60, 1, 0"
    })
    void podsFoundRightAfterATerminationCountAsMissedOnlyIfTheLastCheckCouldHaveSeenThem(
            String what, boolean jobPod, int createdSecondsFromNow, int missed, int late) throws Exception {
        // Guards against a promise metric (joblane_scaler_pods_at_termination_total, "must stay 0") that counts
        // pods created with nodeName after the last check, which no check can see (NeverInterruptPropertyTest's
        // stray pods), or that stops counting Job pods.
        cloud.terminationDelay(Duration.ofMinutes(1)); // the node stays while its instance shuts down
        FakeCluster.Node node = nodes(1).get(0);
        node.unschedulable = true;
        node.annotations.put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(T0));
        clock.advance(Duration.ofMinutes(5));
        boolean[] once = {false};
        cluster.afterLiveCheck = n -> {
            if (!once[0]) {
                once[0] = true;
                Instant created = clock.instant().plusSeconds(createdSecondsFromNow);
                FakeCluster.Pod p = cluster.addPod(
                        new FakeCluster.Pod("p", jobPod ? "batch" : null, res("cpu", 10), jobPod, created));
                cluster.bindDirectly(p, n).phase = PodPhase.RUNNING;
            }
        };

        loop(false).runOnce();

        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).hasSize(1);
        assertThat(metrics.podsAtTermination).containsExactly(missed);
        assertThat(metrics.podsBoundAfterCheck).isEqualTo(late);
    }

    @Test
    void aCalledOffTerminationOfANoticedNodeKeepsItsFence() throws Exception {
        // Guards against: giving a node with a Spot notice back (untainted, unlabelled) when a pod bound at the last
        // moment calls its termination off, so new Jobs could land on a node the cloud is about to take.
        FakeCluster.Node node = nodes(1).get(0);
        node.spotNotice = SpotNotice.REBALANCE;
        node.unschedulable = true;
        node.drain = DrainState.NO_SCHEDULE;
        node.drainingLabel = true;
        node.annotations.put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(T0));
        clock.advance(Duration.ofMinutes(5));
        cluster.beforeLiveCheck = n -> {
            FakeCluster.Pod p = job("late", 1000);
            p.node = n;
            p.phase = PodPhase.PENDING_BOUND;
        };

        loop(false).runOnce();
        loop(false).runOnce();

        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();
        assertThat(node.drain).isEqualTo(DrainState.NO_SCHEDULE);
        assertThat(node.drainingLabel).isTrue();
    }

    @Test
    void aNoticeIsReportedOnceAndTheCloudTakingTheNodeIsSpotsLoss() throws Exception {
        // Guards against: a notice reported every scan (an Event flood), or a Spot take reported as a mystery.
        List<FakeCluster.Node> ns = nodes(2);
        FakeCluster.Node noticed = ns.get(0);
        job("j", 1000);
        cluster.bind("j", noticed.name);
        noticed.spotNotice = SpotNotice.INTERRUPTION;
        ScaleLoop loop = loop(false);
        loop.runOnce();
        ScanResult second = loop.runOnce();

        assertThat(metrics.spotNotices).containsExactly("batch/interruption");
        assertThat(cluster.calls).containsOnlyOnce("event Node/" + noticed.name + " SpotInterruptionNotice");
        assertThat(second.groups().get("batch").spotNoticed()).isEqualTo(1);
        assertThat(noticed.drain).isEqualTo(DrainState.NO_SCHEDULE);
        assertThat(noticed.drainingLabel).isTrue();

        cluster.cloudsOwn.add(noticed.instanceId);
        cloud.replaceInstance("batch", noticed.instanceId);
        loop.runOnce();

        assertThat(metrics.spotInterruptions).isEqualTo(1);
        assertThat(metrics.unexpectedTerminations).isEqualTo(1);
        // The node went with its instance before the scan saw it leave: still told as Spot's, from the loop's memory.
        assertThat(cluster.nodes).doesNotContainKey(noticed.name);
        assertThat(cluster.calls).doesNotContain("event Node/" + noticed.name + " UnexpectedTermination");
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();
    }

    @Test
    void liveChecksSlowerThanTheBoundTerminateNothing() throws Exception {
        // Guards against a termination landing long after the checks that allowed it (a slow or throttled API).
        FakeCluster.Node node = nodes(1).get(0);
        node.unschedulable = true;
        node.annotations.put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(T0));
        clock.advance(Duration.ofMinutes(5));
        cluster.beforeLiveCheck = n -> clock.advance(ScaleLoop.TERMINATE_CHECK_BOUND.plusMillis(1));

        ScanResult r = loop(false).runOnce();

        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();
        assertThat(r.groups().get("batch").problems()).anyMatch(p -> p.contains("over the bound"));
        // Within the bound it goes ahead on a later scan.
        cluster.beforeLiveCheck = n -> clock.advance(ScaleLoop.TERMINATE_CHECK_BOUND);
        loop(false).runOnce();
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).hasSize(1);
    }

    @Test
    void aNodeWhoseTerminationWasAskedForIsNeverReopenedWhenAPodLandsThere() throws Exception {
        // Guards against uncordoning a node whose instance a failed-looking call may already be terminating.
        FakeCluster.Node node = nodes(1).get(0);
        node.unschedulable = true;
        node.drainingLabel = true;
        node.annotations.put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(T0));
        clock.advance(Duration.ofMinutes(5));
        cloud.failNext(
                FakeNodeGroupProvider.TERMINATE,
                new CloudException(CloudException.Kind.TRANSIENT, "Throttling", "Rate exceeded"));
        loop(false).runOnce();
        assertThat(node.annotations).containsKey(NodeAnnotations.TERMINATION_REQUESTED_AT);
        // A pod tolerating everything lands on it before the retry's live check.
        cluster.beforeLiveCheck = n -> {
            FakeCluster.Pod p =
                    cluster.addPod(new FakeCluster.Pod("debug", null, res("cpu", 10), false, clock.instant()));
            p.node = n;
            p.phase = PodPhase.RUNNING;
        };
        clock.advance(Duration.ofSeconds(10));

        ScanResult r = loop(false).runOnce();

        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).hasSize(1);
        assertThat(node.unschedulable).isTrue();
        assertThat(node.drainingLabel).isTrue();
        assertThat(cluster.mutations()).noneMatch(c -> c.startsWith("uncordon") || c.endsWith(" NONE"));
        assertThat(r.groups().get("batch").problems()).anyMatch(p -> p.contains("never reopened"));
        // The next scans keep it closed while the pod runs, and retry the termination once it is gone.
        cluster.beforeLiveCheck = n -> {};
        clock.advance(Duration.ofSeconds(10));
        loop(false).runOnce();
        assertThat(node.unschedulable).isTrue();
        cluster.pods.get("debug").phase = PodPhase.FINISHED;
        clock.advance(Duration.ofSeconds(10));
        loop(false).runOnce();
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).hasSize(2);
        assertThat(cluster.nodes).doesNotContainKey(node.name);
    }

    @Test
    void instancesTheCloudTerminatesItselfAreReportedOnceAndOursAreNot() throws Exception {
        // Guards against health-check replacements, rebalancing or node group upgrades killing Jobs unnoticed.
        cloud.terminationDelay(Duration.ofMinutes(2)); // Terminating:Wait, the node still runs meanwhile
        List<FakeCluster.Node> ns = nodes(3);
        FakeCluster.Node replaced = ns.get(0);
        job("j", 4000); // fills its node: the third, empty node waits one boot delay and is not terminated here
        cluster.bind("j", replaced.name);
        FakeCluster.Node ours = ns.get(1);
        ours.unschedulable = true;
        ours.annotations.put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(clock.instant()));
        ScaleLoop loop = loop(false);
        loop.runOnce();

        cloud.replaceInstance("batch", replaced.instanceId);
        clock.advance(Duration.ofMinutes(1));
        ScanResult seen = loop.runOnce();
        clock.advance(Duration.ofMinutes(2));
        ScanResult later = loop.runOnce();
        loop.runOnce();

        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE))
                .extracting(FakeNodeGroupProvider.Call::detail)
                .containsExactly(ours.instanceId);
        assertThat(metrics.unexpectedTerminations).isEqualTo(1);
        assertThat(cluster.calls).containsOnlyOnce("event Node/" + replaced.name + " UnexpectedTermination");
        assertThat(seen.groups().get("batch").problems())
                .anySatisfy(p ->
                        assertThat(p).contains(replaced.instanceId).contains("terminated by the cloud group itself"));
        assertThat(later.groups().get("batch").problems()).noneMatch(p -> p.contains(ours.instanceId));
        clock.advance(Duration.ofMinutes(61));
        assertThat(loop.runOnce().groups().get("batch").problems())
                .noneMatch(p -> p.contains("terminated by the cloud group itself"));
    }

    /** A replica that led before this one marked the node and terminated it: not reported as the cloud's doing. */
    @Test
    void anInstanceWhoseNodeAnotherReplicaMarkedForTerminationIsNotReportedWhenItLeaves() throws Exception {
        cloud.terminationDelay(Duration.ofMinutes(2));
        List<FakeCluster.Node> ns = nodes(2);
        job("j", 4000);
        cluster.bind("j", ns.get(0).name);
        FakeCluster.Node marked = ns.get(1);
        ScaleLoop loop = loop(false);
        loop.runOnce();

        marked.unschedulable = true;
        marked.annotations.put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(clock.instant()));
        marked.annotations.put(NodeAnnotations.TERMINATION_REQUESTED_AT, NodeAnnotations.format(clock.instant()));
        cloud.terminateInstance("batch", marked.instanceId); // the other replica's call, not this loop's
        clock.advance(Duration.ofMinutes(1));
        ScanResult terminating = loop.runOnce();
        clock.advance(Duration.ofMinutes(2));
        loop.runOnce();

        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE))
                .as("the other replica's call only: this loop terminated nothing, so the node's mark is why")
                .extracting(FakeNodeGroupProvider.Call::detail)
                .containsExactly(marked.instanceId);
        assertThat(metrics.unexpectedTerminations).isZero();
        assertThat(cluster.calls).noneMatch(c -> c.contains("UnexpectedTermination"));
        assertThat(terminating.groups().get("batch").problems())
                .noneMatch(p -> p.contains("terminated by the cloud group itself"));
    }

    @Test
    void aFailedLiveCheckNeverTerminates() throws Exception {
        FakeCluster.Node node = nodes(1).get(0);
        node.unschedulable = true;
        node.annotations.put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(T0));
        clock.advance(Duration.ofMinutes(5));
        cluster.beforeLiveCheck = n -> {
            throw new IllegalStateException("connection reset (test)");
        };
        ScanResult r = loop(false).runOnce();
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();
        assertThat(r.groups().get("batch").problems()).isNotEmpty();
    }

    @Test
    void cloudFailuresSkipTheGroupsCloudStepsAndNeverTerminate() throws Exception {
        FakeCluster.Node node = nodes(2).get(0);
        node.unschedulable = true;
        node.annotations.put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(T0));
        clock.advance(Duration.ofMinutes(5));
        ScaleLoop loop = loop(false);

        cloud.failNext(
                FakeNodeGroupProvider.DESCRIBE,
                new CloudException(CloudException.Kind.TRANSIENT, "Throttling", "slow down"));
        ScanResult throttled = loop.runOnce();
        assertThat(throttled.groups().get("batch").described()).isFalse();
        assertThat(throttled.groups().get("batch").problems()).anyMatch(p -> p.contains("Throttling"));
        assertThat(cluster.mutations()).isEmpty();

        cloud.failNext(
                FakeNodeGroupProvider.TERMINATE,
                new CloudException(CloudException.Kind.BUSY, "ScalingActivityInProgress", "busy"));
        ScanResult busy = loop.runOnce();
        assertThat(busy.groups().get("batch").problems()).anyMatch(p -> p.contains("ScalingActivityInProgress"));
        assertThat(cluster.nodes).containsKey(node.name); // not terminated, still cordoned, retried next scan
        assertThat(node.unschedulable).isTrue();
        assertThat(metrics.cloudErrors).isEqualTo(2);

        loop.runOnce();
        assertThat(cluster.nodes).doesNotContainKey(node.name);
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void aFailedProtectionCallDoesNotWithholdTheSameScansScaleUp() throws Exception {
        // Guards against: one failed SetInstanceProtection (or unregistered-instance call) skipping the scan's
        // scale-up.
        cloud.setDesiredCapacity("batch", 1);
        clock.advance(Duration.ofSeconds(90));
        cloud.advance(); // InService but not yet protected: the plan protects it before it scales up
        for (int i = 0; i < 8; i++) {
            job("j" + i, 1000);
        }
        cloud.failNext(
                FakeNodeGroupProvider.PROTECT,
                new CloudException(CloudException.Kind.TRANSIENT, "Throttling", "slow down"));

        ScanResult r = loop(false).runOnce();

        assertThat(r.groups().get("batch").problems()).anyMatch(p -> p.contains("Throttling"));
        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED))
                .extracting(FakeNodeGroupProvider.Call::detail)
                .containsExactly("desired=1", "desired=2");
    }

    @Test
    void aNodeThatNeverBecomesReadyIsRemovedThroughTheLiveChecks() throws Exception {
        // Guards against: a never-Ready node paid for forever; its removal still passes the live pod check.
        List<FakeCluster.Node> ns = nodes(2);
        FakeCluster.Node broken = ns.get(1);
        broken.ready = false;
        job("j", 1000);
        cluster.bind("j", ns.get(0).name);
        ScaleLoop loop = loop(false);
        clock.advance(Duration.ofMinutes(16));
        loop.runOnce();
        assertThat(broken.unschedulable).isTrue();

        clock.advance(Duration.ofSeconds(30));
        loop.runOnce();
        assertThat(cluster.calls).contains("live-check " + broken.name);
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE))
                .singleElement()
                .satisfies(c -> assertThat(c.detail()).isEqualTo(broken.instanceId));
        assertThat(cluster.nodes).containsKey(ns.get(0).name);
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void afterLaunchesFailTheBacklogNoLongerNeededIsCancelledWithoutTouchingRunningInstances() throws Exception {
        // Guards against: the cloud launching, hours later, every node asked for during insufficient capacity.
        List<FakeCluster.Node> ns = nodes(1);
        job("busy", 1000);
        cluster.bind("busy", ns.get(0).name);
        cloud.setLaunchFailing("batch", true);
        for (int i = 0; i < 3; i++) {
            job("w" + i, 4000);
        }
        ScaleLoop loop = loop(false);
        loop.runOnce();
        assertThat(cloud.peek("batch").desired()).isEqualTo(4);

        // The waiting Jobs are deleted; the launches still fail.
        for (int i = 0; i < 3; i++) {
            cluster.pods.remove("w" + i);
        }
        clock.advance(Duration.ofSeconds(10));
        ScanResult r = loop.runOnce();

        assertThat(cloud.calls(FakeNodeGroupProvider.CANCEL))
                .singleElement()
                .satisfies(c -> assertThat(c.detail()).isEqualTo("desired=1"));
        assertThat(r.groups().get("batch").desired()).isEqualTo(1);
        assertThat(cloud.peek("batch").instances())
                .singleElement()
                .satisfies(i -> assertThat(i.id()).isEqualTo(ns.get(0).instanceId));
        assertThat(metrics.count(DecisionKind.CANCEL_UNFULFILLED)).isEqualTo(1);
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void noScaleDownEventWhenAHumanCordonedTheNodeFirst() throws Exception {
        // Guards against: an event saying the scaler cordoned a node a human had just cordoned himself.
        FakeCluster.Node idle = nodes(1).get(0);
        idle.annotations.put(NodeAnnotations.UNNEEDED_SINCE, NodeAnnotations.format(T0));
        clock.advance(Duration.ofMinutes(20));
        cluster.beforeCordon = name -> cluster.nodes.get(name).unschedulable = true; // kubectl cordon, just before
        loop(false).runOnce();

        assertThat(cluster.calls).contains("cordon " + idle.name);
        assertThat(cluster.calls).noneMatch(c -> c.startsWith("event Node/" + idle.name));
        assertThat(idle.annotations).doesNotContainKey(NodeAnnotations.CORDONED_AT);
    }

    private long events(String pod, String reason) {
        return cluster.calls.stream()
                .filter(c -> c.equals("event Pod/" + pod + " " + reason))
                .count();
    }

    @Test
    void aPodWaitingOnCapacityAlreadyComingIsToldOnceNotEveryScan() {
        // Guards against: pods waiting silently on a node already launching, or an Event per pod per scan.
        ScaleLoop loop = loop(false);
        job("a", 2000);
        loop.runOnce(); // desired 0 -> 1
        assertThat(events("a", "TriggeredScaleUp")).isEqualTo(1);

        job("b", 2000); // fits the node that is still booting
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(10));
            loop.runOnce();
        }
        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED)).hasSize(1);
        assertThat(events("b", "NotTriggerScaleUp")).isEqualTo(1);
        assertThat(events("a", "NotTriggerScaleUp")).isZero(); // already told its node is coming
        assertThat(events("a", "TriggeredScaleUp")).isEqualTo(1);
    }

    @Test
    void aPodBeyondMaxNodesIsToldWhyOnce() {
        // Guards against: a pod waiting forever at maxNodes with no word to its owner.
        ScaleLoop loop = loop(false);
        for (int i = 0; i < 11; i++) {
            job("j" + i, 4000); // one node each; the group stops at 10
        }
        loop.runOnce();
        loop.runOnce();
        long told = cluster.calls.stream()
                .filter(c -> c.endsWith(" NotTriggerScaleUp"))
                .count();
        assertThat(told).isEqualTo(1);
        assertThat(cluster.calls.stream()
                        .filter(c -> c.endsWith(" TriggeredScaleUp"))
                        .count())
                .isEqualTo(10);
    }

    @Test
    void podsToldWhyTheyWaitAreForgottenOnceTheyNoLongerWait() {
        // Guards against: the loop remembering every pod it ever told about (a leak over months of Jobs).
        ScaleLoop loop = loop(false);
        for (int i = 0; i < 12; i++) {
            job("j" + i, 4000); // one node each; the group stops at 10
        }
        job("huge", 64_000); // fits no node of the group
        loop.runOnce();
        // Each told once: j0-j9 of their coming nodes, j10 and j11 of the maximum, huge of fitting no node.
        assertThat(loop.rememberedPods("batch")).isEqualTo(13);
        cluster.pods.remove("j11");
        cluster.pods.remove("huge");
        clock.advance(Duration.ofSeconds(10));
        loop.runOnce();
        assertThat(loop.rememberedPods("batch")).isEqualTo(11);
    }

    @Test
    void aPodHeldBackByBackOffIsToldOnce() {
        cloud.setLaunchFailing("batch", true);
        ScaleLoop loop = loop(false);
        job("first", 4000);
        loop.runOnce(); // goes through, starts the back-off
        job("second", 4000);
        clock.advance(Duration.ofSeconds(5));
        loop.runOnce();
        clock.advance(Duration.ofSeconds(5));
        loop.runOnce();
        assertThat(metrics.count(DecisionKind.SCALE_UP_BACKOFF)).isEqualTo(2);
        assertThat(events("second", "NotTriggerScaleUp")).isEqualTo(1);
    }

    @Test
    void aSnapshotFailureChangesNothing() throws Exception {
        nodes(1);
        cluster.failSnapshot = true;
        job("j", 1000);
        int before = cloud.calls().size();
        ScanResult r = loop(false).runOnce();
        assertThat(r.problems()).singleElement().asString().contains("snapshot");
        assertThat(cloud.calls()).hasSize(before);
        assertThat(metrics.clusterErrors).isEqualTo(1);
    }

    @Test
    void aRestartedScalerCarriesOnFromTheNodeAnnotations() throws Exception {
        FakeCluster.Node idle = nodes(1).get(0);
        loop(false).runOnce();
        clock.advance(Duration.ofMinutes(10));
        loop(false).runOnce(); // a new loop object: only the annotations remember
        assertThat(idle.unschedulable).isTrue();
        clock.advance(Duration.ofSeconds(30));
        loop(false).runOnce();
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).hasSize(1);
    }

    @Test
    void drainsANodeWhosePodsFitElsewhereAndCommitsAfterTheSettleDelay() throws Exception {
        List<FakeCluster.Node> ns = nodes(2);
        job("a", 1000);
        cluster.bind("a", ns.get(0).name);
        job("b", 2000);
        cluster.bind("b", ns.get(1).name);
        ScaleLoop loop = loop(false);

        loop.runOnce();
        assertThat(ns.get(0).drain).isEqualTo(DrainState.PREFER_NO_SCHEDULE);
        assertThat(ns.get(0).annotations).containsKey(NodeAnnotations.DRAINING_SINCE);
        assertThat(ns.get(1).drain).isEqualTo(DrainState.NONE);

        clock.advance(Duration.ofSeconds(30));
        loop.runOnce();
        assertThat(ns.get(0).drain).isEqualTo(DrainState.NO_SCHEDULE);

        // The Job finishes: the drained node is cordoned at once, then terminated after the settle delay.
        cluster.pods.get("a").phase = PodPhase.FINISHED;
        loop.runOnce();
        assertThat(ns.get(0).unschedulable).isTrue();
        clock.advance(Duration.ofSeconds(30));
        loop.runOnce();
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE))
                .singleElement()
                .satisfies(c -> assertThat(c.detail()).isEqualTo(ns.get(0).instanceId));
        assertThat(cluster.violations).isEmpty();
    }

    /** The executor finds the reclaimed nodes by name: one walk for the first, a map once a second is asked for. */
    @Test
    void waitingPodsTakeBackEachDrainingNodeTheyNeedInOneScan() throws Exception {
        List<FakeCluster.Node> ns = nodes(3);
        for (FakeCluster.Node n : ns.subList(0, 2)) {
            n.drain = DrainState.NO_SCHEDULE;
            n.drainingLabel = true;
            n.annotations.put(NodeAnnotations.DRAINING_SINCE, NodeAnnotations.format(T0));
        }
        job("c", 3000);
        cluster.bind("c", ns.get(2).name);
        job("a", 3000);
        job("b", 3000);

        loop(false).runOnce();

        assertThat(ns).extracting(n -> n.drain).containsOnly(DrainState.NONE);
        assertThat(ns.subList(0, 2))
                .allSatisfy(n -> assertThat(n.annotations).doesNotContainKey(NodeAnnotations.DRAINING_SINCE));
        assertThat(cluster.calls).contains("taint " + ns.get(0).name + " NONE", "taint " + ns.get(1).name + " NONE");
        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED)).singleElement(); // the three nodes' own
    }

    @Test
    void aPodThatNeverFitsIsReportedOnceNotLoopedOn() {
        ScaleLoop loop = loop(false);
        job("huge", 64_000);
        loop.runOnce();
        loop.runOnce();
        loop.runOnce();
        assertThat(metrics.neverFits).isEqualTo(1);
        assertThat(cluster.calls)
                .filteredOn(c -> c.equals("event Pod/huge DoesNotFit"))
                .hasSize(1);
        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED)).isEmpty();
    }

    @Test
    void aGroupWhoseLaunchesFailBacksOffWithGrowingDelays() {
        cloud.setLaunchFailing("batch", true);
        ScaleLoop loop = loop(false);
        job("j0", 4000);
        loop.runOnce(); // desired 0 -> 1, the launch fails
        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED)).hasSize(1);

        int scaleUps = 1;
        for (int minute = 0; minute < 30; minute++) {
            job("m" + minute, 4000); // a new pod every minute that needs a node of its own
            clock.advance(Duration.ofMinutes(1));
            loop.runOnce();
        }
        scaleUps = cloud.calls(FakeNodeGroupProvider.SET_DESIRED).size();
        // Without back-off that would be 31 calls; with 30s, 1m, 2m, 4m, 8m, 16m delays it is a handful.
        assertThat(scaleUps).isBetween(3, 8);
        assertThat(metrics.count(DecisionKind.SCALE_UP_BACKOFF)).isPositive();
        assertThat(loop.lastResult().groups().get("batch").backoffUntil()).isNotNull();
    }

    @Test
    void oneInstanceThatNeverRegistersDoesNotBackOffAGroupWhoseOtherNodesArrive() throws Exception {
        // Guards against: a single broken instance withholding every later scale-up of the group.
        java.util.Set<String> silent = new java.util.HashSet<>();
        cluster.registrationDelay = id -> silent.contains(id) ? Duration.ofDays(365) : Duration.ZERO;
        cloud.setDesiredCapacity("batch", 3);
        silent.add(cloud.peek("batch").instances().get(0).id());
        clock.advance(Duration.ofMinutes(16));
        cloud.advance();
        cloud.setScaleInProtection(
                "batch",
                cloud.peek("batch").instances().stream().map(CloudInstance::id).toList(),
                true);
        ScaleLoop loop = loop(false);
        assertThat(loop.runOnce().groups().get("batch").problems()).anyMatch(p -> p.contains("has not become a node"));

        for (int i = 0; i < 4; i++) {
            job("a" + i, 4000); // two fit the registered nodes, two need new ones
        }
        loop.runOnce();
        clock.advance(Duration.ofSeconds(10));
        job("b", 4000);
        loop.runOnce();

        assertThat(metrics.count(DecisionKind.SCALE_UP_BACKOFF)).isZero();
        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED))
                .extracting(FakeNodeGroupProvider.Call::detail)
                .containsExactly("desired=3", "desired=5", "desired=6");
    }

    @Test
    void anInstanceThatNeverBecomesANodeIsReportedThenTerminatedUnlessALiveNodeHasIt() throws Exception {
        FakeCluster silent = new FakeCluster(clock); // no mapping: instances never register as nodes
        FakeNodeGroupProvider cloud2 = FakeNodeGroupProvider.fromConfig(config, clock);
        cloud2.addListener(silent);
        cloud2.setDesiredCapacity("batch", 2);
        List<String> ids =
                cloud2.peek("batch").instances().stream().map(CloudInstance::id).toList();
        ScaleLoop loop = new ScaleLoop(config, silent, Map.of("batch", cloud2), clock, metrics, false);
        loop.runOnce(); // the first scan without a node starts the wait

        clock.advance(Duration.ofMinutes(16));
        ScanResult reported = loop.runOnce();
        assertThat(reported.groups().get("batch").problems()).anyMatch(p -> p.contains("has not become a node"));
        assertThat(cloud2.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();

        // One of them did register, as a node without the group label: it must never be terminated.
        silent.addNode("unlabelled", null, ids.get(0), SHAPE);
        clock.advance(Duration.ofMinutes(15));
        loop.runOnce();
        assertThat(cloud2.calls(FakeNodeGroupProvider.TERMINATE))
                .extracting(FakeNodeGroupProvider.Call::detail)
                .containsExactly(ids.get(1));
    }

    @Test
    void anInstanceWhoseNodeShowsNoProviderIdIsNeverTerminatedAsUnregistered() throws Exception {
        // Guards against terminating a busy node whose kubelet set no spec.providerID (defect 1).
        FakeCluster.Node node = nodes(1).get(0);
        node.noProviderId = true;
        job("j1", 1000);
        cluster.bind("j1", node.name);
        ScaleLoop loop = loop(false);
        for (int m = 0; m <= 90; m += 5) {
            loop.runOnce();
            clock.advance(Duration.ofMinutes(5));
        }
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();
        assertThat(cluster.violations).isEmpty();
        assertThat(loop.lastResult().groups().get("batch").problems())
                .anyMatch(p -> p.contains("not terminated") && p.contains("no usable spec.providerID"));
    }

    @Test
    void anInstanceIsNotTerminatedAsUnregisteredWhileAPodIsBoundToANodeNameWithoutANode() throws Exception {
        // Guards against terminating an instance whose Node object is gone while its pods still run (defect 1).
        FakeCluster.Node node = nodes(1).get(0);
        job("j1", 1000);
        cluster.bind("j1", node.name);
        cluster.nodes.remove(node.name); // Node object deleted, kubelet and pod still there
        ScaleLoop loop = loop(false);
        for (int m = 0; m <= 90; m += 5) {
            loop.runOnce();
            clock.advance(Duration.ofMinutes(5));
        }
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();
        assertThat(loop.lastResult().groups().get("batch").problems())
                .anyMatch(p -> p.contains("is bound to node " + node.name + ", which has no Node object"));

        cluster.pods.get("j1").phase = PodPhase.FINISHED; // nothing holds it any more: now it may go
        loop.runOnce();
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE))
                .extracting(FakeNodeGroupProvider.Call::detail)
                .containsExactly(node.instanceId);
    }

    @Test
    void anOldInstanceWhoseNodeVanishesIsTerminatedOnlyAfterTwiceTheTimeoutWithoutANode() throws Exception {
        // Guards against counting "unregistered" from launch: an old instance losing its node went on the next scan.
        FakeCluster.Node node = nodes(1).get(0);
        ScaleLoop loop = loop(false);
        clock.advance(Duration.ofDays(2));
        loop.runOnce();
        cluster.nodes.remove(node.name);
        loop.runOnce();
        clock.advance(Duration.ofMinutes(29));
        loop.runOnce();
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();
        // A restarted scaler starts the wait again (the safe side).
        ScaleLoop restarted = loop(false);
        clock.advance(Duration.ofMinutes(2));
        restarted.runOnce();
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();
        clock.advance(Duration.ofMinutes(31));
        restarted.runOnce();
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE))
                .extracting(FakeNodeGroupProvider.Call::detail)
                .containsExactly(node.instanceId);
    }

    @Test
    void aReplicaThatNoLongerLeadsChangesNothing() throws Exception {
        // Guards against a replica that lost the Lease still writing nodes or calling the cloud (defect 2).
        FakeCluster.Node idle = nodes(2).get(1);
        idle.annotations.put(NodeAnnotations.UNNEEDED_SINCE, NodeAnnotations.format(T0));
        for (int i = 0; i < 12; i++) {
            job("j" + i, 1000);
        }
        cluster.calls.clear();
        long cloudCalls = cloud.callCount();
        clock.advance(Duration.ofMinutes(20));

        ScanResult r =
                new ScaleLoop(config, cluster, Map.of("batch", cloud), clock, metrics, false, () -> false).runOnce();

        assertThat(cluster.calls).isEmpty();
        assertThat(cloud.callCount()).isEqualTo(cloudCalls);
        assertThat(r.problems()).anyMatch(p -> p.contains("no longer holds the Lease"));
    }

    /**
     * Guards against a step after the scan (lanes) deciding dry-run or the Lease on its own: it gets the scan's gate,
     * writes nothing in dry-run, and a replica that lost the Lease during the scan neither runs it nor writes.
     */
    @Test
    void stepsAfterTheScanWriteOnlyThroughTheScansGate() {
        List<String> written = new ArrayList<>();
        List<Boolean> gates = new ArrayList<>();
        ScanGate.Write<RuntimeException> write = () -> written.add("lane-end");
        ScaleLoop dry = loop(true);
        dry.afterScan(gate -> {
            gates.add(gate.dryRun());
            gate.write("lane-end of node n1", write);
        });
        dry.runOnce();
        assertThat(gates).containsExactly(true);
        assertThat(written).as("dry-run: logged only").isEmpty();

        AtomicBoolean leading = new AtomicBoolean(true);
        ScaleLoop live = new ScaleLoop(config, cluster, Map.of("batch", cloud), clock, metrics, false, leading::get);
        live.afterScan(gate -> {
            gates.add(gate.dryRun());
            gate.write("lane-end of node n1", write);
        });
        live.runOnce();
        assertThat(written).containsExactly("lane-end");

        live.afterScan(gate -> leading.set(false)); // the Lease is lost between the steps
        ScanResult r = live.runOnce();
        assertThat(written).as("the first step wrote before the loss").hasSize(2);
        ScanResult stopped = live.runOnce();
        assertThat(written).as("no write without the Lease").hasSize(2);
        assertThat(stopped.problems()).anyMatch(p -> p.contains("no longer holds the Lease"));
        assertThat(r.dryRun()).isFalse();
    }

    /**
     * Guards the simulator's wake for lanes alone: the steps after the scan run through a gate, and nothing of the scan
     * runs (no snapshot, no describe, no write); the last scan's deadline stands, as a scan of the unchanged cluster
     * would find it again.
     */
    @Test
    void stepsAfterTheScanAloneKeepTheScansDeadlineAndReadNothing() throws Exception {
        FakeCluster.Node idle = nodes(2).get(1);
        idle.annotations.put(NodeAnnotations.UNNEEDED_SINCE, NodeAnnotations.format(clock.instant()));
        job("j", 1000);
        List<String> written = new ArrayList<>();
        ScaleLoop live = loop(false);
        live.afterScan(gate -> gate.write("family table", () -> written.add("table")));
        live.runOnce();
        Instant deadline = live.nextDeadline();
        assertThat(deadline).as("the idle node's scale-down delay").isNotNull();
        cluster.calls.clear();
        long cloudCalls = cloud.callCount();
        int snapshots = cluster.snapshots;
        clock.advance(Duration.ofSeconds(20));

        live.runStepsAfterScanOnly();

        assertThat(written).as("once by the scan, once alone").hasSize(2);
        assertThat(live.nextDeadline()).isEqualTo(deadline);
        assertThat(cluster.snapshots).isEqualTo(snapshots);
        assertThat(cluster.calls).isEmpty();
        assertThat(cloud.callCount()).isEqualTo(cloudCalls);
    }

    @Test
    void losingTheLeaseBetweenTheLiveCheckAndTheTerminationStopsIt() throws Exception {
        // Guards against terminating after the Lease was lost during the scan (defect 2).
        FakeCluster.Node idle = nodes(1).get(0);
        idle.unschedulable = true;
        idle.annotations.put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(clock.instant()));
        clock.advance(Duration.ofMinutes(5));
        AtomicBoolean leading = new AtomicBoolean(true);
        cluster.beforeLiveCheck = node -> leading.set(false);

        new ScaleLoop(config, cluster, Map.of("batch", cloud), clock, metrics, false, leading::get).runOnce();

        assertThat(cluster.calls).contains("live-check " + idle.name);
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();
        assertThat(cluster.nodes).containsKey(idle.name);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "uncordoned by a human",
                "cordon mark removed",
                "re-created",
                "providerID changed",
                "scale-down disabled by a human"
            })
    void aNodeChangedAfterTheSnapshotIsNotTerminated(String change) throws Exception {
        // Guards against terminating from a stale cache: the node is read live right before the termination (defect 3).
        FakeCluster.Node idle = nodes(1).get(0);
        idle.unschedulable = true;
        idle.annotations.put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(clock.instant()));
        clock.advance(Duration.ofMinutes(5));
        cluster.beforeNodeCheck = node -> {
            switch (change) {
                case "uncordoned by a human" -> idle.unschedulable = false; // kubectl uncordon keeps annotations
                case "cordon mark removed" -> idle.annotations.remove(NodeAnnotations.CORDONED_AT);
                case "re-created" -> idle.uid = "uid-recreated";
                case "scale-down disabled by a human" -> idle.scaleDownDisabled = true; // humans win, even late
                default -> idle.noProviderId = true;
            }
        };

        ScanResult r = loop(false).runOnce();

        assertThat(cluster.calls).contains("node-check " + idle.name);
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();
        assertThat(cluster.mutations()).isEmpty();
        assertThat(r.groups().get("batch").problems())
                .anyMatch(p -> p.contains("node " + idle.name + " not terminated"));
    }

    @Test
    void aHumanCordonAfterAHumanUncordonIsNeverTakenForTheScalers() throws Exception {
        // Guards against the cordoned-at mark kubectl uncordon leaves behind turning a later human cordon into ours.
        List<FakeCluster.Node> ns = nodes(2);
        FakeCluster.Node node = ns.get(0);
        job("keep", 4000); // fills its node: the empty one waits one boot delay before the scaler would cordon it
        cluster.bind("keep", ns.get(1).name);
        node.unschedulable = true;
        node.annotations.put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(clock.instant()));
        node.unschedulable = false; // kubectl uncordon: the annotation stays
        ScaleLoop loop = loop(false);
        loop.runOnce();
        assertThat(node.annotations).doesNotContainKey(NodeAnnotations.CORDONED_AT);

        node.unschedulable = true; // a human's maintenance cordon
        for (int m = 0; m < 12; m++) {
            clock.advance(Duration.ofMinutes(5));
            loop.runOnce();
        }
        assertThat(node.unschedulable).isTrue();
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();
    }

    @Test
    void waitingPodsBeyondTheMaximumAreReported() {
        for (int i = 0; i < 50; i++) {
            job("j" + i, 4000);
        }
        ScanResult r = loop(false).runOnce();
        assertThat(cloud.peek("batch").desired()).isEqualTo(10);
        assertThat(r.groups().get("batch").problems()).anyMatch(p -> p.contains("capped at 10"));
    }
}
