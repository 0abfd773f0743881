package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.joblane.model.WellKnown;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.NodeGroup;
import io.joblane.model.config.Taint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns one pod's raw JSON into the JSON Patch that steers it onto its node group. Works on the JSON tree as
 * received (never a typed Pod re-serialized), only adds what is missing, never contradicts the pod's own placement
 * constraints, and keeps every value a user set on purpose (except the group label, which always names the group
 * the selector names), so a second call on the patched pod yields an empty patch. Pure and thread-safe; called per
 * request.
 */
public final class PodMutator {
    static final String DEFAULT_SCHEDULER = "default-scheduler";
    static final String PREFIX = "joblane: ";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String GROUP_LABEL_PATH = "/metadata/labels/" + JsonPointer.escape(WellKnown.NODE_GROUP_LABEL);

    private final Supplier<JoblaneConfig> config;
    private final NamespaceAnnotations namespaces;
    private final LanePreference lanes;
    private volatile RoutingTable table;

    public PodMutator(Supplier<JoblaneConfig> config, NamespaceAnnotations namespaces) {
        this(config, namespaces, LanePreference.OFF);
    }

    public PodMutator(Supplier<JoblaneConfig> config, NamespaceAnnotations namespaces, LanePreference lanes) {
        this.config = config;
        this.namespaces = namespaces;
        this.lanes = lanes;
    }

    /**
     * Decides for a pod being created in {@code namespace} by {@code username}.
     *
     * @throws InvalidPodException when a field the decision reads has a type a Pod cannot have
     */
    public Mutation mutate(JsonNode pod, String namespace, String username) {
        if (!pod.isObject()) {
            throw new InvalidPodException("object", "an object");
        }
        RoutingTable routing = routingTable();
        ObjectNode metadata = PodJson.object(pod, "metadata", "metadata");
        Map<String, String> labels = PodJson.stringMap(metadata, "labels", "metadata.labels");
        Map<String, String> annotations = PodJson.stringMap(metadata, "annotations", "metadata.annotations");
        if ("false".equals(annotations.get(WellKnown.POD_INJECT_ANNOTATION))) {
            return skipped("opted out by annotation " + WellKnown.POD_INJECT_ANNOTATION, List.of());
        }
        String jobReason = JobDetector.reason(pod, labels, username, routing.config().webhook());
        if (jobReason == null) {
            return skipped("not a Job pod", List.of());
        }
        ObjectNode spec = PodJson.object(pod, "spec", "spec");
        String nodeName = PodJson.text(spec, "nodeName", "spec.nodeName");
        if (nodeName != null && !nodeName.isEmpty()) {
            // The kubelet checks node affinity when it admits a bound pod: a group selector would fail it.
            return skipped("bound to a node by spec.nodeName", List.of(PREFIX + "pod is bound to node \"" + nodeName
                    + "\" by spec.nodeName; left unchanged (a node group selector would make the kubelet reject it)"));
        }
        Map<String, String> nodeSelector = PodJson.stringMap(spec, "nodeSelector", "spec.nodeSelector");
        PodPlacement placement = PodPlacement.read(spec, nodeSelector);
        List<String> warnings = new ArrayList<>();
        GroupChoice choice = GroupChooser.choose(routing, annotations, labels, namespace, namespaces, spec, placement,
                warnings);
        return switch (choice.verdict()) {
            case REFUSE -> new Mutation(Outcome.REFUSED, "unknown", JSON.arrayNode(), warnings, 0, choice.message());
            case LEAVE -> new Mutation(Outcome.SKIPPED, null, JSON.arrayNode(), warnings, warnings.size(),
                    choice.message());
            case STEER -> steer(choice.route(), metadata, labels, annotations, spec, nodeSelector, placement, warnings,
                    jobReason + ", group from " + choice.source(), namespace);
        };
    }

    private RoutingTable routingTable() {
        JoblaneConfig current = config.get();
        RoutingTable prepared = table;
        if (prepared == null || prepared.config() != current) {
            prepared = new RoutingTable(current);
            table = prepared;
        }
        return prepared;
    }

