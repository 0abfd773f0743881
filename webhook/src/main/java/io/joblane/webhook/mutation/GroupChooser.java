package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import io.joblane.model.WellKnown;
import java.util.List;
import java.util.Map;

/**
 * Picks a Job pod's node group. The wish, first match wins: the pod's {@code joblane.io/node-group} annotation, its
 * label of that name, the namespace's annotation, the groups' resource rules in file order, the default group. Then
 * the pod's own hard constraints, which Joblane never contradicts: a nodeSelector naming a group wins over the wish;
 * a wish the pod's nodeSelector or required node affinity excludes gives way to the first group they allow (one
 * they name first). A name that is not configured is refused; a pod whose constraints exclude every group is left
 * alone. Pure; the namespace lookup is injected.
 */
final class GroupChooser {
    private static final String PREFIX = PodMutator.PREFIX;

    private GroupChooser() {}

    /** Adds a warning for each wish that gave way, and one when the pod is left alone. */
    static GroupChoice choose(
            RoutingTable table, JobPod pod, String namespace, NamespaceAnnotations namespaces, List<String> warnings) {
        GroupChoice wish = wish(table, pod.annotations(), pod.labels(), namespace, namespaces, pod.spec());
        PodPlacement placement = pod.placement();
        List<String> named = placement.requiredValues(WellKnown.NODE_GROUP_LABEL);
        String selected = placement.nodeSelectorValue(WellKnown.NODE_GROUP_LABEL);
        if (selected != null) {
            GroupChoice pinned = GroupChoice.named(table, selected, GroupChoice.Source.POD_NODE_SELECTOR);
            if (pinned.verdict() == GroupChoice.Verdict.STEER && !selected.equals(wish.name())) {
                warnings.add(PREFIX + "pod already selects node group \"" + selected + "\"; kept instead of \""
                        + wish.name() + "\" (" + wish.source() + ")");
            }
            return allowedOrLeft(pinned, placement, warnings);
        }
        if (wish.verdict() != GroupChoice.Verdict.STEER) {
            return wish;
        }
        if (placement.allows(wish.route().labels())) {
            return wish;
        }
        RoutingTable.Route allowed = firstAllowed(table, placement, named);
        if (allowed != null) {
            warnings.add(PREFIX + "pod's nodeSelector or required node affinity excludes node group \"" + wish.name()
                    + "\" (" + wish.source() + "); chose \"" + allowed.name() + "\", which they allow");
            return GroupChoice.steer(allowed, GroupChoice.Source.POD_NODE_AFFINITY);
        }
        if (!named.isEmpty() && named.stream().noneMatch(n -> table.route(n) != null)) {
            return GroupChoice.named(table, named.get(0), GroupChoice.Source.POD_NODE_AFFINITY);
        }
        return allowedOrLeft(wish, placement, warnings);
    }

    private static GroupChoice wish(
            RoutingTable table,
            Map<String, String> podAnnotations,
            Map<String, String> podLabels,
            String namespace,
            NamespaceAnnotations namespaces,
            JsonNode spec) {
        String fromPod = podAnnotations.get(WellKnown.NODE_GROUP_ANNOTATION);
        if (fromPod != null && !fromPod.isEmpty()) {
            return GroupChoice.named(table, fromPod, GroupChoice.Source.POD_ANNOTATION);
        }
        String fromLabel = podLabels.get(WellKnown.NODE_GROUP_LABEL);
        if (fromLabel != null && !fromLabel.isEmpty()) {
            return GroupChoice.named(table, fromLabel, GroupChoice.Source.POD_LABEL);
        }
        if (namespace != null && !namespace.isEmpty()) {
            String fromNamespace = namespaces.of(namespace).get(WellKnown.NODE_GROUP_ANNOTATION);
            if (fromNamespace != null && !fromNamespace.isEmpty()) {
                return GroupChoice.named(table, fromNamespace, GroupChoice.Source.NAMESPACE_ANNOTATION);
            }
        }
        Map<String, Long> requests = null;
        for (RoutingTable.Route route : table.routes()) {
            if (route.group().match() == null) {
                continue;
            }
            if (requests == null) {
                requests = PodRequests.effective(spec);
            }
            if (route.rule().matches(requests)) {
                return GroupChoice.steer(route, GroupChoice.Source.RESOURCE_RULE);
            }
        }
        return GroupChoice.steer(table.defaultRoute(), GroupChoice.Source.DEFAULT);
    }

    private static GroupChoice allowedOrLeft(GroupChoice choice, PodPlacement placement, List<String> warnings) {
        if (choice.verdict() != GroupChoice.Verdict.STEER
                || placement.allows(choice.route().labels())) {
            return choice;
        }
        String message = "pod's nodeSelector or required node affinity excludes every node group it may use (\""
                + choice.name() + "\" from " + choice.source() + "); pod left unchanged";
        warnings.add(PREFIX + message);
        return new GroupChoice(GroupChoice.Verdict.LEAVE, choice.name(), choice.source(), null, message);
    }

    /** The first group the pod's constraints allow: among those they name first, then in file order. */
    private static RoutingTable.Route firstAllowed(RoutingTable table, PodPlacement placement, List<String> named) {
        for (String name : named) {
            RoutingTable.Route route = table.route(name);
            if (route != null && placement.allows(route.labels())) {
                return route;
            }
        }
        for (RoutingTable.Route route : table.routes()) {
            if (placement.allows(route.labels())) {
                return route;
            }
        }
        return null;
    }
}
