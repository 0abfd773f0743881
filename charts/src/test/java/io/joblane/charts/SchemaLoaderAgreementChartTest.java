package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart (values.schema.json and its template checks) and the processes' ConfigLoader agree on every node-group
 * file: each generated case is fed to both, and one must not accept what the other refuses. Guards against
 * `helm install` succeeding and then both processes crash-looping on the file it rendered (maxNodes 0 or missing, a
 * bad schedulerName, quantities like 1K accepted and .5 refused).
 */
class SchemaLoaderAgreementChartTest {
    private static final Object MISSING = new Object();

    @TempDir
    Path tmp;

    private record Case(String what, Map<String, Object> config) {}

    @Test
    void chartAndConfigLoaderAcceptAndRefuseTheSameFiles() throws Exception {
        List<String> disagreements = new ArrayList<>();
        int accepted = 0;
        List<Case> cases = cases();
        for (Case c : cases) {
            String yaml = Manifests.PLAIN.writeValueAsString(c.config());
            String loader = loaderVerdict(yaml);
            String chart = chartVerdict(c.config());
            accepted += loader == null ? 1 : 0;
            if ((loader == null) != (chart == null)) {
                disagreements.add(c.what() + ": loader " + (loader == null ? "accepts" : "refuses (" + loader + ")")
                        + ", chart " + (chart == null ? "accepts" : "refuses (" + chart + ")"));
            }
        }
        assertThat(disagreements).as("%d cases", cases.size()).isEmpty();
        assertThat(accepted).as("both sides of the line are exercised").isBetween(10, cases.size() - 10);
    }

    private static String loaderVerdict(String yaml) {
        try {
            ConfigLoader.parse(yaml, "case");
            return null;
        } catch (InvalidConfigException e) {
            return e.getMessage();
        }
    }

    private String chartVerdict(Map<String, Object> config) throws Exception {
        Path values = Files.createTempFile(tmp, "values", ".yaml");
        Files.writeString(values, Manifests.PLAIN.writeValueAsString(Map.of("config", config)));
        try {
            Chart.chart().values(values).template();
            return null;
        } catch (IllegalStateException e) {
            String message = String.valueOf(e.getMessage());
            return message.length() > 160 ? message.substring(0, 160) : message;
        }
    }

