package io.joblane.simulator;

import io.joblane.model.Quantity;
import io.joblane.model.WellKnown;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.NodeGroup;
import io.joblane.model.config.Scaling;
import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.policy.JoblanePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The groups of a node-group file as the settings of a multi-group simulation: each group's node shape
 * ({@code scaling.node}), {@code maxNodes}, {@code bootDelay}, {@code scaleDownDelay}, {@code maxDraining}, labels and
 * taints, the same way {@code --config} reads one group. Pure; called by {@link SimulateCommand}.
 */
final class GroupSettings {
    /** {@code --node-group all}: every group with a {@code scaling} section. */
    static final String ALL = "all";

    private static final long SERIES_WIDTH_MILLIS = 60_000L;

    /**
     * What the command line gives every group: the shape for what a group's {@code scaling.node} leaves out, the
     * size limit when it sets no {@code maxNodes}, the DaemonSets, the scan interval, the seed and the price.
     */
    record Defaults(
            String nodeCpu,
            String nodeMemory,
            int nodePods,
            int maxNodes,
            long daemonSetCpuMillis,
            long daemonSetMemoryMillis,
            int daemonSetPods,
            long scanIntervalMillis,
            long seed,
            double pricePerNodeHour) {}

    private GroupSettings() {}

    static List<SimGroup> of(
            JoblaneConfig cfg,
            List<String> names,
            Function<JoblaneConfig, Defaults> defaults,
            Map<String, Double> prices) {
        Defaults d = defaults.apply(cfg);
        List<NodeGroup> chosen = chosen(cfg, names);
        List<String> chosenNames = chosen.stream().map(NodeGroup::name).toList();
        prices.forEach((name, price) -> {
            if (!chosenNames.contains(name) || price < 0) {
                throw new IllegalArgumentException("--group-price " + name + "=" + price + ": give a price not below 0 "
                        + "for one of the groups simulated (" + String.join(", ", chosenNames) + ")");
            }
        });
        List<SimGroup> out = new ArrayList<>();
        for (NodeGroup g : chosen) {
            out.add(group(cfg, g, d, prices.getOrDefault(g.name(), d.pricePerNodeHour())));
        }
        return out;
    }

    private static List<NodeGroup> chosen(JoblaneConfig cfg, List<String> names) {
        if (names.equals(List.of(ALL))) {
            if (cfg.scaledGroups().isEmpty()) {
                throw new IllegalArgumentException("--node-group all: no group of the file has a scaling section");
            }
            return cfg.scaledGroups();
        }
        List<NodeGroup> out = new ArrayList<>();
        for (String name : names) {
            NodeGroup g = cfg.group(name.trim())
                    .orElseThrow(() ->
                            new IllegalArgumentException("--node-group " + name + " is not in the node-group file"));
            if (g.scaling() == null) {
                throw new IllegalArgumentException("--node-group " + name + " has no scaling section to simulate");
            }
            if (!out.contains(g)) {
                out.add(g);
            }
        }
        return out;
    }

    private static SimGroup group(JoblaneConfig cfg, NodeGroup g, Defaults d, double price) {
        Scaling s = g.scaling();
        Map<String, String> node = s.node();
        NodeShape shape;
        try {
            shape = new NodeShape(
                    Quantity.toMillis(node.getOrDefault(WellKnown.RESOURCE_CPU, d.nodeCpu())),
                    Quantity.toMillis(node.getOrDefault(WellKnown.RESOURCE_MEMORY, d.nodeMemory())),
                    count(node.get(WellKnown.RESOURCE_NVIDIA_GPU), 0),
                    (int) count(node.get(WellKnown.RESOURCE_PODS), d.nodePods()),
                    d.daemonSetCpuMillis(),
                    d.daemonSetMemoryMillis(),
                    d.daemonSetPods());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("node group " + g.name() + ": " + e.getMessage());
        }
        Simulation.Settings settings = new Simulation.Settings(
                shape,
                s.bootDelayDuration().toMillis(),
                d.scanIntervalMillis(),
                s.maxNodes() == null ? d.maxNodes() : s.maxNodes(),
                d.seed(),
                price,
                SERIES_WIDTH_MILLIS);
        return new SimGroup(
                g.name(),
                settings,
                JoblanePolicy.factory(
                        s.scaleDownDelayDuration(),
                        s.maxDraining(),
                        g,
                        cfg.scaler(),
                        null,
                        g.spot().preferOnDemandAboveDuration()));
    }

    private static long count(String quantity, long absent) {
        return quantity == null ? absent : Quantity.toMillis(quantity) / 1000;
    }
}