    private Mutation steer(RoutingTable.Route route, ObjectNode metadata, Map<String, String> labels,
                           Map<String, String> annotations, ObjectNode spec, Map<String, String> nodeSelector,
                           PodPlacement placement, List<String> warnings, String reason, String namespace) {
        Additions additions = additions(route, labels, annotations, spec, nodeSelector, warnings);
        ArrayNode patch = JSON.arrayNode();
        metadataOperations(patch, metadata, additions, route.name());
        specOperations(patch, spec, additions, route.group().schedulerName(), placement);
        String lane = lanes.patch(patch, spec, namespace, labels, annotations, placement, warnings)
                .map(l -> ", " + l).orElse("");
        Outcome outcome = patch.isEmpty() ? Outcome.UNCHANGED : Outcome.MUTATED;
        return new Mutation(outcome, route.name(), patch, warnings, warnings.size(), reason + lane);
    }

    /** What the pod lacks of its group; {@code scheduler} is the pod's own, when the group's is to be set. */
    private record Additions(Map<String, String> labels, boolean replaceLabel, Map<String, String> annotations,
                             Map<String, String> selector, List<JsonNode> tolerations, boolean setScheduler,
                             String scheduler) {
    }

    private static Additions additions(RoutingTable.Route route, Map<String, String> labels,
                                       Map<String, String> annotations, ObjectNode spec,
                                       Map<String, String> nodeSelector, List<String> warnings) {
        NodeGroup group = route.group();
        Map<String, String> addLabels = new LinkedHashMap<>();
        Map<String, String> addAnnotations = new LinkedHashMap<>();
        Map<String, String> addSelector = new LinkedHashMap<>();
        String label = labels.get(WellKnown.NODE_GROUP_LABEL);
        boolean replaceLabel = label != null && !label.equals(group.name());
        if (replaceLabel) {
            // The scaler sizes groups by this label: it must name the group the selector names.
            warnings.add(PREFIX + "pod label " + WellKnown.NODE_GROUP_LABEL + "=\"" + label + "\" replaced by \""
                    + group.name() + "\", the group the pod is steered to");
        } else if (label == null) {
            addLabels.put(WellKnown.NODE_GROUP_LABEL, group.name());
        }
        want(annotations, WellKnown.SAFE_TO_EVICT_ANNOTATION, "false", addAnnotations, "annotation", warnings);
        want(annotations, WellKnown.KARPENTER_DO_NOT_DISRUPT_ANNOTATION, "true", addAnnotations, "annotation",
                warnings);
        for (Map.Entry<String, String> e : route.labels().entrySet()) {
            want(nodeSelector, e.getKey(), e.getValue(), addSelector, "nodeSelector", warnings);
        }
        String scheduler = PodJson.text(spec, "schedulerName", "spec.schedulerName");
        return new Additions(addLabels, replaceLabel, addAnnotations, addSelector, missingTolerations(route, spec),
                setScheduler(group.schedulerName(), scheduler, warnings), scheduler);
    }

    private static List<JsonNode> missingTolerations(RoutingTable.Route route, ObjectNode spec) {
        List<JsonNode> tolerations = PodJson.array(spec, "tolerations", "spec.tolerations");
        for (int i = 0; i < tolerations.size(); i++) {
            if (!tolerations.get(i).isObject()) {
                throw new InvalidPodException("spec.tolerations[" + i + "]", "an object");
            }
        }
        List<JsonNode> missing = new ArrayList<>();
        for (int t = 0; t < route.group().taints().size(); t++) {
            Taint taint = route.group().taints().get(t);
            if (tolerations.stream().noneMatch(existing -> tolerates(existing, taint))) {
                missing.add(route.tolerations().get(t));
            }
        }
        return missing;
    }

    /** The group's scheduler replaces none or the default one; another scheduler the user chose is kept. */
    private static boolean setScheduler(String wanted, String current, List<String> warnings) {
        if (wanted.isEmpty() || wanted.equals(current)) {
            return false;
        }
        if (current == null || current.isEmpty() || DEFAULT_SCHEDULER.equals(current)) {
            return true;
        }
        warnings.add(PREFIX + "pod sets schedulerName \"" + current + "\"; kept instead of \"" + wanted + "\"");
        return false;
    }

