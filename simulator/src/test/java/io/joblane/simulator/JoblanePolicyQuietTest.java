package io.joblane.simulator;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.fake.FakeNodeGroupProvider;
import io.joblane.scaler.cloud.fake.LaunchRule;
import io.joblane.simulator.cluster.NodeType;
import io.joblane.simulator.cluster.NodeTypes;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimPod;
import io.joblane.simulator.policy.JoblanePolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a Joblane scan reports as acting, which decides whether the next scan of an unchanged cluster runs. */
class JoblanePolicyQuietTest {

    /**
     * Protecting an instance from scale-in, once it is in service, is not an action that asks for the next scan: the
     * flag's one reader in the planner is the step that sets it. A scale-up is.
     */
    @Test
    void protectingANewInstanceLeavesTheClusterQuietAndAScaleUpDoesNot() {
        Booted b = new Booted();
        assertThat(b.policy.scan(b.cluster, 90_000))
                .as("only protects the instance now in service")
                .isFalse();
        assertThat(instances(b.policy)).singleElement().matches(CloudInstance::protectedFromScaleIn);
        assertThat(b.policy.scan(b.cluster, 100_000)).isFalse();
    }

    /** A protection that failed is an action: the next scan must run to try it again. */
    @Test
    void aFailedProtectionAsksForTheNextScan() {
        Booted b = new Booted();
        b.policy
                .cloud()
                .failNext(
                        FakeNodeGroupProvider.PROTECT,
                        new CloudException(CloudException.Kind.TRANSIENT, "Throttling", "Rate exceeded (test)"));
        assertThat(b.policy.scan(b.cluster, 90_000)).isTrue();
        assertThat(instances(b.policy)).singleElement().matches(i -> !i.protectedFromScaleIn());
        assertThat(b.policy.scan(b.cluster, 100_000))
                .as("protected at the retry")
                .isFalse();
        assertThat(instances(b.policy)).singleElement().matches(CloudInstance::protectedFromScaleIn);
    }

    private static List<CloudInstance> instances(JoblanePolicy policy) {
        return policy.cloud().peek("batch").instances();
    }

    /** One waiting pod, the scale-up for it, and the boot of its node (instance in service, not yet protected). */
    private static final class Booted {
        final SimCluster cluster;
        final JoblanePolicy policy;

        Booted() {
            NodeType type = new NodeType("small", SimulatorInvariantsTest.shape(8, 32), 1.0, Integer.MAX_VALUE);
            NodeTypes types = new NodeTypes(List.of(type), LaunchRule.PRIORITIZED);
            cluster = new SimCluster(types, SimCluster.Scoring.MOST_ALLOCATED, 1, 60_000);
            policy = SimulatorInvariantsTest.startedJoblane(types, cluster);
            cluster.submit(new SimPod(1, 2_000, 4 * GI, 0, 3_600_000, 0, true));
            assertThat(policy.scan(cluster, 0))
                    .as("scales up for the waiting pod")
                    .isTrue();
            assertThat(instances(policy)).singleElement().matches(i -> !i.protectedFromScaleIn());
            cluster.runEventsUntil(90_000); // booted: the node is ready, the pod binds
            cluster.schedule(90_000);
        }
    }
}
