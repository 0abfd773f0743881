package io.joblane.simulator.cluster;

import io.joblane.scaler.cloud.fake.FakeInstanceType;
import io.joblane.scaler.cloud.fake.LaunchRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instance types of the simulated group, in the group's order, and the rule by which its Auto Scaling group
 * picks the type of each new instance ({@link LaunchRule}, the in-memory cloud's own, shared with the Joblane run).
 * One type is the classic one-shape group. Immutable.
 */
public final class NodeTypes {
    private final List<NodeType> types;
    private final LaunchRule rule;
    private final Map<String, NodeType> byName = new LinkedHashMap<>();
    private final List<FakeInstanceType> asCloudTypes = new ArrayList<>();

    public NodeTypes(List<NodeType> types, LaunchRule rule) {
        if (types.isEmpty()) {
            throw new IllegalArgumentException("at least one node type");
        }
        this.types = List.copyOf(types);
        this.rule = rule;
        for (NodeType t : types) {
            if (byName.put(t.name(), t) != null) {
                throw new IllegalArgumentException("node type " + t.name() + " given twice");
            }
            Map<String, Long> allocatable = new HashMap<>();
            allocatable.put("cpu", t.shape().cpuMillis());
            allocatable.put("memory", t.shape().memoryMillis());
            allocatable.put("pods", t.shape().pods() * 1000L);
            if (t.shape().gpus() > 0) {
                allocatable.put("nvidia.com/gpu", t.shape().gpus() * 1000);
            }
            asCloudTypes.add(new FakeInstanceType(t.name(), allocatable, t.pricePerHour(), t.capacity()));
        }
    }

    /** The one-shape group of old: one type named after nothing in particular, never short of capacity. */
    public static NodeTypes single(NodeShape shape, double pricePerHour) {
        return new NodeTypes(
                List.of(new NodeType("node", shape, pricePerHour, Integer.MAX_VALUE)), LaunchRule.PRIORITIZED);
    }

    public List<NodeType> types() {
        return types;
    }

    public LaunchRule rule() {
        return rule;
    }

    public boolean mixed() {
        return types.size() > 1;
    }

    public NodeType first() {
        return types.get(0);
    }

    public NodeType byName(String name) {
        NodeType t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no node type " + name);
        }
        return t;
    }

    /** The types as the in-memory cloud takes them (allocatable in milli-units), in order. */
    public List<FakeInstanceType> cloudTypes() {
        return asCloudTypes;
    }

    /** The type the group's Auto Scaling group launches next, given the nodes it runs; null when all are short. */
    public NodeType next(SimCluster cluster) {
        FakeInstanceType t = rule.next(asCloudTypes, cluster::nodesOfType);
        return t == null ? null : byName.get(t.name());
    }

    /** Whether a pod of these requests fits an empty node of at least one type. */
    public boolean fitsSome(long cpu, long memory, long gpu) {
        for (NodeType t : types) {
            if (t.fitsEmpty(cpu, memory, gpu)) {
                return true;
            }
        }
        return false;
    }

    /** The largest type by cpu, then memory (the static group's, sized by hand to fit every Job). */
    public NodeType largest() {
        NodeType best = types.get(0);
        for (NodeType t : types) {
            if (t.shape().cpuMillis() > best.shape().cpuMillis()
                    || t.shape().cpuMillis() == best.shape().cpuMillis()
                            && t.shape().memoryMillis() > best.shape().memoryMillis()) {
                best = t;
            }
        }
        return best;
    }
}
