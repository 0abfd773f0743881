package io.joblane.model;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The scheduler's rule for what a pod asks of a node (k8s.io/component-helpers resource.PodRequests), in
 * milli-units per resource: the app containers plus restartable (sidecar) init containers, at least the largest
 * classic init container together with the sidecars started before it, pod-level requests winning for the resources
 * they may name, plus the pod overhead. One rule for the webhook (raw JSON) and the scaler (fabric8 model), which
 * each parse their own representation and feed it in container order. Not thread-safe; one instance per pod.
 *
 * @see <a href="https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#resource-sharing-within-containers">resource sharing</a>
 */
public final class PodRequestRule {
    /** Resources a pod-level {@code spec.resources} may set (KEP-2837). */
    private static final Set<String> POD_LEVEL_RESOURCES = Set.of(WellKnown.RESOURCE_CPU, WellKnown.RESOURCE_MEMORY);

    private final Map<String, Long> apps = new HashMap<>();
    private final Map<String, Long> sidecars = new HashMap<>();
    private final Map<String, Long> initPeak = new HashMap<>();

    /** A container's requests, each missing one defaulting to its limit, as API-server defaulting does. */
    public static Map<String, Long> requestsOrLimits(Map<String, Long> requests, Map<String, Long> limits) {
        Map<String, Long> out = new HashMap<>(limits);
        out.putAll(requests);
        return out;
    }

    public PodRequestRule container(Map<String, Long> requests) {
        addAll(apps, requests);
        return this;
    }

    /** Init containers must be fed in spec order: a sidecar adds to everything started after it. */
    public PodRequestRule initContainer(Map<String, Long> requests, boolean restartAlways) {
        if (restartAlways) {
            addAll(sidecars, requests);
            maxAll(initPeak, sidecars);
        } else {
            Map<String, Long> running = new HashMap<>(sidecars);
            addAll(running, requests);
            maxAll(initPeak, running);
        }
        return this;
    }

    /** The pod's effective requests; zero amounts are left out. */
    public Map<String, Long> total(Map<String, Long> podLevelRequests, Map<String, Long> overhead) {
        Map<String, Long> total = new HashMap<>(apps);
        addAll(total, sidecars);
        maxAll(total, initPeak);
        podLevelRequests.forEach((name, amount) -> {
            if (POD_LEVEL_RESOURCES.contains(name)) {
                total.put(name, amount);
            }
        });
        addAll(total, overhead);
        total.values().removeIf(amount -> amount == 0);
        return total;
    }

    private static void addAll(Map<String, Long> into, Map<String, Long> amounts) {
        amounts.forEach((name, amount) -> into.merge(name, amount, PodRequestRule::saturatedAdd));
    }

    private static void maxAll(Map<String, Long> into, Map<String, Long> amounts) {
        amounts.forEach((name, amount) -> into.merge(name, amount, Math::max));
    }

    /** A hostile pod must not overflow into a small request and be routed or packed as tiny. */
    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
