package io.joblane.simulator;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.joblane.model.GoDuration;
import io.joblane.model.Quantity;
import io.joblane.model.WellKnown;
import io.joblane.model.cli.CommandLineConvention;
import io.joblane.model.cli.DurationConverter;
import io.joblane.model.cli.ExitCodes;
import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.GroupRouter;
import io.joblane.model.config.InvalidConfigException;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.NodeGroup;
import io.joblane.model.config.ScalerSettings;
import io.joblane.model.config.Scaling;
import io.joblane.model.logging.LogOptions;
import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.NodeTypes;
import io.joblane.simulator.cluster.NodeTypesOption;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SpotMarket;
import io.joblane.simulator.policy.JoblanePolicy;
import io.joblane.simulator.report.ComparisonTable;
import io.joblane.simulator.report.HtmlReport;
import io.joblane.simulator.report.JsonReport;
import io.joblane.simulator.trace.SpooledTraceSource;
import io.joblane.simulator.trace.SyntheticTrace;
import io.joblane.simulator.trace.TraceFormat;
import io.joblane.simulator.trace.TraceFormatException;
import io.joblane.simulator.trace.TraceSource;
import io.joblane.simulator.trace.ZonalJobs;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar joblane-simulator.jar}: replays a Job trace through Joblane's real planner and loop and through the
 * alternatives on the same simulated cluster, then prints the comparison (and writes JSON and HTML when asked).
 */
@Command(
        name = "joblane-simulator",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Replay a Job workload trace through Joblane's default install and the setups a user could pick "
                + "instead (cluster-autoscaler with or without the packing scheduler or on-completion, Karpenter), a "
                + "clairvoyant reference and a static group, on a simulated cluster; no cluster or cloud needed.")
