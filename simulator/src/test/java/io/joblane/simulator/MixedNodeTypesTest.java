package io.joblane.simulator;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.scaler.cloud.fake.LaunchRule;
import io.joblane.simulator.cluster.NodeType;
import io.joblane.simulator.cluster.NodeTypes;
import io.joblane.simulator.cluster.NodeTypesOption;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.policy.JoblanePolicy;
import io.joblane.simulator.report.PolicyResult;
import io.joblane.simulator.trace.SyntheticTrace;
import io.joblane.simulator.trace.TraceFormat;
import io.joblane.simulator.trace.TraceSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A group of two instance types in every policy: the launched type's shape and price, and who serves what. */
class MixedNodeTypesTest {

    @TempDir
    Path dir;

    private static NodeType type(String name, int cpu, int memoryGi, double price, int capacity) {
        return new NodeType(name, SimulatorInvariantsTest.shape(cpu, memoryGi), price, capacity);
    }

    private static Simulator simulator(NodeTypes types) {
        return new Simulator(
                new Simulation.Settings(types, 90_000, 10_000, 5000, 1, 1.0, 60_000, null),
                JoblanePolicy.factory(Duration.ofMinutes(10), 1));
    }

    @Test
    void everyPolicyRunsAMixedGroupSafelyAndBillsEachNodeAtItsTypesPrice() throws Exception {
        // The 8-cpu type comes first but the cloud runs only three of it: then it launches the 16-cpu type.
        NodeTypes types = new NodeTypes(
                List.of(type("small", 8, 32, 1.0, 3), type("large", 16, 64, 2.0, Integer.MAX_VALUE)),
                LaunchRule.PRIORITIZED);
        Simulator.Comparison c = simulator(types).run(new SyntheticTrace(150, 0.2, 3), Simulator.POLICIES, null);
        Map<String, PolicyResult> r = SimulatorInvariantsTest.byName(c);

        for (PolicyResult p : c.results()) {
            assertThat(p.jobsStarted()).as(p.policy()).isEqualTo(p.jobs());
            assertThat(p.cost())
                    .as(p.policy() + ": between all-small and all-large prices")
                    .isBetween(p.nodeHours() * 1.0 - 1e-6, p.nodeHours() * 2.0 + 1e-6);
            if (!p.policy().equals(Simulator.CLUSTER_AUTOSCALER_UNSAFE)) {
                assertThat(p.jobsInterrupted()).as(p.policy()).isZero();
            }
        }
        // More than three nodes at once: the fallback to the large type shows in the bill.
        assertThat(r.get(Simulator.JOBLANE).peakNodes()).isGreaterThan(3);
        assertThat(r.get(Simulator.JOBLANE).cost())
                .isGreaterThan(r.get(Simulator.JOBLANE).nodeHours() * 1.0 + 0.01);
        // The static group is sized by hand with the type every Job fits, the largest.
        assertThat(r.get(Simulator.STATIC).cost())
                .isCloseTo(r.get(Simulator.STATIC).nodeHours() * 2.0, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void aJobFittingOnlyTheLargerTypeIsNeverBoughtForByJoblaneOrClusterAutoscalerButKarpenterLaunchesIt()
            throws Exception {
        StringBuilder csv = new StringBuilder("submit,duration,cpu,memory\n");
        for (int i = 0; i < 20; i++) {
            csv.append(i * 30).append(",1800,1,4Gi\n");
        }
        csv.append("600,1800,12,8Gi\n"); // fits the 16-cpu type only
        TraceSource trace =
                TraceSource.file(Files.writeString(dir.resolve("wide.csv"), csv), TraceFormat.CSV, false, null, 16, GI);
        NodeTypes types = new NodeTypes(
                List.of(type("small", 8, 32, 1.0, Integer.MAX_VALUE), type("large", 16, 64, 2.0, Integer.MAX_VALUE)),
                LaunchRule.PRIORITIZED);
        Simulator.Comparison c = simulator(types)
                .run(trace, List.of(Simulator.JOBLANE, Simulator.CLUSTER_AUTOSCALER, Simulator.KARPENTER), null);
        Map<String, PolicyResult> r = SimulatorInvariantsTest.byName(c);

        assertThat(c.jobs()).isEqualTo(21);
        // Joblane reports it (the cloud would launch the 8-cpu type first) and buys nothing for it, scan after scan.
        assertThat(r.get(Simulator.JOBLANE).jobsStarted()).isEqualTo(20);
        assertThat(r.get(Simulator.JOBLANE).peakNodes()).isLessThanOrEqualTo(3);
        // cluster-autoscaler plans with the first override's shape, which the Job does not fit.
        assertThat(r.get(Simulator.CLUSTER_AUTOSCALER).jobsStarted()).isEqualTo(20);
        // Karpenter picks the cheapest type that holds the Job.
        assertThat(r.get(Simulator.KARPENTER).jobsStarted()).isEqualTo(21);
    }

    /** The loop's snapshot reports each node's own type's allocatable, the types interleaved in node order. */
    @Test
    void joblanesSnapshotGivesEachNodeItsOwnTypesAllocatable() {
        NodeType small = type("small", 8, 32, 1.0, Integer.MAX_VALUE);
        NodeType large = type("large", 16, 64, 2.0, Integer.MAX_VALUE);
        NodeTypes types = new NodeTypes(List.of(small, large), LaunchRule.PRIORITIZED);
        SimCluster cluster = new SimCluster(types, SimCluster.Scoring.MOST_ALLOCATED, 1, 60_000);
        JoblanePolicy policy = SimulatorInvariantsTest.startedJoblane(types, cluster);
        List<NodeType> launched = List.of(small, small, large, small, large, large, small);
        for (NodeType t : launched) {
            cluster.launch(null, 0, 0, t);
        }
        cluster.runEventsUntil(0);
        List<io.joblane.scaler.plan.NodeInfo> nodes = policy.snapshot().nodes();
        assertThat(nodes).hasSize(launched.size());
        for (int i = 0; i < nodes.size(); i++) {
            assertThat(nodes.get(i).allocatable().get("cpu"))
                    .as("node %d cpu", i)
                    .isEqualTo(launched.get(i).shape().cpuMillis());
            assertThat(nodes.get(i).allocatable().get("memory"))
                    .as("node %d memory", i)
                    .isEqualTo(launched.get(i).shape().memoryMillis());
            assertThat(nodes.get(i).allocatable().get("pods"))
                    .as("node %d pods", i)
                    .isEqualTo(launched.get(i).shape().pods() * 1000L);
        }
    }

    @Test
    void lowestPriceLaunchesTheCheapestTypeWhateverItsPlace() throws Exception {
        NodeTypes types = new NodeTypes(
                List.of(type("large", 16, 64, 2.0, Integer.MAX_VALUE), type("small", 8, 32, 0.5, Integer.MAX_VALUE)),
                LaunchRule.LOWEST_PRICE);
        Simulator.Comparison c = simulator(types).run(new SyntheticTrace(60, 0.1, 5), List.of(Simulator.JOBLANE), null);
        PolicyResult joblane = c.results().get(0);
        assertThat(joblane.jobsStarted()).isEqualTo(joblane.jobs());
        assertThat(joblane.cost()).isCloseTo(joblane.nodeHours() * 0.5, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void theNodeTypesFlagReadsTypesAndRefusesBadOnesNamingIt() {
        NodeTypesOption.Defaults d = new NodeTypesOption.Defaults(250, GI / 2, 3, 110, 0.768);
        NodeTypes types = NodeTypesOption.parse(
                "m5.2xlarge:8,32Gi,price=0.384,capacity=4; p3.2xlarge:8,61Gi,gpu=1,pods=58", "lowest-price", d);
        assertThat(types.types()).extracting(NodeType::name).containsExactly("m5.2xlarge", "p3.2xlarge");
        assertThat(types.rule()).isEqualTo(LaunchRule.LOWEST_PRICE);
        assertThat(types.first().capacity()).isEqualTo(4);
        assertThat(types.byName("p3.2xlarge").shape().gpus()).isEqualTo(1);
        assertThat(types.byName("p3.2xlarge").pricePerHour()).isEqualTo(0.768);

        assertThatThrownBy(() -> NodeTypesOption.parse("m5.2xlarge:8", "prioritized", d))
                .hasMessageStartingWith("--node-types: \"m5.2xlarge:8\" is not NAME:CPU,MEMORY");
        assertThatThrownBy(() -> NodeTypesOption.parse("a:8,32Gi,colour=red", "prioritized", d))
                .hasMessageContaining("--node-types: type a: unknown setting \"colour=red\"");
        assertThatThrownBy(() -> NodeTypesOption.parse("a:8,32Gi;a:16,64Gi", "prioritized", d))
                .hasMessageContaining("--node-types: node type a given twice");
        assertThatThrownBy(() -> NodeTypesOption.parse("a:8,32Gi", "cheapest", d))
                .hasMessageStartingWith("--launch-rule: launch rule must be prioritized or lowest-price");
    }
}
