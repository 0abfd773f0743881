package io.joblane.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new SimulateCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private Path trace(String text) throws Exception {
        return Files.writeString(dir.resolve("t.csv"), text);
    }

    /** With --timing, the lane-end labels each Joblane policy with lanes wrote: node PATCHes in a cluster. */
    @Test
    void timingCountsTheLaneLabelWritesOfThePoliciesWithLanes() throws Exception {
        Path t = trace("submit,duration,cpu,memory,count,deadline\n0,600,2,8Gi,10,600\n30,7200,1,4Gi,3,7200\n"
                + "900,300,4,16Gi,5,300\n");
        int code =
                run("--trace", t.toString(), "--policies", "joblane,joblane-no-lanes,cluster-autoscaler", "--timing");
        assertThat(code).as(err.toString()).isZero();
        assertThat(joblaneLaneEndWrites()).isPositive();
        java.util.regex.Matcher scans = java.util.regex.Pattern.compile(
                        "(?m)^timing per policy \\(the loop's scans, whole \\+ lanes alone\\):"
                                + " joblane (\\d+) \\+ (\\d+), joblane-no-lanes (\\d+) \\+ 0$")
                .matcher(out.toString());
        assertThat(scans.find()).as("the peer model has no loop: " + out).isTrue();
        assertThat(Long.parseLong(scans.group(1))).isPositive();
        assertThat(Long.parseLong(scans.group(3)))
                .as("no lanes: every wake a whole scan")
                .isPositive();

        out.getBuffer().setLength(0);
        assertThat(run("--trace", t.toString(), "--policies", "joblane-no-lanes", "--timing"))
                .isZero();
        assertThat(out.toString()).contains("timing: ").doesNotContain("lane-end label writes");
    }

    /** The lane-end writes the --timing line gives for {@code joblane}, its only policy with lanes here. */
    private long joblaneLaneEndWrites() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "(?m)^lane-end label writes \\(node PATCHes in a cluster\\): joblane (\\d+)$")
                .matcher(out.toString());
        assertThat(m.find()).as(out.toString()).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** With several groups, the writes are summed over the groups: the same line as one group's. */
    @Test
    void timingCountsTheLaneLabelWritesOverSeveralGroups() throws Exception {
        Path t = trace("submit,duration,cpu,memory,count,deadline,group\n0,600,2,8Gi,10,600,\n30,7200,1,4Gi,3,7200,\n"
                + "900,300,4,16Gi,5,300,\n960,900,2,100Gi,2,900,highmem\n");
        String cfg = "../examples/config/node-groups.yaml";
        int code = run(
                "--trace", t.toString(), "--config", cfg, "--node-group", "all", "--policies", "joblane", "--timing");
        assertThat(code).as(err.toString()).isZero();
        assertThat(joblaneLaneEndWrites()).isPositive();
    }

    @Test
    void writesTableJsonWithTheIssueKeysAndASelfContainedReport() throws Exception {
        Path t = trace("submit,duration,cpu,memory,count\n0,600,2,8Gi,10\n30,7200,1,4Gi,3\n900,300,4,16Gi,5\n");
        Path json = dir.resolve("out.json");
        Path html = dir.resolve("out.html");
        int code = run(
                "--trace",
                t.toString(),
                "--json",
                json.toString(),
                "--report",
                html.toString(),
                "--price-per-node-hour",
                "2",
                "--timing");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("joblane", "cluster-autoscaler-unsafe", "static", "lower bound", "timing: ");
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        for (String policy : Simulator.DEFAULT_POLICIES) {
            JsonNode p = root.path("policies").path(policy);
            for (String key : new String[] {
                "nodeHours",
                "lowerBoundNodeHours",
                "meanUtilization",
                "jobs",
                "jobsStarted",
                "jobsInterrupted",
                "lostComputeHours",
                "waitSecondsP50",
                "waitSecondsP95",
                "waitSecondsMax",
                "scaleActions"
            }) {
                assertThat(p.has(key)).as(policy + "." + key).isTrue();
            }
            assertThat(p.path("jobs").asLong()).isEqualTo(18);
            assertThat(p.path("cost").asDouble())
                    .isEqualTo(2 * p.path("nodeHours").asDouble());
        }
        String page = Files.readString(html);
        assertThat(page)
                .startsWith("<!DOCTYPE html>")
                .contains("<svg", "</table>", "joblane")
                .doesNotContain("http://", "https://", "<script src", "<link");
    }

    @Test
    void badLineStopsWithItsLineNumberUnlessSkipped() throws Exception {
        Path t = trace("submit,duration,cpu,memory\n0,60,1,1Gi\n10,sixty,1,1Gi\n20,60,1,1Gi\n");
        assertThat(run("--trace", t.toString(), "--policies", "static")).isEqualTo(1);
        assertThat(err.toString()).contains("line 3", "duration", "--skip-bad-lines");
        assertThat(run("--trace", t.toString(), "--policies", "static", "--skip-bad-lines"))
                .isZero();
        assertThat(out.toString()).contains("1 bad lines skipped (first: line 3: duration", "2 jobs");
    }

    @Test
    void refusesUnknownPolicyAndMissingTrace() throws Exception {
        Path t = trace("submit,duration,cpu,memory\n0,60,1,1Gi\n");
        assertThat(run("--trace", t.toString(), "--policies", "escalator")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown policy \"escalator\"");
        assertThat(run("--node-cpu", "16")).isEqualTo(2);
        assertThat(err.toString()).contains("--trace FILE or --synthetic JOBS");
    }

    @Test
    void aDrainBudgetOfZeroRunsAndANegativeOneIsRefusedNamingTheFlag() throws Exception {
        Path t = trace("submit,duration,cpu,memory\n0,600,2,4Gi\n10,600,12,8Gi\n");
        assertThat(run("--trace", t.toString(), "--policies", "joblane", "--max-draining", "0"))
                .as(err.toString())
                .isZero();
        assertThat(out.toString()).contains("Joblane maxDraining 0");
        assertThat(run("--trace", t.toString(), "--policies", "joblane", "--max-draining", "-1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--max-draining must be >= 0");
    }

    @Test
    void simulatesSeveralNodeTypesAndRefusesABadOneNamingTheFlag() throws Exception {
        Path t = trace("submit,duration,cpu,memory\n0,600,2,4Gi\n10,600,12,8Gi\n");
        assertThat(run(
                        "--trace",
                        t.toString(),
                        "--policies",
                        "joblane,karpenter",
                        "--node-types",
                        "m5.2xlarge:8,32Gi,price=0.384;m5.4xlarge:16,64Gi,price=0.768",
                        "--launch-rule",
                        "lowest-price"))
                .isEqualTo(0);
        assertThat(out.toString())
                .contains("node types m5.2xlarge (8 cpu, 32Gi, 0.384/h), m5.4xlarge (16 cpu, 64Gi, 0.768/h) launched "
                        + "lowest-price")
                .contains("cost = every node at its type's price per hour")
                .containsPattern("joblane +[0-9.]+ .* 1/2 ") // the 12-cpu Job fits only the type never launched
                .containsPattern("karpenter +[0-9.]+ .* 2/2 ");

        assertThat(run("--trace", t.toString(), "--node-types", "m5.2xlarge:8")).isEqualTo(2);
        assertThat(err.toString()).contains("--node-types: \"m5.2xlarge:8\" is not NAME:CPU,MEMORY");
        assertThat(run("--trace", t.toString(), "--node-types", "a:8,32Gi", "--launch-rule", "random"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--launch-rule: launch rule must be prioritized or lowest-price");
    }

    @Test
    void readsSwfWithTheDocumentedMapping() throws Exception {
        Path swf = Files.writeString(
                dir.resolve("t.swf"),
                "; Version: 2.2\n"
                        + "1 0 0 3600 32 -1 -1 32 3600 -1 1 1 1 -1 -1 -1 -1 -1\n"
                        + "2 60 0 600 4 -1 -1 4 600 -1 1 1 1 -1 -1 -1 -1 -1\n");
        assertThat(run(
                        "--trace",
                        swf.toString(),
                        "--policies",
                        "static",
                        "--json",
                        dir.resolve("s.json").toString()))
                .as(err.toString())
                .isZero();
        JsonNode root = new ObjectMapper().readTree(dir.resolve("s.json").toFile());
        // 32 processors on 16-core nodes (15.75 usable): 3 pods of 11 cores, plus one 4-core pod.
        assertThat(root.path("jobs").asLong()).isEqualTo(4);
    }

    @Test
    void takesTheGroupFromTheNodeGroupFileWhereNoFlagIsGiven() throws Exception {
        Path t = trace("submit,duration,cpu,memory\n0,600,2,8Gi\n");
        Path config = Path.of("../examples/config/node-groups.yaml");
        assertThat(run(
                        "--trace",
                        t.toString(),
                        "--config",
                        config.toString(),
                        "--node-group",
                        "highmem",
                        "--node-cpu",
                        "8",
                        "--policies",
                        "joblane,static"))
                .as(err.toString())
                .isZero();
        // highmem: 256Gi from the file, cpu from the flag.
        assertThat(out.toString()).contains("node: 8 cpu, 256Gi memory");
        assertThat(run("--trace", t.toString(), "--config", config.toString(), "--node-group", "nope"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--node-group nope is not in");
    }

    @Test
    void simulatesSeveralGroupsWithPerGroupAndTotalFigures() throws Exception {
        Path t = trace("submit,duration,cpu,memory,gpu,group\n0,600,2,8Gi,,\n0,1200,4,16Gi,1,\n60,900,2,100Gi,,\n"
                + "120,300,1,1Gi,,highmem\n180,300,1,1Gi,,nope\n");
        Path config = Path.of("../examples/config/node-groups.yaml");
        Path json = dir.resolve("groups.json");
        assertThat(run(
                        "--trace",
                        t.toString(),
                        "--config",
                        config.toString(),
                        "--node-group",
                        "all",
                        "--group-price",
                        "gpu=3",
                        "--policies",
                        "joblane,cluster-autoscaler,static",
                        "--json",
                        json.toString(),
                        "--report",
                        dir.resolve("groups.html").toString()))
                .as(err.toString())
                .isZero();
        assertThat(out.toString())
                .contains(
                        "== node group batch",
                        "== node group gpu",
                        "== node group highmem",
                        "== all groups",
                        "1 jobs name a node group that is not configured",
                        "cost at each group's price");
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.path("jobs").asLong()).isEqualTo(4);
        assertThat(root.path("jobsRefused").asLong()).isEqualTo(1);
        assertThat(root.path("groups").path("batch").path("jobs").asLong()).isEqualTo(1);
        assertThat(root.path("groups").path("gpu").path("jobs").asLong()).isEqualTo(1);
        assertThat(root.path("groups").path("highmem").path("jobs").asLong()).isEqualTo(2);
        JsonNode gpu = root.path("groups").path("gpu").path("policies").path("joblane");
        assertThat(gpu.path("cost").asDouble())
                .isEqualTo(3 * gpu.path("nodeHours").asDouble());
        double sum = 0;
        for (String g : new String[] {"batch", "gpu", "highmem"}) {
            sum += root.path("groups")
                    .path(g)
                    .path("policies")
                    .path("joblane")
                    .path("nodeHours")
                    .asDouble();
        }
        assertThat(root.path("policies").path("joblane").path("nodeHours").asDouble())
                .isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void refusesOneGroupFlagsAndUnknownGroupsWithSeveralGroups() throws Exception {
        Path t = trace("submit,duration,cpu,memory\n0,60,1,1Gi\n");
        Path config = Path.of("../examples/config/node-groups.yaml");
        assertThat(run(
                        "--trace",
                        t.toString(),
                        "--config",
                        config.toString(),
                        "--node-group",
                        "batch,gpu",
                        "--node-cpu",
                        "8"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--node-cpu applies to one group");
        assertThat(run("--trace", t.toString(), "--config", config.toString(), "--node-group", "batch,nope"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--node-group nope is not in the node-group file");
        assertThat(run(
                        "--trace",
                        t.toString(),
                        "--config",
                        config.toString(),
                        "--node-group",
                        "all",
                        "--group-price",
                        "nope=1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--group-price nope=1.0");
        assertThat(run("--trace", t.toString(), "--node-group", "all")).isEqualTo(2);
        assertThat(err.toString()).contains("--node-group needs --config");
    }
}
