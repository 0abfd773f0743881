package io.joblane.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.joblane.model.GoDuration;
import io.joblane.model.Quantity;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the scaler sizes one node group. Quantities and durations stay as written in the file (so the
 * file round-trips) and are parsed by the accessors; {@link ConfigLoader} has already proved they parse.
 */
public record Scaling(
        String provider,
        String autoScalingGroup,
        Integer minNodes,
        Integer maxNodes,
        @JsonDeserialize(contentUsing = QuantityText.class) Map<String, String> node,
        String scaleDownDelay,
        Integer maxDraining,
        String bootDelay,
        String registrationTimeout,
        @JsonProperty("suspendAZRebalance") Boolean suspendAZRebalance,
        String scaleInTiming,
        List<String> autoScalingGroups,
        MemoryCloud memory) {

    public static final String PROVIDER_AWS = "aws";
    public static final String PROVIDER_MEMORY = "memory";
    /** {@code scaleInTiming}: every empty node waits {@code scaleDownDelay}. */
    public static final String TIMING_FIXED = "fixed";
    /** {@code scaleInTiming}: the cost rule decides, {@code scaleDownDelay} at most (scaler/DESIGN.md, scale in). */
    public static final String TIMING_COST = "cost";

    public static final String DEFAULT_SCALE_IN_TIMING = TIMING_COST;

    public Scaling {
        provider = provider == null ? PROVIDER_AWS : provider;
        minNodes = minNodes == null ? 0 : minNodes;
        node = node == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(node));
        scaleDownDelay = scaleDownDelay == null ? "10m" : scaleDownDelay;
        maxDraining = maxDraining == null ? 1 : maxDraining;
        bootDelay = bootDelay == null ? "90s" : bootDelay;
        registrationTimeout = registrationTimeout == null ? "15m" : registrationTimeout;
        suspendAZRebalance = suspendAZRebalance != null && suspendAZRebalance;
        scaleInTiming = scaleInTiming == null ? DEFAULT_SCALE_IN_TIMING : scaleInTiming;
        autoScalingGroups = autoScalingGroups == null ? List.of() : List.copyOf(autoScalingGroups);
    }

    /**
     * Whether the in-memory provider's section gives the group's instance types (then they are the shapes of new
     * nodes, members may list their own, and {@code node} need not give cpu and memory).
     */
    public boolean memoryGivesTypes() {
        return memory != null && !memory.instanceTypes().isEmpty();
    }

    /**
     * The Auto Scaling groups behind the node group, in the file's order: {@code autoScalingGroups}, else the one
     * {@code autoScalingGroup}, else none.
     */
    public List<String> asgNames() {
        if (!autoScalingGroups.isEmpty()) {
            return autoScalingGroups;
        }
        return autoScalingGroup == null || autoScalingGroup.isBlank() ? List.of() : List.of(autoScalingGroup);
    }

    /** More than one Auto Scaling group: the scaler treats them as one node group (scaler/AWS.md, several ASGs). */
    public boolean severalAsgs() {
        return asgNames().size() > 1;
    }

    /** Whether the cost rule times scale-in ({@code scaleInTiming: cost}). */
    public boolean scaleInByCost() {
        return TIMING_COST.equals(scaleInTiming);
    }

    public Duration scaleDownDelayDuration() {
        return GoDuration.parse(scaleDownDelay);
    }

    /**
     * Launch to Ready of a new node: how long the in-memory provider takes, and for every group what the scale-in
     * cost rule assumes a removed node costs to get back.
     */
    public Duration bootDelayDuration() {
        return GoDuration.parse(bootDelay);
    }

    /** How long an instance may exist without becoming a node before it is reported. */
    public Duration registrationTimeoutDuration() {
        return GoDuration.parse(registrationTimeout);
    }

    /** The planning shape of a new node in milli-units per resource; zero amounts are left out. */
    public Map<String, Long> nodeShapeMillis() {
        Map<String, Long> shape = new LinkedHashMap<>();
        node.forEach((name, quantity) -> {
            long millis = Quantity.toMillis(quantity);
            if (millis > 0) {
                shape.put(name, millis);
            }
        });
        return shape;
    }
}
