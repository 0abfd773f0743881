package io.joblane.scaler.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.joblane.scaler.loop.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Contract between the shipped least-privilege policy and the provider: the policy allows exactly the Auto Scaling
 * and EC2 actions the provider calls (node templates included), Describe actions on {@code *}, mutating ones only
 * under a resource-tag condition.
 */
class AwsIamPolicyHttpTest {

    private static final Path POLICY = Path.of("../examples/aws/iam-policy.json");
    private static final String ASG = "eks-batch-1a";

    @Test
    void policyAllowsExactlyTheActionsTheProviderCalls() throws Exception {
        Set<String> called = new HashSet<>();
        try (FakeAutoScalingServer fake = new FakeAutoScalingServer();
                FakeEc2Server ec2 = new FakeEc2Server();
                AwsNodeGroupProvider provider = AwsTestSupport.provider(
                        fake, ec2, Map.of(ASG, new AwsGroupSettings(10, true)), new MutableClock(AwsTestSupport.T0))) {
            ec2.addType(new FakeEc2Server.Type("m5.xlarge", 4, 16384, 4, 15, null, 0));
            ec2.addLaunchTemplate("lt-0123456789abcdef0", "$Latest", "m5.xlarge");
            fake.addGroup(ASG, 0, 10, 2);
            String kept = fake.addInstance(ASG, "InService", false).id;
            String victim = fake.addInstance(ASG, "InService", false).id;
            provider.describe(List.of(ASG));
            provider.setScaleInProtection(ASG, List.of(kept), true);
            provider.suspendZoneRebalancing(ASG);
            provider.setDesiredCapacity(ASG, 3);
            provider.terminateInstance(ASG, victim);
            fake.actions().forEach(a -> called.add("autoscaling:" + a));
            ec2.actions().forEach(a -> called.add("ec2:" + a));
        }
        assertThat(called).hasSize(8);

        JsonNode statements =
                new ObjectMapper().readTree(Files.readString(POLICY)).get("Statement");
        Set<String> unconditional = new HashSet<>();
        Set<String> tagged = new HashSet<>();
        for (JsonNode s : statements) {
            assertThat(s.get("Effect").asText()).isEqualTo("Allow");
            assertThat(s.get("Resource").asText()).isEqualTo("*");
            Set<String> target = s.has("Condition") ? tagged : unconditional;
            s.get("Action").forEach(a -> target.add(a.asText()));
            if (s.has("Condition")) {
                assertThat(s.get("Condition").get("StringEquals").fieldNames())
                        .toIterable()
                        .singleElement()
                        .asString()
                        .startsWith("autoscaling:ResourceTag/");
            }
        }
        assertThat(unconditional)
                .containsExactlyInAnyOrder(
                        "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeScalingActivities",
                        "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplateVersions");
        Set<String> all = new HashSet<>(unconditional);
        all.addAll(tagged);
        assertThat(all).isEqualTo(called);
    }
}
