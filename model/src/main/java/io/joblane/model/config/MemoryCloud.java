package io.joblane.model.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the in-memory provider ({@code scaling.provider: memory}, a fake cloud for demos and tests) launches for one
 * node group: the instance types of its group (or of each of its {@code autoScalingGroups}), which it picks by
 * {@code launchRule}, and the labels and taints of their node templates, so mixed instance types, Spot and on-demand groups can
 * be tried without AWS. Validated by {@link ConfigLoader}; immutable.
 *
 * @param instanceTypes      the types of the group, or of every member not listed in {@code autoScalingGroups}
 * @param labels             node-template labels of every member (cluster-autoscaler's node-template label tags)
 * @param taints             node-template taints of every member (cluster-autoscaler's node-template taint tags):
 *                           its nodes register with them
 * @param launchRule         {@code prioritized} (the default: first type with capacity) or {@code lowest-price}
 * @param autoScalingGroups  per member of {@code scaling.autoScalingGroups}, its own types, labels, taints and zone
 */
public record MemoryCloud(
        List<InstanceType> instanceTypes,
        Map<String, String> labels,
        String launchRule,
        Map<String, Asg> autoScalingGroups,
        List<Taint> taints) {

    public static final String RULE_PRIORITIZED = "prioritized";
    public static final String RULE_LOWEST_PRICE = "lowest-price";

    public MemoryCloud {
        instanceTypes = instanceTypes == null ? List.of() : List.copyOf(instanceTypes);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        taints = taints == null ? List.of() : List.copyOf(taints);
        launchRule = launchRule == null ? RULE_PRIORITIZED : launchRule;
        autoScalingGroups = autoScalingGroups == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(autoScalingGroups));
    }

    /**
     * One member Auto Scaling group's own template; {@code zone} empty: the provider's rotation (zone-a, -b, -c);
     * {@code taints}, when given, instead of the group's.
     */
    public record Asg(List<InstanceType> instanceTypes, Map<String, String> labels, String zone, List<Taint> taints) {
        public Asg {
            instanceTypes = instanceTypes == null ? List.of() : List.copyOf(instanceTypes);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        /** Without taints of its own. */
        public Asg(List<InstanceType> instanceTypes, Map<String, String> labels, String zone) {
            this(instanceTypes, labels, zone, null);
        }
    }

    /** Without node-template taints. */
    public MemoryCloud(
            List<InstanceType> instanceTypes,
            Map<String, String> labels,
            String launchRule,
            Map<String, Asg> autoScalingGroups) {
        this(instanceTypes, labels, launchRule, autoScalingGroups, null);
    }

    /**
     * One instance type: its name (the {@code node.kubernetes.io/instance-type} label), its node's allocatable as
     * Kubernetes quantities ({@code cpu} and {@code memory} required, {@code pods}, extended resources) and its
     * price per hour (what {@code lowest-price} compares; default 0).
     */
    public record InstanceType(
            String name,

            @JsonDeserialize(contentUsing = QuantityText.class)
            Map<String, String> allocatable,

            Double pricePerHour) {
        public InstanceType {
            allocatable = allocatable == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(allocatable));
            pricePerHour = pricePerHour == null ? 0.0 : pricePerHour;
        }
    }

    /** The instance types member {@code asg} launches: its own, else the group's. */
    public List<InstanceType> typesOf(String asg) {
        Asg own = autoScalingGroups.get(asg);
        return own != null && !own.instanceTypes().isEmpty() ? own.instanceTypes() : instanceTypes;
    }

    /** The node-template taints of member {@code asg}: its own when it lists them, else the group's. */
    public List<Taint> taintsOf(String asg) {
        Asg own = autoScalingGroups.get(asg);
        return own != null && own.taints() != null ? List.copyOf(own.taints()) : taints;
    }

    /** The node-template labels of member {@code asg}: the group's, its own over them. */
    public Map<String, String> labelsOf(String asg) {
        Map<String, String> out = new LinkedHashMap<>(labels);
        Asg own = autoScalingGroups.get(asg);
        if (own != null) {
            out.putAll(own.labels());
        }
        return out;
    }
}
