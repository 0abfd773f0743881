package io.joblane.scaler.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.model.config.AwsSettings;
import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.loop.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every API call, including the provider's own ones inside describe, is counted once after the SDK's retries. */
class AwsApiMetricsHttpTest {

    private static final String ASG = "eks-batch-1a";

    @Test
    void countsCallsByActionAndOutcomeAfterRetries() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FakeAutoScalingServer fake = new FakeAutoScalingServer();
                AwsNodeGroupProvider provider = new AwsNodeGroupProvider(
                        AutoScalingClients.create(
                                new AwsSettings("us-east-1", fake.endpoint().toString()),
                                AwsTestSupport.FAST,
                                registry),
                        Map.of(ASG, new AwsGroupSettings(10, true)),
                        new MutableClock(AwsTestSupport.T0))) {
            fake.addGroup(ASG, 0, 10, 1);
            String id = fake.addInstance(ASG, "InService", false).id;
            fake.failNext("DescribeAutoScalingGroups", 1, 400, "Throttling", "Rate exceeded");
            provider.describe(List.of(ASG));
            provider.setScaleInProtection(ASG, List.of(id), true);
            provider.suspendZoneRebalancing(ASG);
            fake.failNext("SetDesiredCapacity", 1, 400, "ScalingActivityInProgress", "busy");
            assertThatThrownBy(() -> provider.setDesiredCapacity(ASG, 2)).isInstanceOf(CloudException.class);
        }

        // The scan's describe and the fresh one right before SetDesiredCapacity.
        assertThat(count(registry, "DescribeAutoScalingGroups", "ok")).isEqualTo(2.0);
        assertThat(count(registry, "DescribeAutoScalingGroups", "Throttling")).isZero();
        assertThat(count(registry, "SetInstanceProtection", "ok")).isEqualTo(1.0);
        assertThat(count(registry, "SuspendProcesses", "ok")).isEqualTo(1.0);
        assertThat(count(registry, "DescribeScalingActivities", "ok")).isEqualTo(1.0);
        assertThat(count(registry, "SetDesiredCapacity", "ScalingActivityInProgress"))
                .isEqualTo(1.0);
    }

    private static double count(SimpleMeterRegistry registry, String action, String outcome) {
        var counter = registry.find(AwsApiMetrics.NAME)
                .tag("action", action)
                .tag("outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
