package io.joblane.scaler.cloud.aws;

import static io.joblane.model.Quantity.MI;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.WellKnown;
import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.Taint;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.NodeTemplate;
import io.joblane.scaler.loop.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node template of an Auto Scaling group read on the wire: the real SDK's Auto Scaling and EC2 clients against
 * {@link FakeAutoScalingServer} and {@link FakeEc2Server} (launch template, MixedInstancesPolicy, tags, instance
 * types, failures, caching, the start-up refusal).
 */
class NodeTemplateHttpTest {

    private static final String ASG = "eks-batch-1a";

    private FakeAutoScalingServer asg;
    private FakeEc2Server ec2;
    private MutableClock clock;
    private AwsNodeGroupProvider provider;

    @BeforeEach
    void start() throws Exception {
        asg = new FakeAutoScalingServer();
        ec2 = new FakeEc2Server();
        clock = new MutableClock(AwsTestSupport.T0);
        ec2.addType(new FakeEc2Server.Type("m5.xlarge", 4, 16384, 4, 15, null, 0));
        ec2.addType(new FakeEc2Server.Type("m5.2xlarge", 8, 32768, 4, 15, null, 0));
        ec2.addType(new FakeEc2Server.Type("g4dn.xlarge", 4, 16384, 3, 10, "NVIDIA", 1));
        asg.addGroup(ASG, 0, 10, 0);
        provider = AwsTestSupport.provider(asg, ec2, Map.of(ASG, new AwsGroupSettings(10, true)), clock);
    }

    @AfterEach
    void stop() {
        provider.close();
        asg.close();
        ec2.close();
    }

