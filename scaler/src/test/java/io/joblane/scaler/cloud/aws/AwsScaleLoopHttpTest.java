package io.joblane.scaler.cloud.aws;

import static io.joblane.model.Quantity.GI;
import static io.joblane.scaler.cloud.aws.AwsTestSupport.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.scaler.cloud.NodeGroupProvider;
import io.joblane.scaler.cloud.aws.FakeAutoScalingServer.Call;
import io.joblane.scaler.cloud.aws.FakeAutoScalingServer.Inst;
import io.joblane.scaler.loop.MutableClock;
import io.joblane.scaler.loop.ScaleLoop;
import io.joblane.scaler.loop.ScalerMetrics;
import io.joblane.scaler.loop.ScanResult;
import io.joblane.scaler.plan.PodConstraints;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.scaler.plan.PodPhase;
import io.joblane.scaler.plan.Resources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The planner's loop driving the AWS provider over the wire: an instance that never becomes a node is reported
 * after the registration timeout and terminated (exactly it, with decrement) after the second one.
 */
class AwsScaleLoopHttpTest {

    private static final String ASG = "eks-batch-1a";
    private static final String CONFIG = """
            nodeGroups:
              - name: batch
                default: true
                taints: [{key: joblane.io/dedicated, value: batch, effect: NoSchedule}]
                scaling:
                  provider: aws
                  autoScalingGroup: eks-batch-1a
                  minNodes: 0
                  maxNodes: 10
                  node: {cpu: "4", memory: 16Gi, pods: "110"}
                  registrationTimeout: 15m
                  suspendAZRebalance: true
            """;

