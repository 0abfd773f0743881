package io.joblane.scaler.cloud.aws;

import static io.joblane.model.Quantity.GI;
import static io.joblane.scaler.cloud.aws.AwsTestSupport.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.WellKnown;
import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.scaler.cloud.AsgSets;
import io.joblane.scaler.loop.MutableClock;
import io.joblane.scaler.loop.ScaleLoop;
import io.joblane.scaler.loop.ScalerMetrics;
import io.joblane.scaler.loop.ScanResult;
import io.joblane.scaler.plan.GroupSpec;
import io.joblane.scaler.plan.PodConstraints;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.scaler.plan.PodPhase;
import io.joblane.scaler.plan.Resources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real loop over a node group of an on-demand and a Spot Auto Scaling group told apart only by cluster-autoscaler's
 * node-template label tags, with the real AWS SDK against {@link FakeAutoScalingServer}: a pod selecting Spot raises
 * exactly the Spot ASG on the wire, a pod selecting neither raises nothing and is reported.
 */
class AsgAffinityHttpTest {
    private static final String OD = "eks-batch-od-1a";
    private static final String SPOT = "eks-batch-spot-1a";
    private static final String CAPACITY_TAG =
            "k8s.io/cluster-autoscaler/node-template/label/" + WellKnown.EKS_CAPACITY_TYPE_LABEL;
    private static final String CONFIG = """
            nodeGroups:
              - name: batch
                default: true
                taints: [{key: joblane.io/dedicated, value: batch, effect: NoSchedule}]
                scaling:
                  provider: aws
                  autoScalingGroups: [eks-batch-od-1a, eks-batch-spot-1a]
                  maxNodes: 10
                  node: {cpu: "4", memory: 16Gi, pods: "110"}
                  suspendAZRebalance: true
            """;

    private FakeAutoScalingServer fake;
    private AwsNodeGroupProvider aws;
    private ScaleLoop loop;
    private NodelessCluster cluster;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeAutoScalingServer();
        MutableClock clock = new MutableClock(T0);
        JoblaneConfig config = ConfigLoader.parse(CONFIG, "test");
        aws = AwsTestSupport.provider(fake, AwsGroupSettings.fromConfig(config), clock);
        AsgSets sets = new AsgSets(aws, Map.of(GroupSpec.asgSetId("batch"), List.of(OD, SPOT)));
        asg(OD, "ON_DEMAND");
        asg(SPOT, "SPOT");
        cluster = new NodelessCluster(clock);
        loop = new ScaleLoop(config, cluster, Map.of("batch", sets), clock, ScalerMetrics.NOOP, false);
    }

    @AfterEach
    void stop() {
        aws.close();
        fake.close();
    }

    private void asg(String name, String capacityType) {
        FakeAutoScalingServer.Group g = fake.addGroup(name, 0, 10, 0);
        g.zones.clear();
        g.zones.add("us-east-1a");
        g.suspended.add("AZRebalance");
        g.newInstancesProtected = true;
        g.tags.put(CAPACITY_TAG, capacityType);
    }

    private void pending(String name, String capacityType) {
        pendingSelecting(name, Map.of(WellKnown.EKS_CAPACITY_TYPE_LABEL, capacityType));
    }

    private void pendingSelecting(String name, Map<String, String> nodeSelector) {
        cluster.pods.add(new PodInfo(
                "uid-" + name,
                "default",
                name,
                "batch",
                Resources.of(1000, GI),
                PodPhase.PENDING_UNSCHEDULABLE,
                true,
                false,
                false,
                null,
                T0.minusSeconds(30),
                null,
                null,
                Map.of(),
                PodConstraints.of(nodeSelector, null, null, null)));
    }

    @Test
    void aPodSelectingSpotRaisesOnlyTheSpotGroupOnTheWire() {
        // Guards against: the set planned with the first ASG's template (on-demand), the Spot pod never served.
        pending("spot-job", "SPOT");
        ScanResult result = loop.runOnce();

        assertThat(fake.calls("SetDesiredCapacity"))
                .singleElement()
                .satisfies(c -> assertThat(c.params())
                        .containsEntry("AutoScalingGroupName", SPOT)
                        .containsEntry("DesiredCapacity", "1"));
        assertThat(fake.group(OD).desired).isZero();
        assertThat(result.groups().get("batch").lastAction()).contains("(" + SPOT + " 0 -> 1)");
        assertThat(result.groups().get("batch").asgs())
                .extracting(a -> a.name() + "=" + a.desired())
                .containsExactly(OD + "=0", SPOT + "=1");
    }

    @Test
    void aPodSelectingAnArchitectureRaisesTheGroupWhoseTypesHaveItPerEc2() throws Exception {
        // Guards against: kubernetes.io/arch never on a template read from EC2, so an arm64 pod was reported, not
        // served.
        String x86 = "eks-batch-x86-1a";
        String arm = "eks-batch-arm-1a";
        try (FakeEc2Server ec2 = new FakeEc2Server()) {
            ec2.addType(new FakeEc2Server.Type("m5.xlarge", 4, 16384, 4, 15, null, 0, List.of("x86_64")));
            ec2.addType(new FakeEc2Server.Type("m6g.xlarge", 4, 16384, 4, 15, null, 0, List.of("arm64")));
            asg(x86, "ON_DEMAND");
            asg(arm, "ON_DEMAND");
            fake.group(x86).mixedTypes.add("m5.xlarge");
            fake.group(arm).mixedTypes.add("m6g.xlarge");
            MutableClock clock = new MutableClock(T0);
            JoblaneConfig config = ConfigLoader.parse(
                    CONFIG.replace("[eks-batch-od-1a, eks-batch-spot-1a]", "[" + x86 + ", " + arm + "]")
                            .replace("      node: {cpu: \"4\", memory: 16Gi, pods: \"110\"}\n", ""),
                    "test");
            aws.close();
            aws = AwsTestSupport.provider(fake, ec2, AwsGroupSettings.fromConfig(config), clock);
            AsgSets sets = new AsgSets(aws, Map.of(GroupSpec.asgSetId("batch"), List.of(x86, arm)));
            ScaleLoop templated =
                    new ScaleLoop(config, cluster, Map.of("batch", sets), clock, ScalerMetrics.NOOP, false);
            pendingSelecting("arm-job", Map.of(WellKnown.ARCH_LABEL, "arm64"));
            templated.runOnce();

            assertThat(fake.calls("SetDesiredCapacity"))
                    .singleElement()
                    .satisfies(c -> assertThat(c.params())
                            .containsEntry("AutoScalingGroupName", arm)
                            .containsEntry("DesiredCapacity", "1"));
            assertThat(cluster.events).noneMatch(e -> e.startsWith("DOES_NOT_FIT"));
        }
    }

    @Test
    void aPodNeitherGroupCanTakeRaisesNothingAndIsReported() {
        pending("reserved", "CAPACITY_BLOCK");
        loop.runOnce();

        assertThat(fake.calls("SetDesiredCapacity")).isEmpty();
        assertThat(cluster.events)
                .singleElement()
                .asString()
                .startsWith("DOES_NOT_FIT: ")
                .contains(OD)
                .contains(SPOT)
                .contains("nodeSelector " + WellKnown.EKS_CAPACITY_TYPE_LABEL + "=CAPACITY_BLOCK");
    }
}
