package io.joblane.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.joblane.model.GoDuration;
import io.joblane.model.Quantity;
import java.time.Duration;
import java.util.LinkedHashMap;
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
        @JsonProperty("suspendAZRebalance") Boolean suspendAZRebalance) {

    public static final String PROVIDER_AWS = "aws";
    public static final String PROVIDER_MEMORY = "memory";

    public Scaling {
        provider = provider == null ? PROVIDER_AWS : provider;
        minNodes = minNodes == null ? 0 : minNodes;
        node = node == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(node));
        scaleDownDelay = scaleDownDelay == null ? "10m" : scaleDownDelay;
        maxDraining = maxDraining == null ? 1 : maxDraining;
        bootDelay = bootDelay == null ? "90s" : bootDelay;
        registrationTimeout = registrationTimeout == null ? "15m" : registrationTimeout;
        suspendAZRebalance = suspendAZRebalance != null && suspendAZRebalance;
    }

    public Duration scaleDownDelayDuration() {
        return GoDuration.parse(scaleDownDelay);
    }

    /** How long the in-memory provider takes to turn a requested instance into a node. */
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
