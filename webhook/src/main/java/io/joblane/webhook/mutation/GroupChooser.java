package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import io.joblane.model.Quantity;
import io.joblane.model.WellKnown;
import io.joblane.model.config.GroupMatch;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.NodeGroup;
import java.util.Map;

/**
 * Picks a Job pod's node group, first match wins: the pod's {@code joblane.io/node-group} annotation, the
 * namespace's annotation of the same name, the resource rules of the groups in file order, the default group.
 * Pure; the namespace lookup is injected.
 */
public final class GroupChooser {
    private GroupChooser() {
    }

    public static GroupChoice choose(JoblaneConfig config, Map<String, String> podAnnotations, String namespace,
                                     NamespaceAnnotations namespaces, JsonNode spec) {
        String fromPod = podAnnotations.get(WellKnown.NODE_GROUP_ANNOTATION);
        if (fromPod != null && !fromPod.isEmpty()) {
            return named(config, fromPod, GroupChoice.Source.POD_ANNOTATION);
        }
        if (namespace != null && !namespace.isEmpty()) {
            String fromNamespace = namespaces.of(namespace).get(WellKnown.NODE_GROUP_ANNOTATION);
            if (fromNamespace != null && !fromNamespace.isEmpty()) {
                return named(config, fromNamespace, GroupChoice.Source.NAMESPACE_ANNOTATION);
            }
        }
        Map<String, Long> requests = null;
        for (NodeGroup group : config.nodeGroups()) {
            GroupMatch match = group.match();
            if (match == null) {
                continue;
            }
            if (requests == null) {
                requests = PodRequests.effective(spec);
            }
            if (matches(match, requests)) {
                return new GroupChoice(group.name(), GroupChoice.Source.RESOURCE_RULE, group);
            }
        }
        NodeGroup fallback = config.defaultGroup();
        return new GroupChoice(fallback.name(), GroupChoice.Source.DEFAULT, fallback);
    }

    static GroupChoice named(JoblaneConfig config, String name, GroupChoice.Source source) {
        return new GroupChoice(name, source, config.group(name).orElse(null));
    }

    private static boolean matches(GroupMatch match, Map<String, Long> requests) {
        for (String resource : match.resources()) {
            if (requests.getOrDefault(resource, 0L) > 0) {
                return true;
            }
        }
        if (match.minMemory() != null
                && requests.getOrDefault(WellKnown.RESOURCE_MEMORY, 0L) >= Quantity.toMillis(match.minMemory())) {
            return true;
        }
        return match.minCpu() != null
                && requests.getOrDefault(WellKnown.RESOURCE_CPU, 0L) >= Quantity.toMillis(match.minCpu());
    }
}