    /** A valid base file and one field changed per case, to values on both sides of each rule. */
    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        Object[] quantities = {
            "16", "500m", "64Gi", ".5", "5.", "0.5", "+2", "1e3", "1E3", "2e-3", "100u", "1n", "1K", "1k", "1Zi", "-1",
            "-0", "1e", "1.2.3", "abc", "", " 1", 16, 0.5, -1, 0
        };
        for (Object q : quantities) {
            cases.add(group(
                    "node.memory " + q,
                    g -> scaling(g).put("node", new LinkedHashMap<>(Map.of("cpu", "4", "memory", q)))));
            cases.add(group("match.minCpu " + q, g -> g.put("match", new LinkedHashMap<>(Map.of("minCpu", q)))));
        }
        for (Object n : new Object[] {1, 3, 0, -1, MISSING, "3", 2.5}) {
            cases.add(group("maxNodes " + n, g -> put(scaling(g), "maxNodes", n)));
        }
        for (Object n : new Object[] {0, 2, 5, -1, "1"}) {
            cases.add(group("minNodes " + n, g -> put(scaling(g), "minNodes", n)));
        }
        for (Object n : new Object[] {0, 1, 3, -1, MISSING, "1", 1.5}) {
            cases.add(group("maxDraining " + n, g -> put(scaling(g), "maxDraining", n)));
        }
        for (Object s : new Object[] {
            "", "my-scheduler", "packing.example.com", "My_Scheduler", "-x", "a..b", "x".repeat(254), 5
        }) {
            cases.add(group("schedulerName " + s, g -> g.put("schedulerName", s)));
        }
        for (String d : new String[] {"90s", "10m", "1h30m", "1.5h", "100ms", "5", "10us", "1d", "", "-5m"}) {
            cases.add(group("scaleDownDelay " + d, g -> scaling(g).put("scaleDownDelay", d)));
        }
        for (Object t : new Object[] {"fixed", "cost", "Cost", "", 1}) {
            cases.add(group("scaleInTiming " + t, g -> scaling(g).put("scaleInTiming", t)));
        }
        for (String d : new String[] {"10s", "100ms", "0.1s", "50ms", "0.05s", "0"}) {
            cases.add(new Case("scanInterval " + d, base(g -> {}, Map.of("scanInterval", d))));
        }
        for (Object v : new Object[] {true, false, "true"}) {
            cases.add(group("default " + v, g -> g.put("default", v)));
        }
        for (Object d : new Object[] {"2h", "90m", "1.5h", "", "5", "1d", "-1h", 7200}) {
            cases.add(group("spot.preferOnDemandAbove " + d, g -> g.put("spot", Map.of("preferOnDemandAbove", d))));
        }
        for (String k : new String[] {
            "aws-node-termination-handler/spot-itn", "example.com/spot", "joblane.io/draining", "bad key", ""
        }) {
            cases.add(new Case(
                    "scaler.spot.rebalanceTaints " + k,
                    base(g -> {}, Map.of("spot", Map.of("rebalanceTaints", List.of(k))))));
        }
        cases.add(group(
                "match without rules", g -> g.put("match", new LinkedHashMap<>(Map.of("resources", List.of())))));
        cases.add(group(
                "match on a resource",
                g -> g.put("match", new LinkedHashMap<>(Map.of("resources", List.of("nvidia.com/gpu"))))));
        cases.add(group("label on the group key", g -> g.put("labels", Map.of("joblane.io/node-group", "x"))));
        cases.add(group("label of another key", g -> g.put("labels", Map.of("disk", "ssd"))));
        cases.add(group("label name of 64", g -> g.put("labels", Map.of("a".repeat(64), "ssd"))));
        cases.add(group(
                "draining taint",
                g -> g.put("taints", List.of(Map.of("key", "joblane.io/draining", "effect", "NoSchedule")))));
        cases.add(group(
                "duplicate taint",
                g -> g.put(
                        "taints",
                        List.of(
                                Map.of("key", "a", "effect", "NoSchedule"),
                                Map.of("key", "a", "value", "b", "effect", "NoSchedule")))));
        cases.add(group("provider memory without group", g -> {
            scaling(g).remove("autoScalingGroup");
            scaling(g).put("provider", "memory");
        }));
        cases.add(group("provider aws without group", g -> scaling(g).remove("autoScalingGroup")));
        cases.add(group("several ASGs", g -> {
            scaling(g).remove("autoScalingGroup");
            scaling(g).put("autoScalingGroups", List.of("asg-1a", "asg-1b"));
        }));
        cases.add(group("one ASG and several", g -> scaling(g).put("autoScalingGroups", List.of("asg-1b"))));
        cases.add(group("an ASG listed twice", g -> {
            scaling(g).remove("autoScalingGroup");
            scaling(g).put("autoScalingGroups", List.of("asg-1a", "asg-1a"));
        }));
        cases.add(group("an empty ASG list", g -> {
            scaling(g).remove("autoScalingGroup");
            scaling(g).put("autoScalingGroups", List.of());
        }));
        cases.add(group("provider memory with the group's instance types instead of node", g -> {
            scaling(g).put("provider", "memory");
            scaling(g).remove("node");
            scaling(g).put("memory", memoryTypes(Map.of("cpu", "4", "memory", "16Gi")));
        }));
        cases.add(group("provider memory with a type lacking memory", g -> {
            scaling(g).put("provider", "memory");
            scaling(g).remove("node");
            scaling(g).put("memory", memoryTypes(Map.of("cpu", "4")));
        }));
        cases.add(group("provider memory with an ASG's own labels and zone", g -> {
            scaling(g).put("provider", "memory");
            scaling(g).remove("autoScalingGroup");
            scaling(g).put("autoScalingGroups", List.of("od", "spot"));
            Map<String, Object> memory = memoryTypes(Map.of("cpu", "4", "memory", "16Gi"));
            memory.put(
                    "autoScalingGroups",
                    Map.of("spot", Map.of("labels", Map.of("eks.amazonaws.com/capacityType", "SPOT"), "zone", "b")));
            scaling(g).put("memory", memory);
        }));
        cases.add(group("provider memory with template taints, the group's and an ASG's own", g -> {
            scaling(g).put("provider", "memory");
            scaling(g).remove("autoScalingGroup");
            scaling(g).put("autoScalingGroups", List.of("gpu", "plain"));
            Map<String, Object> memory = memoryTypes(Map.of("cpu", "4", "memory", "16Gi"));
            memory.put("taints", List.of(Map.of("key", "nvidia.com/gpu", "value", "true", "effect", "NoSchedule")));
            memory.put("autoScalingGroups", Map.of("plain", Map.of("taints", List.of())));
            scaling(g).put("memory", memory);
        }));
        cases.add(group("provider memory with a template taint of no known effect", g -> {
            scaling(g).put("provider", "memory");
            Map<String, Object> memory = memoryTypes(Map.of("cpu", "4", "memory", "16Gi"));
            memory.put("taints", List.of(Map.of("key", "nvidia.com/gpu", "effect", "NoSchedul")));
            scaling(g).put("memory", memory);
        }));
        cases.add(group(
                "a memory section on an aws group",
                g -> scaling(g).put("memory", memoryTypes(Map.of("cpu", "4", "memory", "16Gi")))));
        cases.add(new Case("two groups of one name", twoGroups("batch", "asg-2")));
        cases.add(new Case("two groups on one ASG", twoGroups("other", "asg-batch")));
        cases.add(new Case("two groups", twoGroups("other", "asg-2")));
        cases.add(new Case(
                "strictOwner without users",
                base(g -> {}, null, Map.of("strictOwner", true, "jobControllerUsers", List.of()))));
        cases.add(new Case("strictOwner with users", base(g -> {}, null, Map.of("strictOwner", true))));
        cases.add(new Case(
                "jobOwner with a blank apiVersion",
                base(g -> {}, null, Map.of("jobOwners", List.of(Map.of("apiVersion", " ", "kind", "Workflow"))))));
        return cases;
    }

    private static Case group(String what, Consumer<Map<String, Object>> change) {
        return new Case(what, base(change, null));
    }

    private static Map<String, Object> base(Consumer<Map<String, Object>> change, Map<String, Object> scaler) {
        return base(change, scaler, null);
    }

    private static Map<String, Object> base(
            Consumer<Map<String, Object>> change, Map<String, Object> scaler, Map<String, Object> webhook) {
        Map<String, Object> group = baseGroup("batch", "asg-batch");
        group.put("default", true);
        change.accept(group);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("nodeGroups", new ArrayList<>(List.of(group)));
        if (scaler != null) {
            config.put("scaler", scaler);
        }
        if (webhook != null) {
            config.put("webhook", webhook);
        }
        return config;
    }

    private static Map<String, Object> twoGroups(String secondName, String secondAsg) {
        Map<String, Object> config = base(g -> {}, null);
        @SuppressWarnings("unchecked")
        List<Object> groups = (List<Object>) config.get("nodeGroups");
        groups.add(baseGroup(secondName, secondAsg));
        return config;
    }

    private static Map<String, Object> baseGroup(String name, String asg) {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("name", name);
        group.put("taints", List.of(Map.of("key", "joblane.io/dedicated", "value", name, "effect", "NoSchedule")));
        Map<String, Object> scaling = new LinkedHashMap<>();
        scaling.put("autoScalingGroup", asg);
        scaling.put("maxNodes", 3);
        scaling.put("node", new LinkedHashMap<>(Map.of("cpu", "4", "memory", "16Gi")));
        group.put("scaling", scaling);
        return group;
    }

    /** A {@code scaling.memory} section with one instance type of this allocatable. */
    private static Map<String, Object> memoryTypes(Map<String, String> allocatable) {
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("instanceTypes", List.of(Map.of("name", "m5.xlarge", "allocatable", allocatable)));
        return memory;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> scaling(Map<String, Object> group) {
        return (Map<String, Object>) group.get("scaling");
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value == MISSING) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }
}
