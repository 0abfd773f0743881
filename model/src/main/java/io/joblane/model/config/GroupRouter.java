package io.joblane.model.config;

import io.joblane.model.Quantity;
import io.joblane.model.WellKnown;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node group a Job pod goes to from what it names and what it requests: the group it names (the
 * {@code joblane.io/node-group} annotation or label) when configured, else the first group in file order whose
 * {@code match} rules the requests meet, else the default group. The webhook's group choice takes its resource rules
 * from here (and adds the pod's own nodeSelector and affinity on top); the simulator routes trace rows with it.
 * Immutable and thread-safe; build one per loaded config.
 */
public final class GroupRouter {

    /** One group's {@code match} rules with the quantities parsed once; -1 for a threshold that is not set. */
    public record Rule(NodeGroup group, List<String> resources, long minMemoryMillis, long minCpuMillis) {

        public static Rule of(NodeGroup group) {
            GroupMatch match = group.match();
            if (match == null) {
                return new Rule(group, List.of(), -1, -1);
            }
            return new Rule(group, match.resources(), millisOrUnset(match.minMemory()), millisOrUnset(match.minCpu()));
        }

        private static long millisOrUnset(String quantity) {
            return quantity == null ? -1 : Quantity.toMillis(quantity);
        }

        /** The requests (milli-units by resource name) ask for any listed resource, or reach a threshold. */
        public boolean matches(Map<String, Long> requests) {
            for (String resource : resources) {
                if (requests.getOrDefault(resource, 0L) > 0) {
                    return true;
                }
            }
            if (minMemoryMillis >= 0 && requests.getOrDefault(WellKnown.RESOURCE_MEMORY, 0L) >= minMemoryMillis) {
                return true;
            }
            return minCpuMillis >= 0 && requests.getOrDefault(WellKnown.RESOURCE_CPU, 0L) >= minCpuMillis;
        }
    }

    private final List<Rule> rules;
    private final Map<String, NodeGroup> byName = new HashMap<>();
    private final NodeGroup defaultGroup;

    public GroupRouter(JoblaneConfig config) {
        this.rules = config.nodeGroups().stream()
                .filter(g -> g.match() != null)
                .map(Rule::of)
                .toList();
        config.nodeGroups().forEach(g -> byName.put(g.name(), g));
        this.defaultGroup = config.defaultGroup();
    }

    /**
     * The group for a pod that names {@code wish} (null or empty: names none) and requests {@code requests}; empty
     * when it names a group that is not configured, which the webhook refuses.
     */
    public Optional<NodeGroup> route(String wish, Map<String, Long> requests) {
        if (wish != null && !wish.isEmpty()) {
            return Optional.ofNullable(byName.get(wish));
        }
        return Optional.of(byResources(requests));
    }

    /** The first group in file order whose resource rules match, else the default group. */
    public NodeGroup byResources(Map<String, Long> requests) {
        for (Rule rule : rules) {
            if (rule.matches(requests)) {
                return rule.group();
            }
        }
        return defaultGroup;
    }
}
