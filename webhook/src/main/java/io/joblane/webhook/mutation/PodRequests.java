package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import io.joblane.model.Quantity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's effective resource requests in milli-units, computed the way the scheduler does
 * (k8s.io/component-helpers resource.PodRequests): the sum of the app containers plus restartable (sidecar)
 * init containers, at least the largest classic init container (which runs beside the sidecars started
 * before it), plus the pod overhead. A container's request defaults to its limit. Pure.
 */
public final class PodRequests {
    private PodRequests() {
    }

    public static Map<String, Long> effective(JsonNode spec) {
        Map<String, Long> total = new HashMap<>();
        List<JsonNode> containers = PodJson.array(spec, "containers", "spec.containers");
        for (int i = 0; i < containers.size(); i++) {
            addAll(total, containerRequests(containers.get(i), "spec.containers[" + i + "]"));
        }
        Map<String, Long> sidecars = new HashMap<>();
        Map<String, Long> initPeak = new HashMap<>();
        List<JsonNode> inits = PodJson.array(spec, "initContainers", "spec.initContainers");
        for (int i = 0; i < inits.size(); i++) {
            String at = "spec.initContainers[" + i + "]";
            Map<String, Long> requests = containerRequests(inits.get(i), at);
            Map<String, Long> running;
            if ("Always".equals(PodJson.text(inits.get(i), "restartPolicy", at + ".restartPolicy"))) {
                addAll(total, requests);
                addAll(sidecars, requests);
                running = sidecars;
            } else {
                running = new HashMap<>(sidecars);
                addAll(running, requests);
            }
            running.forEach((name, amount) -> initPeak.merge(name, amount, Math::max));
        }
        initPeak.forEach((name, amount) -> total.merge(name, amount, Math::max));
        // Pod-level resources (KEP-2837), when set, replace the container sum for the resources they name.
        JsonNode podResources = PodJson.object(spec, "resources", "spec.resources");
        total.putAll(quantities(PodJson.object(podResources, "requests", "spec.resources.requests"),
                "spec.resources.requests"));
        addAll(total, quantities(PodJson.object(spec, "overhead", "spec.overhead"), "spec.overhead"));
        return total;
    }

    private static Map<String, Long> containerRequests(JsonNode container, String at) {
        if (!container.isObject()) {
            throw new InvalidPodException(at, "an object");
        }
        JsonNode resources = PodJson.object(container, "resources", at + ".resources");
        Map<String, Long> requests = new HashMap<>(
                quantities(PodJson.object(resources, "limits", at + ".resources.limits"), at + ".resources.limits"));
        requests.putAll(quantities(PodJson.object(resources, "requests", at + ".resources.requests"),
                at + ".resources.requests"));
        return requests;
    }

    /** Parses a resource list; a quantity that does not parse counts as absent (the API server rejects it later). */
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
                out.put(e.getKey(), Quantity.toMillis(text));
            } catch (IllegalArgumentException ignored) {
                // Left out on purpose: routing must not fail on a value validation will refuse anyway.
            }
        }
        return out;
    }

    private static void addAll(Map<String, Long> into, Map<String, Long> amounts) {
        amounts.forEach((name, amount) -> into.merge(name, amount, PodRequests::saturatedAdd));
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
