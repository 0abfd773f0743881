package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import io.joblane.model.PodRequestRule;
import io.joblane.model.Quantity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's effective resource requests in milli-units, read from the raw pod JSON and combined by the
 * scheduler's rule in {@link PodRequestRule}. Pure.
 */
public final class PodRequests {
    private PodRequests() {}

    public static Map<String, Long> effective(JsonNode spec) {
        PodRequestRule rule = new PodRequestRule();
        List<JsonNode> containers = PodJson.array(spec, "containers", "spec.containers");
        for (int i = 0; i < containers.size(); i++) {
            rule.container(containerRequests(containers.get(i), "spec.containers[" + i + "]"));
        }
        List<JsonNode> inits = PodJson.array(spec, "initContainers", "spec.initContainers");
        for (int i = 0; i < inits.size(); i++) {
            String at = "spec.initContainers[" + i + "]";
            boolean sidecar = "Always".equals(PodJson.text(inits.get(i), "restartPolicy", at + ".restartPolicy"));
            rule.initContainer(containerRequests(inits.get(i), at), sidecar);
        }
        JsonNode podResources = PodJson.object(spec, "resources", "spec.resources");
        return rule.total(
                quantities(
                        PodJson.object(podResources, "requests", "spec.resources.requests"), "spec.resources.requests"),
                quantities(PodJson.object(spec, "overhead", "spec.overhead"), "spec.overhead"));
    }

    private static Map<String, Long> containerRequests(JsonNode container, String at) {
        if (!container.isObject()) {
            throw new InvalidPodException(at, "an object");
        }
        JsonNode resources = PodJson.object(container, "resources", at + ".resources");
        return PodRequestRule.requestsOrLimits(
                quantities(
                        PodJson.object(resources, "requests", at + ".resources.requests"), at + ".resources.requests"),
                quantities(PodJson.object(resources, "limits", at + ".resources.limits"), at + ".resources.limits"));
    }

    /**
     * Parses a resource list; a quantity that does not parse counts as absent (the API server rejects it later), one
     * too large for a long counts as the largest request.
     */
    private static Map<String, Long> quantities(JsonNode list, String at) {
        if (list == null) {
            return Map.of();
        }
        Map<String, Long> out = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : list.properties()) {
            JsonNode value = e.getValue();
            String text;
            if (value.isTextual()) {
                text = value.textValue();
            } else if (value.isIntegralNumber() || value.isFloatingPointNumber()) {
                text = value.asText();
            } else {
                throw new InvalidPodException(at + "." + e.getKey(), "a quantity");
            }
            try {
                out.put(e.getKey(), Quantity.toMillisSaturating(text));
            } catch (IllegalArgumentException ignored) {
                // Left out on purpose: routing must not fail on a value validation will refuse anyway.
            }
        }
        return out;
    }
}