    private static void metadataOperations(ArrayNode patch, ObjectNode metadata, Additions additions, String group) {
        if (metadata == null) {
            ObjectNode value = JSON.objectNode();
            putAll(value.putObject("labels"), additions.labels());
            putAll(value.putObject("annotations"), additions.annotations());
            add(patch, "/metadata", value);
            return;
        }
        addEntries(patch, "/metadata/labels", PodJson.present(metadata, "labels"), additions.labels());
        if (additions.replaceLabel()) {
            replace(patch, GROUP_LABEL_PATH, group);
        }
        addEntries(patch, "/metadata/annotations", PodJson.present(metadata, "annotations"), additions.annotations());
    }

    private static void specOperations(ArrayNode patch, ObjectNode spec, Additions additions, String scheduler,
                                       PodPlacement placement) {
        if (spec == null) {
            ObjectNode value = JSON.objectNode();
            putAll(value.putObject("nodeSelector"), additions.selector());
            value.putArray("tolerations").addAll(additions.tolerations());
            if (additions.setScheduler()) {
                value.put("schedulerName", scheduler);
            }
            value.set(PodPlacement.AFFINITY, DrainingFence.AFFINITY);
            add(patch, "/spec", value);
            return;
        }
        addEntries(patch, "/spec/nodeSelector", PodJson.present(spec, "nodeSelector"), additions.selector());
        if (!additions.tolerations().isEmpty()) {
            if (PodJson.present(spec, "tolerations")) {
                additions.tolerations().forEach(t -> add(patch, "/spec/tolerations/-", t));
            } else {
                add(patch, "/spec/tolerations", JSON.arrayNode().addAll(additions.tolerations()));
            }
        }
        if (additions.setScheduler()) {
            if (additions.scheduler() == null) {
                add(patch, "/spec/schedulerName", JSON.textNode(scheduler));
            } else {
                replace(patch, "/spec/schedulerName", scheduler);
            }
        }
        DrainingFence.patch(patch, placement);
    }

    /** Kubernetes' Toleration.ToleratesTaint. */
    static boolean tolerates(JsonNode toleration, Taint taint) {
        String effect = toleration.path("effect").asText("");
        if (!effect.isEmpty() && !effect.equals(taint.effect())) {
            return false;
        }
        String key = toleration.path("key").asText("");
        String operator = toleration.path("operator").asText("");
        if (key.isEmpty()) {
            return "Exists".equals(operator);
        }
        if (!key.equals(taint.key())) {
            return false;
        }
        if ("Exists".equals(operator)) {
            return true;
        }
        return (operator.isEmpty() || "Equal".equals(operator))
                && toleration.path("value").asText("").equals(taint.value());
    }

    /** Queues {@code key=value} unless present; a different value set by the user is kept and reported. */
    private static void want(Map<String, String> existing, String key, String value, Map<String, String> additions,
                             String what, List<String> warnings) {
        String current = existing.get(key);
        if (current == null) {
            additions.put(key, value);
        } else if (!current.equals(value)) {
            warnings.add(PREFIX + "pod sets " + what + " " + key + "=\"" + current + "\"; kept instead of \""
                    + value + "\"");
        }
    }

    private static void addEntries(ArrayNode patch, String mapPath, boolean mapPresent, Map<String, String> entries) {
        if (entries.isEmpty()) {
            return;
        }
        if (!mapPresent) {
            ObjectNode value = JSON.objectNode();
            putAll(value, entries);
            add(patch, mapPath, value);
            return;
        }
        entries.forEach((key, value) -> add(patch, mapPath + "/" + JsonPointer.escape(key), JSON.textNode(value)));
    }

    private static void putAll(ObjectNode into, Map<String, String> entries) {
        entries.forEach(into::put);
    }

    static void add(ArrayNode patch, String path, JsonNode value) {
        ObjectNode op = patch.addObject();
        op.put("op", "add");
        op.put("path", path);
        op.set("value", value);
    }

    private static void replace(ArrayNode patch, String path, String value) {
        ObjectNode op = patch.addObject();
        op.put("op", "replace");
        op.put("path", path);
        op.put("value", value);
    }

    private static Mutation skipped(String reason, List<String> warnings) {
        return new Mutation(Outcome.SKIPPED, null, JSON.arrayNode(), warnings, warnings.size(), reason);
    }
}
