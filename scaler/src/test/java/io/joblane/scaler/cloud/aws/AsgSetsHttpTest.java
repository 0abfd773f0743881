package io.joblane.scaler.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.AsgSets;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.loop.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node group over two single-zone Auto Scaling groups: {@link AsgSets} over the real AWS provider and SDK against
 * {@link FakeAutoScalingServer}; assertions on the calls the server recorded.
 */
class AsgSetsHttpTest {
    private static final String SET = "joblane-group/batch";
    private static final String A = "eks-batch-1a";
    private static final String B = "eks-batch-1b";

    private FakeAutoScalingServer fake;
    private AwsNodeGroupProvider aws;
    private AsgSets sets;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeAutoScalingServer();
        aws = AwsTestSupport.provider(
                fake,
                Map.of(A, new AwsGroupSettings(8, true), B, new AwsGroupSettings(8, true)),
                new MutableClock(Instant.parse("2026-11-27T20:00:00Z")));
        sets = new AsgSets(aws, Map.of(SET, List.of(A, B)));
        zonal(A, "us-east-1a", 2);
        zonal(B, "us-east-1b", 1);
    }

    @AfterEach
    void stop() {
        aws.close();
        fake.close();
    }

    private void zonal(String name, String zone, int instances) {
        FakeAutoScalingServer.Group g = fake.addGroup(name, 0, 10, instances);
        g.zones.clear();
        g.zones.add(zone);
        g.suspended.add("AZRebalance");
        g.newInstancesProtected = true;
        for (int i = 0; i < instances; i++) {
            fake.addInstance(name, "InService", true);
        }
    }

    @Test
    void bothGroupsAreDescribedInOneCallAndSeenAsOneGroupWhoseZonesCanBeChosen() throws Exception {
        CloudGroup g = sets.describe(List.of(SET)).get(SET);

        assertThat(fake.calls("DescribeAutoScalingGroups"))
                .singleElement()
                .satisfies(c -> assertThat(c.members("AutoScalingGroupNames")).containsExactly(A, B));
        assertThat(g.desired()).isEqualTo(3);
        assertThat(g.max()).isEqualTo(16); // 8 + 8: each the lower of its MaxSize and maxNodes
        assertThat(g.instances()).hasSize(3);
        assertThat(g.zones()).containsExactly("us-east-1a", "us-east-1b");
        assertThat(g.zonesChoosable()).isTrue();
    }

    @Test
    void aScaleUpForAZoneRaisesTheGroupOfThatZoneAndTheRestGoesToTheSmallest() throws Exception {
        sets.describe(List.of(SET));
        fake.clearCalls();

        // Three new nodes, two of them needed in us-east-1a: a gets 2 (2 -> 4), the free one goes to b (1 -> 2).
        sets.setDesiredCapacity(SET, 6, Map.of("us-east-1a", 2));

        assertThat(fake.calls("SetDesiredCapacity"))
                .extracting(c -> c.params().get("AutoScalingGroupName") + "="
                        + c.params().get("DesiredCapacity"))
                .containsExactlyInAnyOrder(A + "=4", B + "=2");
        assertThat(fake.group(A).desired).isEqualTo(4);
        assertThat(fake.group(B).desired).isEqualTo(2);
    }

    @Test
    void aTerminationIsThatInstanceInItsOwnGroupOnly() throws Exception {
        String victim = fake.group(B).instances.get(0).id;
        sets.describe(List.of(SET));
        fake.clearCalls();

        sets.terminateInstance(SET, victim);

        assertThat(fake.calls("TerminateInstanceInAutoScalingGroup"))
                .singleElement()
                .satisfies(c -> assertThat(c.params())
                        .containsEntry("InstanceId", victim)
                        .containsEntry("ShouldDecrementDesiredCapacity", "true"));
        assertThat(fake.group(B).desired).isZero();
        assertThat(fake.group(A).desired).isEqualTo(2);
        assertThat(fake.group(A).instances).allMatch(i -> i.state.equals("InService"));
    }

    @Test
    void protectionIsSetPerOwningGroup() throws Exception {
        String inA = fake.group(A).instances.get(0).id;
        String inB = fake.group(B).instances.get(0).id;
        sets.describe(List.of(SET));
        fake.clearCalls();

        sets.setScaleInProtection(SET, List.of(inA, inB), false);

        assertThat(fake.calls("SetInstanceProtection"))
                .extracting(c -> c.params().get("AutoScalingGroupName") + ":" + c.members("InstanceIds"))
                .containsExactlyInAnyOrder(A + ":[" + inA + "]", B + ":[" + inB + "]");
    }
}
