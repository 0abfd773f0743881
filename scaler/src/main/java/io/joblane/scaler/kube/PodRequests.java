package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.joblane.model.WellKnown;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a pod asks of a node, by the scheduler's rules, in milli-units per resource: the larger of the app
 * containers' sum (plus sidecars) and the largest init container (plus the sidecars started before it), plus the
 * pod overhead; a request missing where a limit is set defaults to the limit; pod-level resources win for cpu and
 * memory. Every pod also takes one slot of {@code pods}. Pure; called for every pod the informers see.
 *
 * @see <a href="https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#resource-sharing-within-containers">init containers</a>
 * @see <a href="https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#resource-sharing-within-containers">sidecars</a>
 */
public final class PodRequests {
    /** One pod is one of the node's {@code pods} allocatable, in milli-units. */
    public static final long ONE_POD = 1000;
    private static final Set<String> POD_LEVEL_RESOURCES = Set.of(WellKnown.RESOURCE_CPU, WellKnown.RESOURCE_MEMORY);
    private static final String RESTART_ALWAYS = "Always";

    private PodRequests() {
    }

    public static Map<String, Long> of(PodSpec spec) {
        Map<String, Long> apps = new HashMap<>();
        for (Container c : nullSafe(spec.getContainers())) {
            addAll(apps, containerRequests(c.getResources()));
        }
        Map<String, Long> sidecarsSoFar = new HashMap<>();
        Map<String, Long> initPeak = new HashMap<>();
        for (Container c : nullSafe(spec.getInitContainers())) {
            Map<String, Long> own = containerRequests(c.getResources());
            if (RESTART_ALWAYS.equals(c.getRestartPolicy())) {
                // A sidecar keeps running: it adds to everything started after it, and to the app containers.
                addAll(sidecarsSoFar, own);
                maxAll(initPeak, sidecarsSoFar);
            } else {
                Map<String, Long> running = new HashMap<>(sidecarsSoFar);
                addAll(running, own);
                maxAll(initPeak, running);
            }
        }
        Map<String, Long> total = new HashMap<>(apps);
        addAll(total, sidecarsSoFar);
        maxAll(total, initPeak);
        Map<String, Long> podLevel = containerRequests(spec.getResources());
        podLevel.forEach((name, millis) -> {
            if (POD_LEVEL_RESOURCES.contains(name)) {
                total.put(name, millis);
            }
        });
        addAll(total, toMillis(spec.getOverhead()));
        total.merge(WellKnown.RESOURCE_PODS, ONE_POD, Long::sum);
        total.values().removeIf(v -> v == 0);
        return total;
    }

    /** Requests, each missing one defaulting to its limit, as the API server's defaulting does. */
    static Map<String, Long> containerRequests(ResourceRequirements resources) {
        if (resources == null) {
            return new HashMap<>();
        }
        Map<String, Long> requests = toMillis(resources.getLimits());
        requests.putAll(toMillis(resources.getRequests()));
        return requests;
    }

    static Map<String, Long> toMillis(Map<String, Quantity> quantities) {
        Map<String, Long> millis = new HashMap<>();
        if (quantities != null) {
            quantities.forEach((name, q) -> {
                if (q != null && q.getAmount() != null) {
                    String format = q.getFormat() == null ? "" : q.getFormat();
                    millis.put(name, io.joblane.model.Quantity.toMillis(q.getAmount() + format));
                }
            });
        }
        return millis;
    }

    private static void addAll(Map<String, Long> into, Map<String, Long> add) {
        add.forEach((k, v) -> into.merge(k, v, Long::sum));
    }

    private static void maxAll(Map<String, Long> into, Map<String, Long> other) {
        other.forEach((k, v) -> into.merge(k, v, Math::max));
    }

    private static <T> List<T> nullSafe(List<T> list) {
        return list == null ? List.of() : list;
    }
}
