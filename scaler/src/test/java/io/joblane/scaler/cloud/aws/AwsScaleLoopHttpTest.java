package io.joblane.scaler.cloud.aws;

import static io.joblane.scaler.cloud.aws.AwsTestSupport.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.scaler.cloud.NodeGroupProvider;
import io.joblane.scaler.cloud.aws.FakeAutoScalingServer.Call;
import io.joblane.scaler.cloud.aws.FakeAutoScalingServer.Inst;
import io.joblane.scaler.loop.ClusterAccess;
import io.joblane.scaler.loop.EventTarget;
import io.joblane.scaler.loop.ScaleLoop;
import io.joblane.scaler.loop.ScalerMetrics;
import io.joblane.scaler.loop.ScanResult;
import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.PodInfo;
import java.time.Duration;
import java.time.Instant;
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
    private AwsTestSupport.TestClock clock;
    private AwsNodeGroupProvider provider;
    private ScaleLoop loop;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeAutoScalingServer();
        clock = new AwsTestSupport.TestClock(T0);
        JoblaneConfig config = ConfigLoader.parse(CONFIG, "test");
        provider = new AwsNodeGroupProvider(AwsTestSupport.client(fake), AwsGroupSettings.fromConfig(config), clock,
                false);
        Map<String, NodeGroupProvider> providers = Map.of("batch", provider);
        loop = new ScaleLoop(config, new EmptyCluster(clock), providers, clock, ScalerMetrics.NOOP, false);
    }

    @AfterEach
    void stop() {
        provider.close();
        fake.close();
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
                .filter(c -> !c.action().startsWith("Describe")).toList();
        assertThat(mutating).extracting(Call::action)
                .containsExactly("SetInstanceProtection", "TerminateInstanceInAutoScalingGroup");
        assertThat(mutating.get(0).members("InstanceIds")).containsExactly(orphan.id);
        assertThat(mutating.get(0).param("ProtectedFromScaleIn")).isEqualTo("false");
        assertThat(mutating.get(1).param("InstanceId")).isEqualTo(orphan.id);
        assertThat(mutating.get(1).param("ShouldDecrementDesiredCapacity")).isEqualTo("true");
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
        assertThat(fake.calls("SetInstanceProtection")).allSatisfy(c -> assertThat(c.members("InstanceIds"))
                .allMatch(id -> fake.instance(id).state.equals("InService")));
    }

    /** A cluster without nodes or pods: every instance of the group is one that has not joined. */
    private static final class EmptyCluster implements ClusterAccess {
        private final java.time.Clock clock;

        EmptyCluster(java.time.Clock clock) {
            this.clock = clock;
        }

        @Override
        public ClusterSnapshot snapshot() {
            return new ClusterSnapshot(clock.instant(), List.of(), List.of(), List.of());
        }

        @Override
        public void setDrainingTaint(String node, DrainState state) {
        }

        @Override
        public void cordon(String node, Instant at) {
        }

        @Override
        public void uncordon(String node) {
        }

        @Override
        public void annotateNode(String node, Map<String, String> annotations) {
        }

        @Override
        public List<PodInfo> podsBoundTo(String node) {
            return List.of();
        }

        @Override
        public boolean instanceHasNode(String instanceId) {
            return false;
        }

        @Override
        public void recordEvent(EventTarget target, boolean warning, String reason, String message) {
        }
    }
}
