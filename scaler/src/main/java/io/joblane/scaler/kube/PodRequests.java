package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.joblane.model.PodRequestRule;
import io.joblane.model.WellKnown;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a pod asks of a node, in milli-units per resource: the fabric8 pod's quantities combined by the scheduler's
 * rule in {@link PodRequestRule}, plus one slot of {@code pods}. Pure; called for every pod the informers see.
 *
 * @see <a href="https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#resource-sharing-within-containers">init containers</a>
 * @see <a href="https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#resource-sharing-within-containers">sidecars</a>
 */
public final class PodRequests {
    /** One pod is one of the node's {@code pods} allocatable, in milli-units. */
    public static final long ONE_POD = 1000;

    private static final String RESTART_ALWAYS = "Always";
    /**
     * The largest amount any one quantity or pod total stands for: valid but absurd requests ({@code cpu: 10P},
     * {@code memory: 100E}) exceed a long in milli-units. Saturating, instead of throwing, keeps one such pod from
     * failing every snapshot; it simply fits no node. Low enough that sums of a thousand of them cannot overflow.
     */
    public static final long SATURATED = Long.MAX_VALUE >> 10;

    private PodRequests() {}

    public static Map<String, Long> of(PodSpec spec) {
        PodRequestRule rule = new PodRequestRule();
        for (Container c : nullSafe(spec.getContainers())) {
            rule.container(containerRequests(c.getResources()));
        }
        for (Container c : nullSafe(spec.getInitContainers())) {
            rule.initContainer(containerRequests(c.getResources()), RESTART_ALWAYS.equals(c.getRestartPolicy()));
        }
        ResourceRequirements podLevel = spec.getResources();
        Map<String, Long> total = rule.total(
                podLevel == null ? Map.of() : toMillis(podLevel.getRequests()), toMillis(spec.getOverhead()));
        total.replaceAll((name, amount) -> Math.min(amount, SATURATED));
        total.merge(WellKnown.RESOURCE_PODS, ONE_POD, Long::sum);
        return total;
    }

    /** Requests, each missing one defaulting to its limit, as the API server's defaulting does. */
    static Map<String, Long> containerRequests(ResourceRequirements resources) {
        if (resources == null) {
            return new HashMap<>();
        }
        return PodRequestRule.requestsOrLimits(toMillis(resources.getRequests()), toMillis(resources.getLimits()));
    }

    static Map<String, Long> toMillis(Map<String, Quantity> quantities) {
        Map<String, Long> millis = new HashMap<>();
        if (quantities != null) {
            quantities.forEach((name, q) -> {
                if (q != null && q.getAmount() != null) {
                    String format = q.getFormat() == null ? "" : q.getFormat();
                    millis.put(name, saturatedMillis(q.getAmount() + format));
                }
            });
        }
        return millis;
    }

    /** Milli-units of one quantity, at most {@link #SATURATED}; the API server has already validated its syntax. */
    static long saturatedMillis(String quantity) {
        try {
            return Math.min(io.joblane.model.Quantity.toMillis(quantity), SATURATED);
        } catch (IllegalArgumentException e) {
            return SATURATED; // too large for a long, or a form this parser does not know: treat as huge
        }
    }

    private static <T> List<T> nullSafe(List<T> list) {
        return list == null ? List.of() : list;
    }
}