    @Test
    void aLaunchTemplateGroupGetsItsTypesShapeLabelsAndTaints() throws Exception {
        asg.group(ASG).tags.put("k8s.io/cluster-autoscaler/node-template/label/team", "ml");
        asg.group(ASG).tags.put("k8s.io/cluster-autoscaler/node-template/taint/dedicated", "ml:NoSchedule");
        asg.group(ASG).tags.put("k8s.io/cluster-autoscaler/node-template/resources/ephemeral-storage", "100Gi");
        asg.group(ASG).tags.put("Name", "batch");
        ec2.addLaunchTemplate("lt-0123456789abcdef0", "$Latest", "m5.xlarge");

        NodeTemplate template = provider.describe(List.of(ASG)).get(ASG).template();

        assertThat(template.shapes()).singleElement().satisfies(s -> {
            assertThat(s.instanceType()).isEqualTo("m5.xlarge");
            // 4 vCPU minus 80m reserved; 16384Mi minus (11*58+255)Mi reserved and 100Mi eviction; 4*(15-1)+2 pods.
            assertThat(s.allocatableMillis())
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "cpu",
                            3920L,
                            "memory",
                            15391 * MI,
                            "pods",
                            58_000L,
                            "ephemeral-storage",
                            100L * 1024 * MI));
        });
        assertThat(template.labels())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("team", "ml", WellKnown.OS_LABEL, "linux", WellKnown.ARCH_LABEL, "amd64"));
        assertThat(template.taints()).containsExactly(new Taint("dedicated", "ml", "NoSchedule"));
        assertThat(ec2.calls("DescribeLaunchTemplateVersions")).singleElement().satisfies(c -> {
            assertThat(c.params()).containsEntry("LaunchTemplateId", "lt-0123456789abcdef0");
            assertThat(c.list("LaunchTemplateVersion")).containsExactly("$Latest");
        });
        assertThat(ec2.calls("DescribeInstanceTypes"))
                .singleElement()
                .satisfies(c -> assertThat(c.list("InstanceType")).containsExactly("m5.xlarge"));

        // Types are cached for good, the launch template's type for ten minutes ($Latest moves).
        provider.describe(List.of(ASG));
        assertThat(ec2.actions()).hasSize(2);
        clock.advance(NodeTemplateReader.LAUNCH_TEMPLATE_TTL.plus(Duration.ofSeconds(1)));
        provider.describe(List.of(ASG));
        assertThat(ec2.actions())
                .containsExactly(
                        "DescribeLaunchTemplateVersions", "DescribeInstanceTypes", "DescribeLaunchTemplateVersions");
    }

    @Test
    void mixedInstancesOverridesGiveOneShapePerTypeInTheGroupsOrderWithoutReadingTheLaunchTemplate() throws Exception {
        asg.group(ASG).mixedTypes.addAll(List.of("m5.2xlarge", "g4dn.xlarge", "m5.xlarge"));
        asg.group(ASG).tags.put("k8s.io/cluster-autoscaler/node-template/resources/pods", "110");

        NodeTemplate template = provider.describe(List.of(ASG)).get(ASG).template();

        assertThat(template.shapes())
                .extracting(NodeTemplate.Shape::instanceType)
                .containsExactly("m5.2xlarge", "g4dn.xlarge", "m5.xlarge");
        assertThat(template.shapes().get(1).allocatableMillis())
                .containsEntry("nvidia.com/gpu", 1000L)
                .containsEntry("pods", 110_000L) // the tag wins over the ENI formula (29) ...
                .containsEntry("memory", (16384 - (11 * 110 + 255) - 100) * MI); // ... and sizes the reserve
        assertThat(ec2.actions()).containsExactly("DescribeInstanceTypes");
        assertThat(ec2.calls("DescribeInstanceTypes").get(0).list("InstanceType"))
                .containsExactly("m5.2xlarge", "g4dn.xlarge", "m5.xlarge");
    }

    @Test
    void theArchitectureComesFromEc2sProcessorInfoWhenEveryTypeAgreesAndATagWins() throws Exception {
        // Guards against: a template without kubernetes.io/arch, so a pod selecting arm64 was never scaled for.
        ec2.addType(new FakeEc2Server.Type("m6g.xlarge", 4, 16384, 4, 15, null, 0, List.of("arm64")));
        ec2.addType(new FakeEc2Server.Type("t2.large", 2, 8192, 3, 12, null, 0, List.of("i386", "x86_64")));
        asg.group(ASG).mixedTypes.add("m6g.xlarge");
        asg.addGroup("eks-x86", 0, 10, 0).mixedTypes.addAll(List.of("t2.large", "m5.xlarge"));
        asg.addGroup("eks-both", 0, 10, 0).mixedTypes.addAll(List.of("m5.xlarge", "m6g.xlarge"));
        asg.addGroup("eks-tagged", 0, 10, 0).mixedTypes.add("m6g.xlarge");
        asg.group("eks-tagged").tags.put("k8s.io/cluster-autoscaler/node-template/label/kubernetes.io/os", "windows");
        Map<String, AwsGroupSettings> settings = new java.util.HashMap<>();
        for (String g : List.of(ASG, "eks-x86", "eks-both", "eks-tagged")) {
            settings.put(g, new AwsGroupSettings(10, true));
        }
        try (AwsNodeGroupProvider reader = AwsTestSupport.provider(asg, ec2, settings, clock)) {
            Map<String, CloudGroup> groups = reader.describe(List.copyOf(settings.keySet()));

            assertThat(groups.get(ASG).template().labels())
                    .containsExactlyInAnyOrderEntriesOf(
                            Map.of(WellKnown.ARCH_LABEL, "arm64", WellKnown.OS_LABEL, "linux"));
            assertThat(groups.get("eks-x86").template().labels()).containsEntry(WellKnown.ARCH_LABEL, "amd64");
            assertThat(groups.get("eks-both").template().labels())
                    .as("the cloud picks the type, so the architecture is not known")
                    .doesNotContainKey(WellKnown.ARCH_LABEL)
                    .containsEntry(WellKnown.OS_LABEL, "linux");
            assertThat(groups.get("eks-tagged").template().labels()).containsEntry(WellKnown.OS_LABEL, "windows");
        }
    }

    @Test
    void anEc2FailureIsAProblemOfTheGroupAndKeepsTheLastTemplate() throws Exception {
        ec2.addLaunchTemplate("lt-0123456789abcdef0", "$Latest", "m5.xlarge");
        NodeTemplate first = provider.describe(List.of(ASG)).get(ASG).template();
        clock.advance(NodeTemplateReader.LAUNCH_TEMPLATE_TTL.plus(Duration.ofSeconds(1)));
        ec2.failNext(
                "DescribeLaunchTemplateVersions",
                1,
                403,
                "UnauthorizedOperation",
                "You are not authorized to perform this operation.");

        CloudGroup group = provider.describe(List.of(ASG)).get(ASG);

        assertThat(group.template()).isEqualTo(first);
        assertThat(group.problems())
                .anySatisfy(p -> assertThat(p)
                        .startsWith("node template not read (the last one read is kept)")
                        .contains("UnauthorizedOperation"));
    }

    @Test
    void aGroupWhoseFileGivesTheShapeCostsNoEc2Call() throws Exception {
        try (AwsNodeGroupProvider withShape =
                AwsTestSupport.provider(asg, ec2, Map.of(ASG, new AwsGroupSettings(10, true, false)), clock)) {
            assertThat(withShape.describe(List.of(ASG)).get(ASG).template()).isNull();
        }
        assertThat(ec2.actions()).isEmpty();
    }

    @Test
    void startRefusesAGroupWithNeitherAShapeNorATemplateNamingTheField() throws Exception {
        // Guards against starting a scale-from-zero group that can never plan a node.
        asg.group(ASG).launchConfigurationName = "old-lc";
        asg.addGroup("eks-batch-1b", 0, 10, 0).mixedTypes.add("m5.xlarge");
        JoblaneConfig config = ConfigLoader.parse("""
                nodeGroups:
                  - name: batch
                    default: true
                    scaling: {autoScalingGroup: eks-batch-1a, maxNodes: 5}
                  - name: other
                    match: {minCpu: '2'}
                    scaling: {autoScalingGroup: eks-batch-1b, maxNodes: 5}
                  - name: fixed
                    match: {minCpu: '4'}
                    scaling: {autoScalingGroup: eks-fixed, maxNodes: 5, node: {cpu: '4', memory: 16Gi}}
                """, "test");

        assertThat(provider.missingNodeShapes(config))
                .containsExactly("nodeGroups[0].scaling.node: give cpu and "
                        + "memory (the shape of a new node): Auto Scaling group eks-batch-1a gives no node template (node "
                        + "template: the group uses launch configuration old-lc, which Joblane does not read; set "
                        + "scaling.node in the node-group file)");
        assertThat(asg.calls("DescribeAutoScalingGroups"))
                .singleElement()
                .satisfies(c ->
                        assertThat(c.members("AutoScalingGroupNames")).containsExactly("eks-batch-1a", "eks-batch-1b"));
        assertThat(asg.actions()).containsOnly("DescribeAutoScalingGroups"); // read-only: no protection, no suspend
    }
}
