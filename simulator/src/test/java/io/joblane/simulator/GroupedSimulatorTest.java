package io.joblane.simulator;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.GroupRouter;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.NodeGroup;
import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.policy.JoblanePolicy;
import io.joblane.simulator.report.PolicyResult;
import io.joblane.simulator.trace.TraceFormat;
import io.joblane.simulator.trace.TraceSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupedSimulatorTest {
    private static final List<String> POLICIES = List.of(
            Simulator.JOBLANE,
            Simulator.CLUSTER_AUTOSCALER,
            Simulator.KARPENTER_PACKING,
            Simulator.CLAIRVOYANT,
            Simulator.STATIC);

    @TempDir
    Path dir;

    /** batch (default, 16 cpu), gpu (8 cpu, 1 GPU; pods asking for a GPU) and highmem (256Gi; pods from 64Gi). */
    private static JoblaneConfig config() throws Exception {
        return ConfigLoader.load(Path.of("../examples/config/node-groups.yaml"));
    }

    private static SimGroup group(JoblaneConfig cfg, String name) {
        NodeGroup g = cfg.group(name).orElseThrow();
        long cpu = io.joblane.model.Quantity.toMillis(g.scaling().node().get("cpu"));
        long memory = io.joblane.model.Quantity.toMillis(g.scaling().node().get("memory"));
        long gpus = g.scaling().node().containsKey("nvidia.com/gpu") ? 1 : 0;
        NodeShape shape = new NodeShape(cpu, memory, gpus, 110, 250, GI / 2, 3);
        Simulation.Settings s = new Simulation.Settings(
                shape, 90_000, 10_000, g.scaling().maxNodes(), 1, name.equals("gpu") ? 3.0 : 1.0, 60_000);
        return new SimGroup(
                name,
                s,
                JoblanePolicy.factory(
                        g.scaling().scaleDownDelayDuration(), g.scaling().maxDraining(), g, cfg.scaler()));
    }

    private TraceSource trace(String name, String csv) throws Exception {
        return TraceSource.file(Files.writeString(dir.resolve(name), csv), TraceFormat.CSV, false, null, 16, GI);
    }

    /** 40 plain Jobs, 12 GPU Jobs, 6 Jobs of 100Gi, 5 small Jobs that name highmem, 2 that name no configured group. */
    private static String mixedCsv(boolean onlyGpuRows) {
        StringBuilder csv = new StringBuilder("submit,duration,cpu,memory,gpu,group\n");
        for (int i = 0; i < 40; i++) {
            int t = i * 45;
            if (!onlyGpuRows) {
                csv.append(t).append(",").append(600 + 37 * i).append(",2,8Gi,,\n");
            }
            if (i % 10 == 3) {
                csv.append(t)
                        .append(",1800,4,16Gi,1,\n")
                        .append(t)
                        .append(",2400,4,16Gi,1,\n")
                        .append(t)
                        .append(",900,2,8Gi,1,\n");
            }
            if (!onlyGpuRows && i % 7 == 2) {
                csv.append(t).append(",3000,4,100Gi,,\n");
            }
            if (!onlyGpuRows && i % 8 == 5) {
                csv.append(t).append(",300,1,1Gi,,highmem\n");
            }
            if (!onlyGpuRows && i % 20 == 9) {
                csv.append(t).append(",300,1,1Gi,,gpu-spot\n");
            }
        }
        return csv.toString();
    }

    private GroupedSimulator.Outcome runMixed() throws Exception {
        JoblaneConfig cfg = config();
        List<SimGroup> groups = List.of(group(cfg, "batch"), group(cfg, "gpu"), group(cfg, "highmem"));
        return new GroupedSimulator(new GroupRouter(cfg), groups, List.of(1L))
                .run(trace("mixed.csv", mixedCsv(false)), POLICIES, null);
    }

    private static Simulator.Comparison of(GroupedSimulator.Outcome o, String group) {
        return o.groups().stream()
                .filter(g -> g.name().equals(group))
                .findFirst()
                .orElseThrow()
                .comparison();
    }

    @Test
    void routesEveryRowAsTheWebhookRoutesItsPods() throws Exception {
        GroupedSimulator.Outcome o = runMixed();
        assertThat(of(o, "batch").jobs()).isEqualTo(40);
        assertThat(of(o, "gpu").jobs())
                .as("a GPU request goes to the group matching nvidia.com/gpu")
                .isEqualTo(12);
        assertThat(of(o, "highmem").jobs())
                .as("6 over minMemory 64Gi, 5 naming the group")
                .isEqualTo(11);
        assertThat(o.jobsRefused())
                .as("a name that is not configured is refused, as the webhook does")
                .isEqualTo(2);
        for (GroupedSimulator.GroupComparison g : o.groups()) {
            assertThat(g.comparison().jobsNeverFit())
                    .as(g.name() + ": every routed Job fits its group")
                    .isZero();
            for (PolicyResult r : g.comparison().results()) {
                assertThat(r.jobsStarted()).as(g.name() + " " + r.policy()).isEqualTo(r.jobs());
            }
        }
    }

    @Test
    void theTotalIsTheSumOfTheGroupsPolicyByPolicy() throws Exception {
        GroupedSimulator.Outcome o = runMixed();
        assertThat(o.total().jobs()).isEqualTo(63);
        for (int i = 0; i < POLICIES.size(); i++) {
            PolicyResult total = o.total().results().get(i);
            double nodeHours = 0;
            double cost = 0;
            double waitMax = 0;
            long started = 0;
            List<Double> groupHours = new ArrayList<>();
            for (GroupedSimulator.GroupComparison g : o.groups()) {
                PolicyResult r = g.comparison().results().get(i);
                assertThat(r.policy()).isEqualTo(total.policy());
                assertThat(r.nodeHours())
                        .as(g.name() + " " + r.policy() + " ran nodes")
                        .isPositive();
                nodeHours += r.nodeHours();
                cost += r.cost();
                waitMax = Math.max(waitMax, r.waitSecondsMax());
                started += r.jobsStarted();
                groupHours.add(r.nodeHours());
            }
            assertThat(total.nodeHours())
                    .as(total.policy())
                    .isCloseTo(nodeHours, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(total.cost()).as(total.policy()).isCloseTo(cost, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(total.waitSecondsMax()).isEqualTo(waitMax);
            assertThat(total.jobsStarted()).isEqualTo(started).isEqualTo(63);
        }
        // The GPU group's node-hours are billed at its own price (3.0), the others at 1.0.
        PolicyResult gpuJoblane = of(o, "gpu").results().get(0);
        assertThat(gpuJoblane.cost())
                .isCloseTo(3.0 * gpuJoblane.nodeHours(), org.assertj.core.data.Offset.offset(1e-9));
    }

    /** Guards the routing filter: a group's figures in the mix are exactly those of its rows run alone. */
    @Test
    void aGroupInTheMixHasTheFiguresOfItsRowsAlone() throws Exception {
        GroupedSimulator.Outcome o = runMixed();
        SimGroup gpu = group(config(), "gpu");
        Simulator.Comparison alone =
                new Simulator(gpu.settings(), gpu.joblane()).run(trace("gpu.csv", mixedCsv(true)), POLICIES, null);
        Simulator.Comparison mixed = of(o, "gpu");
        for (int i = 0; i < POLICIES.size(); i++) {
            assertThat(mixed.results().get(i).nodeHours())
                    .as(POLICIES.get(i))
                    .isEqualTo(alone.results().get(i).nodeHours());
            assertThat(mixed.results().get(i).waitSecondsP95())
                    .isEqualTo(alone.results().get(i).waitSecondsP95());
        }
    }
}