public final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--trace",
            paramLabel = "FILE",
            description = "Trace file (CSV, SWF or the Alibaba GPU 2023 pod list; .gz accepted).")
    Path trace;

    @Option(
            names = "--format",
            paramLabel = "csv|swf|alibaba",
            description = "Trace format (default: from the file: .swf, the Alibaba header, else csv).")
    String format;

    @Option(
            names = "--synthetic",
            paramLabel = "JOBS",
            description =
                    "Instead of --trace, generate a seeded bursty workload of JOBS Jobs (see --synthetic-days, --seed).")
    Long synthetic;

    @Option(
            names = "--synthetic-days",
            paramLabel = "DAYS",
            defaultValue = "7",
            description = "Span of the synthetic workload in days (default ${DEFAULT-VALUE}).")
    double syntheticDays;

    @Option(
            names = "--zonal-jobs",
            paramLabel = "SHARE",
            defaultValue = "0",
            description = "Pin this share (0 to 1) of the Jobs, drawn with --seed, each to one of the zones zone-a, "
                    + "zone-b, zone-c, as Jobs whose volume is zonal; a CSV zone column pins rows itself "
                    + "(default ${DEFAULT-VALUE}).")
    double zonalJobs;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description =
                    "Seed of the synthetic workload and of the scheduler's tie-breaks (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--skip-bad-lines",
            description = "Skip malformed trace lines (counted and reported) instead of stopping at the first.")
    boolean skipBadLines;

    @Option(
            names = "--group",
            paramLabel = "NAME",
            description = "CSV only: simulate only the rows whose group column is NAME.")
    String group;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "Take the node group's shape, maxNodes, scaleDownDelay, maxDraining, bootDelay, scaleInTiming, taints and the scan interval and settle delay from a Joblane node-group file; explicit flags win.")
    Path config;

    @Option(
            names = "--node-group",
            split = ",",
            paramLabel = "NAME[,NAME...]|all",
            description =
                    "With --config: the "
                            + "group to simulate (default: the default group); several names, or all (every group with a scaling "
                            + "section): those groups side by side, each trace row routed to one as the webhook routes its pods.")
    List<String> nodeGroups;

    @Option(
            names = "--group-price",
            paramLabel = "NAME=PRICE",
            description = "With several groups: the price of a "
                    + "node-hour of group NAME (default --price-per-node-hour); repeat per group.")
    Map<String, Double> groupPrices = new LinkedHashMap<>();

    @Option(
            names = "--node-cpu",
            defaultValue = "16",
            description = "Allocatable cpu of a node (default ${DEFAULT-VALUE}).")
    String nodeCpu;

    @Option(
            names = "--node-memory",
            defaultValue = "64Gi",
            description = "Allocatable memory of a node (default ${DEFAULT-VALUE}).")
    String nodeMemory;

    @Option(
            names = "--node-gpu",
            defaultValue = "0",
            description = "nvidia.com/gpu per node (default ${DEFAULT-VALUE}).")
    int nodeGpu;

    @Option(names = "--node-pods", defaultValue = "110", description = "Pods per node (default ${DEFAULT-VALUE}).")
    int nodePods;

    @Option(
            names = "--node-types",
            paramLabel = "NAME:CPU,MEMORY[,gpu=N][,pods=N][,price=P][,capacity=N];...",
            description = "Several instance types in one group, in the group's order, instead of --node-cpu, "
                    + "--node-memory, --node-gpu, --node-pods: the group's cloud picks each new node's type by "
                    + "--launch-rule; price (default --price-per-node-hour) bills each node; capacity caps the "
                    + "nodes of that type the cloud will run (then it falls back to the next).")
    String nodeTypes;

    @Option(
            names = "--launch-rule",
            defaultValue = "prioritized",
            paramLabel = "prioritized|lowest-price",
            description = "With --node-types: which type the group's Auto Scaling group launches next, as EC2 Auto "
                    + "Scaling's On-Demand allocation strategies: the first in order with capacity, or the cheapest "
                    + "(default ${DEFAULT-VALUE}).")
    String launchRule;

    @Option(
            names = "--daemonset-cpu",
            defaultValue = "250m",
            description = "cpu the DaemonSets request on every node (default ${DEFAULT-VALUE}).")
    String daemonSetCpu;

    @Option(
            names = "--daemonset-memory",
            defaultValue = "512Mi",
            description = "Memory the DaemonSets request on every node (default ${DEFAULT-VALUE}).")
    String daemonSetMemory;

    @Option(
            names = "--daemonset-pods",
            defaultValue = "3",
            description = "DaemonSet pods on every node (default ${DEFAULT-VALUE}).")
    int daemonSetPods;

    @Option(
            names = "--boot-delay",
            defaultValue = "90s",
            converter = DurationConverter.class,
            description = "Launch to Ready of a new node (default ${DEFAULT-VALUE}).")
    Duration bootDelay;

    @Option(
            names = "--scan-interval",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Scan interval of every autoscaler (default ${DEFAULT-VALUE}).")
    Duration scanInterval;

    @Option(
            names = "--scale-down-delay",
            defaultValue = "10m",
            converter = DurationConverter.class,
            description = "Joblane: how long a node must be unneeded before it goes (default ${DEFAULT-VALUE}).")
    Duration scaleDownDelay;

    @Option(
            names = "--scale-in-timing",
            paramLabel = "fixed|cost",
            description =
                    "Joblane: when an empty node goes: fixed (after --scale-down-delay) or cost (the scale-in cost rule, --scale-down-delay at most); default: the group's scaling.scaleInTiming, else the product default.")
    String scaleInTiming;

    @Option(
            names = "--max-draining",
            defaultValue = "1",
            description =
                    "Joblane: nodes draining at once (default ${DEFAULT-VALUE}, the product default); 0: none, only nodes that empty by themselves go.")
    int maxDraining;

    @Option(
            names = "--max-nodes",
            defaultValue = "5000",
            description = "Upper size of the group for every autoscaler (default ${DEFAULT-VALUE}).")
    int maxNodes;

    @Option(
            names = "--policies",
            split = ",",
            paramLabel = "LIST",
            defaultValue = "joblane,joblane-no-lanes,joblane-spread,cluster-autoscaler,cluster-autoscaler-packing,"
                    + "cluster-autoscaler-on-completion,cluster-autoscaler-on-completion-packing,karpenter,"
                    + "karpenter-packing,clairvoyant,cluster-autoscaler-unsafe,static",
            description = "Policies to compare (default ${DEFAULT-VALUE}; also joblane-no-drain-order, "
                    + "joblane-fill-first).")
    List<String> policies;

    @Option(
            names = "--seeds",
            paramLabel = "A-B",
            description = "Run every policy once per scheduler seed from A to B "
                    + "(the trace stays the one of --seed) and show each policy's median run with the node-hours and wait p95 "
                    + "ranges (default: --seed only).")
    String seedRange;

    @Option(
            names = "--price-per-node-hour",
            defaultValue = "0.768",
            description =
                    "Price of one node-hour for the cost column (default ${DEFAULT-VALUE}, m5.4xlarge on-demand in us-east-1).")
    double pricePerNodeHour;

    @Option(
            names = "--spot-interruption-rate",
            paramLabel = "PER_NODE_HOUR",
            defaultValue = "0",
            description =
                    "Spot: interruptions per Spot node-hour, each Spot node interrupted at this rate for as long as"
                            + " it runs (0.05: a mean Spot life of 20 hours), with EC2's two-minute notice before the cloud takes it"
                            + " (default ${DEFAULT-VALUE}: no Spot).")
    double spotInterruptionRate;

    @Option(
            names = "--spot-share",
            paramLabel = "FRACTION",
            defaultValue = "1",
            description = "Spot: the share of new nodes bought as Spot, the rest on-demand (default ${DEFAULT-VALUE};"
                    + " only with --spot-interruption-rate).")
    double spotShare;

    @Option(
            names = "--spot-price-ratio",
            paramLabel = "RATIO",
            defaultValue = "1",
            description = "Spot: the price of a Spot node-hour as a share of its type's on-demand price, for the cost"
                    + " column (default ${DEFAULT-VALUE}: billed as on-demand; only with --spot-interruption-rate).")
    double spotPriceRatio;

    @Option(
            names = "--prefer-on-demand-above",
            paramLabel = "DURATION",
            description = "Joblane: the group's spot.preferOnDemandAbove, a Go duration: the webhook gives each pod"
                    + " predicted to run longer a preferred node affinity to on-demand nodes (default: the --config"
                    + " group's, else never, as the chart).")
    String preferOnDemandAbove;

    @Option(
            names = "--swf-memory-per-core",
            defaultValue = "2Gi",
            description = "SWF only: memory per processor when the log records none (default ${DEFAULT-VALUE}).")
    String swfMemoryPerCore;

    @Option(
            names = "--timing",
            description = "Benchmark: also print wall and CPU time and the largest live heap after a GC.")
    boolean timing;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Policies simulated at once, each on its own thread (default: the number of processors,"
                    + " ${DEFAULT-VALUE}); the output is the same for any N.")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(
            names = "--progress",
            description =
                    "Write a progress bar to stderr even when it is not a terminal (it is shown on a terminal anyway).")
    boolean progress;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
    Path json;

    @Option(
            names = "--report",
            paramLabel = "FILE.html",
            description = "Also write a self-contained HTML report with a chart.")
    Path report;

    /** The real loop's own logs are muted to warnings during a simulation. */
    @Mixin
    LogOptions logging;

    private NodeGroup template;
    private ScalerSettings templateScaler;

    /** The simulator jar's entry point: the simulation is the whole command. */
    public static void main(String[] args) {
        ThroughputCollector.stopWithParent();
        OptionalInt relaunched = ThroughputCollector.relaunchIfDefault(args);
        System.exit(
                relaunched.isPresent()
                        ? relaunched.getAsInt()
                        : CommandLineConvention.apply(new CommandLine(new SimulateCommand()))
                                .execute(args));
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        logging.apply();
        if (severalGroups()) {
            return callGroups(err);
        }
        TraceSource source;
        Simulation.Settings settings;
        List<String> chosen;
        try {
            settings = settings();
            seeds();
            source = source(settings.shape());
            chosen = chosenPolicies();
            checkThreads();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        quietLoopLogs();
        Simulator.Comparison comparison;
        Simulator simulator = new Simulator(
                        settings,
                        JoblanePolicy.factory(
                                scaleDownDelay,
                                maxDraining,
                                template,
                                templateScaler,
                                scaleInTiming,
                                preferOnDemandAbove()),
                        seeds())
                .threads(threads);
        RunMeter meter = timing ? new RunMeter() : null;
        try {
            comparison = simulator.run(source, chosen, progressStream());
        } catch (TraceFormatException | IOException e) {
            return failed(err, e);
        }
        writeOutputs(comparison, simulator, meter);
        return ExitCodes.OK;
    }

    /** Several groups of {@code --config} side by side, each row routed to one of them. */
    private int callGroups(PrintWriter err) throws IOException {
        TraceSource source;
        List<String> chosen;
        GroupedSimulator simulator;
        try {
            if (nodeTypes != null) {
                throw new IllegalArgumentException(
                        "--node-types applies to one group, not to --node-group with several");
            }
            JoblaneConfig cfg = loadConfig();
            List<SimGroup> groups = GroupSettings.of(cfg, nodeGroups, this::groupDefaults, groupPrices);
            String defaultGroup = cfg.defaultGroup().name();
            source = source(groups.stream()
                    .filter(g -> g.name().equals(defaultGroup))
                    .findFirst()
                    .orElse(groups.get(0))
                    .settings()
                    .shape());
            chosen = chosenPolicies();
            checkThreads();
            simulator = new GroupedSimulator(new GroupRouter(cfg), groups, seeds()).threads(threads);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        quietLoopLogs();
        RunMeter meter = timing ? new RunMeter() : null;
        GroupedSimulator.Outcome outcome;
        try {
            outcome = simulator.run(source, chosen, progressStream());
        } catch (TraceFormatException | IOException e) {
            return failed(err, e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(ComparisonTable.format(outcome));
        if (meter != null) {
            writeTiming(out, meter, simulator);
        }
        if (json != null) {
            JsonReport.write(json, outcome);
            out.println("wrote " + json);
        }
        if (report != null) {
            Files.writeString(report, HtmlReport.render(outcome.total(), Double.NaN), StandardCharsets.UTF_8);
            out.println("wrote " + report);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** {@code --node-group} names several groups, or all. */
    private boolean severalGroups() {
        return nodeGroups != null && (nodeGroups.size() > 1 || GroupSettings.ALL.equals(nodeGroups.get(0)));
    }

    /**
     * What every group of a multi-group run shares: the DaemonSets, the scan interval, the seed and the price; a flag
     * that sets one group's size or delays is refused, since each group's {@code scaling} section sets those.
     */
    private GroupSettings.Defaults groupDefaults(JoblaneConfig cfg) {
        for (String option : new String[] {
            "--node-cpu",
            "--node-memory",
            "--node-gpu",
            "--node-pods",
            "--max-nodes",
            "--scale-down-delay",
            "--max-draining",
            "--boot-delay",
            "--group",
            "--spot-interruption-rate",
            "--spot-share",
            "--spot-price-ratio",
            "--prefer-on-demand-above"
        }) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + " applies to one group: with several groups each group's "
                        + "scaling section in " + config + " sets it (--group: every row is routed instead)");
            }
        }
        setUnlessGiven("--scan-interval", cfg.scaler().scanInterval(), v -> scanInterval = GoDuration.parse(v));
        if (scanInterval.toMillis() < 1000 || pricePerNodeHour < 0 || daemonSetPods < 0) {
            throw new IllegalArgumentException("--scan-interval must be at least 1s, --price-per-node-hour and "
                    + "--daemonset-pods not negative");
        }
        return new GroupSettings.Defaults(
                nodeCpu,
                nodeMemory,
                nodePods,
                maxNodes,
                Quantity.toMillis(daemonSetCpu),
                Quantity.toMillis(daemonSetMemory),
                daemonSetPods,
                scanInterval.toMillis(),
                seed,
                pricePerNodeHour);
    }

    private JoblaneConfig loadConfig() {
        if (config == null) {
            throw new IllegalArgumentException("--node-group needs --config");
        }
        try {
            return ConfigLoader.load(config);
        } catch (InvalidConfigException e) {
            throw new IllegalArgumentException("--config " + config + ": " + e.getMessage());
        }
    }

    /** A bad trace line (its number in the message) or an unreadable trace: one line on stderr, exit 1. */
    private int failed(PrintWriter err, Exception e) {
        String message = e instanceof TraceFormatException
                ? (trace == null ? "" : trace + ": ")
                        + e.getMessage()
                        + (skipBadLines ? "" : " (--skip-bad-lines carries on past bad lines)")
                : "cannot read " + (trace == null ? "the trace" : trace) + ": " + e;
        err.println("joblane-simulator: " + message);
        err.flush();
        return ExitCodes.FAILED;
    }

    /** The table on stdout, then the timing, the JSON and the HTML report when asked. */
    private void writeOutputs(Simulator.Comparison comparison, Simulator simulator, RunMeter meter) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        out.print(
                nodeTypes != null
                        ? ComparisonTable.format(comparison, "cost = every node at its type's price per hour")
                        : ComparisonTable.format(comparison, pricePerNodeHour));
        if (meter != null) {
            writeTiming(out, meter, simulator);
        }
        if (json != null) {
            JsonReport.write(json, comparison, pricePerNodeHour);
            out.println("wrote " + json);
        }
        if (report != null) {
            Files.writeString(report, HtmlReport.render(comparison, pricePerNodeHour), StandardCharsets.UTF_8);
            out.println("wrote " + report);
        }
        out.flush();
    }

    /** {@code --policies}, trimmed, in lower case, each once, in the order given. */
    private List<String> chosenPolicies() {
        List<String> chosen = new ArrayList<>();
        for (String p : policies) {
            String name = p.trim().toLowerCase(Locale.ROOT);
            if (!Simulator.POLICIES.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown policy \"" + p + "\" (use " + String.join(",", Simulator.POLICIES) + ")");
            }
            if (!chosen.contains(name)) {
                chosen.add(name);
            }
        }
        return chosen;
    }

    private void checkThreads() {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, not " + threads);
        }
    }

    /** stderr on a terminal or with --progress, else none. */
    private PrintStream progressStream() {
        return progress || System.console() != null ? System.err : null;
    }

    /** {@code --timing}'s lines, one group or several alike; closes the meter. */
    private static void writeTiming(PrintWriter out, RunMeter meter, RunTimings run) {
        out.println(perPolicyTiming("wall", run.wallSeconds()));
        out.println(perPolicyTiming("CPU", run.cpuSecondsByPolicy()));
        Map<String, RunTimings.LoopCounts> loops = run.loopCounts();
        if (!loops.isEmpty()) {
            out.println(loopScans(loops));
        }
        Map<String, Long> writes = new LinkedHashMap<>();
        loops.forEach((name, counts) -> {
            if (counts.laneEndWrites() > 0) {
                writes.put(name, counts.laneEndWrites());
            }
        });
        if (!writes.isEmpty()) {
            out.println(laneEndWrites(writes));
        }
        out.print(meter.summary(run.cpuSeconds()));
        meter.close();
    }

    /** The scans of each Joblane policy's real loop: whole, and the wakes that ran lanes alone. */
    private static String loopScans(Map<String, RunTimings.LoopCounts> loops) {
        StringBuilder each = new StringBuilder("timing per policy (the loop's scans, whole + lanes alone):");
        loops.forEach((name, c) ->
                each.append(String.format(Locale.ROOT, " %s %d + %d,", name, c.wholeScans(), c.stepsOnly())));
        return each.substring(0, each.length() - 1);
    }

    /** The lanes step's label writes per Joblane policy: in a cluster, node PATCHes. */
    private static String laneEndWrites(Map<String, Long> writes) {
        StringBuilder each = new StringBuilder("lane-end label writes (node PATCHes in a cluster):");
        writes.forEach((name, n) -> each.append(String.format(Locale.ROOT, " %s %d,", name, n)));
        return each.substring(0, each.length() - 1);
    }

    private static String perPolicyTiming(String what, Map<String, Double> seconds) {
        StringBuilder each = new StringBuilder("timing per policy (" + what + "):");
        seconds.forEach((name, s) -> each.append(String.format(Locale.ROOT, " %s %.1f s,", name, s)));
        return each.substring(0, each.length() - 1);
    }

    /** The scheduler seeds of {@code --seeds A-B}, or {@code --seed} alone. */
    List<Long> seeds() {
        if (seedRange == null) {
            return List.of(seed);
        }
        String[] ab = seedRange.trim().split("-", -1);
        try {
            long a = Long.parseLong(ab[0].trim());
            long b = ab.length == 2 ? Long.parseLong(ab[1].trim()) : a;
            if (ab.length > 2 || b < a || b - a >= 1000) {
                throw new NumberFormatException();
            }
            List<Long> out = new ArrayList<>();
            for (long s = a; s <= b; s++) {
                out.add(s);
            }
            return out;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seeds " + seedRange + ": give A-B with A <= B, at most 1000 seeds");
        }
    }

    /** Applies {@code --config}: every setting the group file has and the command line did not give. */
    private void applyConfig() {
        if (config == null && nodeGroups == null) {
            return;
        }
        JoblaneConfig cfg = loadConfig();
        String nodeGroup = nodeGroups == null ? null : nodeGroups.get(0);
        NodeGroup g = nodeGroup == null
                ? cfg.scaledGroups().stream()
                        .filter(NodeGroup::isDefault)
                        .findFirst()
                        .orElse(
                                cfg.scaledGroups().isEmpty()
                                        ? null
                                        : cfg.scaledGroups().get(0))
                : cfg.group(nodeGroup)
                        .orElseThrow(() ->
                                new IllegalArgumentException("--node-group " + nodeGroup + " is not in " + config));
        if (g == null || g.scaling() == null) {
            throw new IllegalArgumentException("--config " + config + ": the group to simulate has no scaling section");
        }
        Scaling s = g.scaling();
        Map<String, String> node = s.node();
        setUnlessGiven("--node-cpu", node.get(WellKnown.RESOURCE_CPU), v -> nodeCpu = v);
        setUnlessGiven("--node-memory", node.get(WellKnown.RESOURCE_MEMORY), v -> nodeMemory = v);
        setUnlessGiven(
                "--node-pods", node.get(WellKnown.RESOURCE_PODS), v -> nodePods = (int) (Quantity.toMillis(v) / 1000));
        setUnlessGiven(
                "--node-gpu",
                node.get(WellKnown.RESOURCE_NVIDIA_GPU),
                v -> nodeGpu = (int) (Quantity.toMillis(v) / 1000));
        setUnlessGiven(
                "--max-nodes",
                s.maxNodes() == null ? null : s.maxNodes().toString(),
                v -> maxNodes = Integer.parseInt(v));
        setUnlessGiven("--scale-down-delay", s.scaleDownDelay(), v -> scaleDownDelay = GoDuration.parse(v));
        setUnlessGiven("--max-draining", s.maxDraining().toString(), v -> maxDraining = Integer.parseInt(v));
        setUnlessGiven("--boot-delay", s.bootDelay(), v -> bootDelay = GoDuration.parse(v));
        setUnlessGiven("--scan-interval", cfg.scaler().scanInterval(), v -> scanInterval = GoDuration.parse(v));
        template = g;
        templateScaler = cfg.scaler();
    }

    private void setUnlessGiven(String option, String value, Consumer<String> setter) {
        if (value != null && !spec.commandLine().getParseResult().hasMatchedOption(option)) {
            setter.accept(value);
        }
    }

    Simulation.Settings settings() {
        applyConfig();
        if (nodeGpu < 0 || nodePods < 1 || daemonSetPods < 0 || maxNodes < 1 || maxDraining < 0) {
            throw new IllegalArgumentException(
                    "--node-gpu, --daemonset-pods, --max-draining must be >= 0; --node-pods, --max-nodes >= 1");
        }
        if (pricePerNodeHour < 0) {
            throw new IllegalArgumentException("--price-per-node-hour must not be negative");
        }
        NodeShape shape = new NodeShape(
                Quantity.toMillis(nodeCpu),
                Quantity.toMillis(nodeMemory),
                nodeGpu,
                nodePods,
                Quantity.toMillis(daemonSetCpu),
                Quantity.toMillis(daemonSetMemory),
                daemonSetPods);
        long scan = scanInterval.toMillis();
        if (scan < 1000) {
            throw new IllegalArgumentException("--scan-interval must be at least 1s");
        }
        if (scaleInTiming != null
                && !List.of(Scaling.TIMING_FIXED, Scaling.TIMING_COST).contains(scaleInTiming)) {
            throw new IllegalArgumentException(
                    "--scale-in-timing must be fixed or cost, not \"" + scaleInTiming + "\"");
        }
        SpotMarket spot = new SpotMarket(spotInterruptionRate, spotShare, spotPriceRatio);
        preferOnDemandAbove();
        if (nodeTypes != null) {
            NodeTypes types = NodeTypesOption.parse(
                    nodeTypes,
                    launchRule,
                    new NodeTypesOption.Defaults(
                            Quantity.toMillis(daemonSetCpu),
                            Quantity.toMillis(daemonSetMemory),
                            daemonSetPods,
                            nodePods,
                            pricePerNodeHour));
            return new Simulation.Settings(
                    types, bootDelay.toMillis(), scan, maxNodes, seed, pricePerNodeHour, 60_000L, spot);
        }
        return new Simulation.Settings(
                shape, bootDelay.toMillis(), scan, maxNodes, seed, pricePerNodeHour, 60_000L, spot);
    }

    /** {@code --prefer-on-demand-above}, else the {@code --config} group's, else null (never). */
    private Duration preferOnDemandAbove() {
        if (preferOnDemandAbove != null) {
            try {
                Duration d = GoDuration.parse(preferOnDemandAbove);
                if (d.isZero() || d.isNegative()) {
                    throw new IllegalArgumentException("more than 0s");
                }
                return d;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--prefer-on-demand-above " + preferOnDemandAbove
                        + ": a Go duration of more than 0s, such as 2h (" + e.getMessage() + ")");
            }
        }
        return template == null ? null : template.spot().preferOnDemandAboveDuration();
    }

    private TraceSource source(NodeShape shape) throws IOException {
        return ZonalJobs.of(unpinnedSource(shape), zonalJobs, SimCluster.ZONES, seed);
    }

    private TraceSource unpinnedSource(NodeShape shape) throws IOException {
        if ((trace == null) == (synthetic == null)) {
            throw new IllegalArgumentException("give exactly one of --trace FILE or --synthetic JOBS");
        }
        if (synthetic != null) {
            return new SyntheticTrace(synthetic, syntheticDays, seed);
        }
        if (!Files.isReadable(trace)) {
            throw new IllegalArgumentException("--trace " + trace + ": no such readable file");
        }
        TraceFormat f = format == null ? TraceFormat.detect(trace) : TraceFormat.parse(format);
        if (group != null && f != TraceFormat.CSV) {
            throw new IllegalArgumentException("--group applies to CSV traces only");
        }
        int maxPodCores = (int) (shape.usableCpu() / 1000);
        // Read as text once, then from a binary copy: every policy reads the whole trace.
        return new SpooledTraceSource(TraceSource.file(
                trace, f, skipBadLines, group, Math.max(1, maxPodCores), Quantity.toMillis(swfMemoryPerCore)));
    }

    /** The real loop logs every action at info; over a trace that is millions of lines, so only warnings show. */
    private static void quietLoopLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            for (String name :
                    new String[] {"io.joblane.scaler.loop", "io.joblane.scaler.plan", "io.joblane.scaler.cloud"}) {
                ch.qos.logback.classic.Logger logger = context.getLogger(name);
                if (logger.getEffectiveLevel().toInt() < Level.WARN.toInt()) {
                    logger.setLevel(Level.WARN);
                }
            }
        }
    }
}