    private FakeAutoScalingServer fake;
    private MutableClock clock;
    private AwsNodeGroupProvider provider;
    private ScaleLoop loop;
    private NodelessCluster cluster;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeAutoScalingServer();
        clock = new MutableClock(T0);
        JoblaneConfig config = ConfigLoader.parse(CONFIG, "test");
        provider = new AwsNodeGroupProvider(AwsTestSupport.client(fake), AwsGroupSettings.fromConfig(config), clock);
        Map<String, NodeGroupProvider> providers = Map.of("batch", provider);
        cluster = new NodelessCluster(clock);
        loop = new ScaleLoop(config, cluster, providers, clock, ScalerMetrics.NOOP, false);
    }

    @AfterEach
    void stop() {
        provider.close();
        fake.close();
    }

    @Test
    void dryRunMakesNoWriteCallAndAConfigReloadSwitchesItOff() throws Exception {
        // Guards against a write that bypasses the loop's dry-run (the provider no longer checks it itself).
        JoblaneConfig live = ConfigLoader.parse(CONFIG, "test");
        JoblaneConfig dry = ConfigLoader.parse(CONFIG + "scaler: {dryRun: true}\n", "test");
        fake.addGroup(ASG, 0, 10, 1); // AZRebalance active
        fake.addInstance(ASG, "InService", false);
        addPendingPods(3);

        loop.reconfigure(dry);
        assertThat(loop.runOnce().dryRun()).isTrue();
        assertThat(fake.actions()).containsOnly("DescribeAutoScalingGroups", "DescribeScalingActivities");
        assertThat(loop.lastResult().groups().get("batch").problems())
                .anySatisfy(p -> assertThat(p).contains("AZRebalance").contains("dry run: not suspended"));

        loop.reconfigure(live);
        assertThat(loop.runOnce().dryRun()).isFalse();
        assertThat(fake.actions()).contains("SetInstanceProtection", "SuspendProcesses", "SetDesiredCapacity");
    }

    @Test
    void protectionAndTheAzRebalanceSuspensionAreTheLoopsWritesMadeOnce() {
        fake.addGroup(ASG, 0, 10, 1);
        Inst fresh = fake.addInstance(ASG, "InService", false);

        loop.runOnce();
        loop.runOnce();

        assertThat(fake.calls("SetInstanceProtection"))
                .singleElement()
                .satisfies(c -> assertThat(c.members("InstanceIds")).containsExactly(fresh.id));
        assertThat(fake.calls("SuspendProcesses"))
                .singleElement()
                .satisfies(c -> assertThat(c.members("ScalingProcesses")).containsExactly("AZRebalance"));
        assertThat(fake.instance(fresh.id).protectedFromScaleIn).isTrue();
    }

    @Test
    void aFailedSuspensionIsReportedRetriedNextScanAndStopsNoOtherCloudAction() {
        fake.addGroup(ASG, 0, 10, 1);
        Inst fresh = fake.addInstance(ASG, "InService", false);
        fake.failNext(
                "SuspendProcesses",
                1,
                400,
                "AccessDenied",
                "User is not authorized to perform " + "autoscaling:SuspendProcesses");
        addPendingPods(3);

        ScanResult first = loop.runOnce();

        assertThat(first.groups().get("batch").problems())
                .anySatisfy(p -> assertThat(p).contains("suspending it failed").contains("AccessDenied"));
        assertThat(fake.instance(fresh.id).protectedFromScaleIn).isTrue();
        assertThat(fake.calls("SetDesiredCapacity")).hasSize(1);

        ScanResult next = loop.runOnce();
        assertThat(fake.calls("SuspendProcesses")).hasSize(2);
        assertThat(next.groups().get("batch").problems()).noneMatch(p -> p.contains("AZRebalance"));
    }

    @Test
    void aReplicaThatNoLongerLeadsMakesNoCallAtAll() throws Exception {
        fake.addGroup(ASG, 0, 10, 1);
        fake.addInstance(ASG, "InService", false);
        addPendingPods(3);
        ScaleLoop notLeading = new ScaleLoop(
                ConfigLoader.parse(CONFIG, "test"),
                cluster,
                Map.of("batch", provider),
                clock,
                ScalerMetrics.NOOP,
                false,
                () -> false);

        notLeading.runOnce();

        assertThat(fake.calls()).isEmpty();
    }

    @Test
    void anInstanceThatNeverJoinsIsReportedThenTerminatedExactly() {
        fake.addGroup(ASG, 0, 10, 1).suspended.add("AZRebalance");
        Inst orphan = fake.addInstance(ASG, "InService", false);
        fake.addActivity(ASG, "Launching a new EC2 instance: " + orphan.id, "Successful", null, T0);

        ScanResult first = loop.runOnce();
        assertThat(first.groups().get("batch").described()).isTrue();
        assertThat(fake.instance(orphan.id).protectedFromScaleIn).isTrue();
        assertThat(fake.actions()).doesNotContain("TerminateInstanceInAutoScalingGroup");

        clock.advance(Duration.ofMinutes(20));
        ScanResult reported = loop.runOnce();
        assertThat(reported.groups().get("batch").problems())
                .anySatisfy(p -> assertThat(p).contains(orphan.id).contains("has not become a node"));
        assertThat(fake.actions()).doesNotContain("TerminateInstanceInAutoScalingGroup");

        fake.clearCalls();
        clock.advance(Duration.ofMinutes(15));
        loop.runOnce();

        List<Call> mutating = fake.calls().stream()
                .filter(c -> !c.action().startsWith("Describe"))
                .toList();
        assertThat(mutating).extracting(Call::action).containsExactly("TerminateInstanceInAutoScalingGroup");
        assertThat(mutating.get(0).param("InstanceId")).isEqualTo(orphan.id);
        assertThat(mutating.get(0).param("ShouldDecrementDesiredCapacity")).isEqualTo("true");
        assertThat(fake.group(ASG).desired).isZero();
    }

    @Test
    void aScanWithAPendingInstanceDoesNotFailOnProtection() {
        fake.addGroup(ASG, 0, 10, 2).suspended.add("AZRebalance");
        fake.addInstance(ASG, "InService", false);
        fake.addInstance(ASG, "Pending", false);

        ScanResult result = loop.runOnce();

        // Regression: protecting a Pending instance is refused by the API and must not cost the group its scan.
        assertThat(result.groups().get("batch").problems()).noneMatch(p -> p.contains("cloud call failed"));
        assertThat(fake.calls("SetInstanceProtection"))
                .allSatisfy(c -> assertThat(c.members("InstanceIds"))
                        .allMatch(id -> fake.instance(id).state.equals("InService")));
    }

    @Test
    void failedLaunchesReportedByTheCloudMakeTheLoopBackOff() {
        fake.addGroup(ASG, 0, 10, 0).suspended.add("AZRebalance");
        fake.launchOnScaleOut(false);
        addPendingPods(3);

        loop.runOnce();
        assertThat(fake.calls("SetDesiredCapacity"))
                .singleElement()
                .satisfies(c -> assertThat(c.param("DesiredCapacity")).isEqualTo("3"));

        // The zone is out of capacity: launches fail; more Job pods arrive while they do.
        fake.addActivity(
                ASG,
                "Launching a new EC2 instance.  Status Reason: We currently do not have sufficient "
                        + "m5.xlarge capacity.",
                "Failed",
                "We currently do not have sufficient m5.xlarge capacity.",
                T0.plusSeconds(5));
        List<Integer> raisesPerScan = new java.util.ArrayList<>();
        for (int scan = 1; scan <= 3; scan++) {
            clock.advance(Duration.ofSeconds(10));
            addPendingPods(3);
            int before = fake.calls("SetDesiredCapacity").size();
            ScanResult result = loop.runOnce();
            raisesPerScan.add(fake.calls("SetDesiredCapacity").size() - before);
            assertThat(result.groups().get("batch").problems())
                    .anySatisfy(p -> assertThat(p).startsWith("launch failing").contains("sufficient m5.xlarge"));
        }

        // At most the one raise that starts the back-off, then none while it lasts: not one per scan.
        assertThat(raisesPerScan.get(0)).isLessThanOrEqualTo(1);
        assertThat(raisesPerScan.subList(1, 3)).containsOnly(0);
        assertThat(loop.lastResult().groups().get("batch").backoffUntil()).isNotNull();
    }

    private void addPendingPods(int count) {
        int base = cluster.pods.size();
        for (int i = 0; i < count; i++) {
            String name = "job-" + (base + i);
            cluster.pods.add(new PodInfo(
                    "uid-" + name,
                    "default",
                    name,
                    "batch",
                    Resources.of(3000, GI),
                    PodPhase.PENDING_UNSCHEDULABLE,
                    true,
                    false,
                    false,
                    null,
                    clock.instant().minusSeconds(30),
                    null,
                    null,
                    Map.of(),
                    PodConstraints.NONE));
        }
    }
}
