package io.joblane.simulator.cluster;

import io.joblane.model.Quantity;
import io.joblane.scaler.cloud.fake.LaunchRule;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code --node-types}: {@code NAME:CPU,MEMORY[,gpu=N][,pods=N][,price=P][,capacity=N]} per type, types
 * separated by {@code ;}, in the group's order (e.g. {@code m5.2xlarge:8,32Gi,price=0.384;m5.4xlarge:16,64Gi,price=0.768}).
 * Every node carries the DaemonSet overhead given. Pure; a bad value is refused naming the flag and the type.
 */
public final class NodeTypesOption {
    private NodeTypesOption() {}

    /** The daemonsets' overhead and the values a type does not set. */
    public record Defaults(long daemonSetCpu, long daemonSetMemory, int daemonSetPods, int pods, double price) {}

    public static NodeTypes parse(String spec, String launchRule, Defaults d) {
        List<NodeType> types = new ArrayList<>();
        for (String entry : spec.split(";")) {
            if (!entry.isBlank()) {
                types.add(type(entry.trim(), d));
            }
        }
        if (types.isEmpty()) {
            throw new IllegalArgumentException("--node-types: no type given");
        }
        LaunchRule rule;
        try {
            rule = LaunchRule.ofAwsName(launchRule);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--launch-rule: " + e.getMessage(), e);
        }
        try {
            return new NodeTypes(types, rule);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--node-types: " + e.getMessage(), e);
        }
    }

    private static NodeType type(String entry, Defaults d) {
        int colon = entry.indexOf(':');
        String name = colon < 0 ? "" : entry.substring(0, colon).trim();
        String[] parts = colon < 0 ? new String[0] : entry.substring(colon + 1).split(",");
        if (name.isEmpty() || parts.length < 2) {
            throw new IllegalArgumentException(
                    "--node-types: \"" + entry + "\" is not NAME:CPU,MEMORY[,gpu=N][,pods=N][,price=P][,capacity=N]");
        }
        try {
            long gpus = 0;
            int pods = d.pods();
            double price = d.price();
            int capacity = Integer.MAX_VALUE;
            for (int i = 2; i < parts.length; i++) {
                String[] kv = parts[i].trim().split("=", 2);
                String value = kv.length == 2 ? kv[1].trim() : "";
                switch (kv[0].trim()) {
                    case "gpu" -> gpus = Long.parseLong(value);
                    case "pods" -> pods = Integer.parseInt(value);
                    case "price" -> price = Double.parseDouble(value);
                    case "capacity" -> capacity = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown setting \"" + parts[i].trim() + "\"");
                }
            }
            if (gpus < 0 || price < 0 || capacity < 0) {
                throw new IllegalArgumentException("gpu, price and capacity must not be negative");
            }
            NodeShape shape = new NodeShape(
                    Quantity.toMillis(parts[0].trim()),
                    Quantity.toMillis(parts[1].trim()),
                    gpus,
                    pods,
                    d.daemonSetCpu(),
                    d.daemonSetMemory(),
                    d.daemonSetPods());
            return new NodeType(name, shape, price, capacity);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--node-types: type " + name + ": " + e.getMessage(), e);
        }
    }

    /** One line for the settings: each type's shape and price, and the launch rule. */
    public static String describe(NodeTypes types) {
        List<String> each = new ArrayList<>();
        for (NodeType t : types.types()) {
            NodeShape s = t.shape();
            each.add(t.name() + " (" + Quantity.format(s.cpuMillis(), "cpu") + " cpu, "
                    + Quantity.format(s.memoryMillis(), "memory") + (s.gpus() > 0 ? ", " + s.gpus() + " gpu" : "")
                    + ", " + t.pricePerHour() + "/h"
                    + (t.capacity() == Integer.MAX_VALUE ? "" : ", capacity " + t.capacity()) + ")");
        }
        return "node types " + String.join(", ", each) + " launched "
                + types.rule().awsName();
    }
}
