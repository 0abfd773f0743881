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
 * received (never a typed Pod re-serialized), only adds what is missing, and keeps every value a user set on
 * purpose, so a second call on the patched pod yields an empty patch. Pure and thread-safe; called per request.
 */
public final class PodMutator {
    static final String DEFAULT_SCHEDULER = "default-scheduler";
    private static final String PREFIX = "joblane: ";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Supplier<JoblaneConfig> config;
    private final NamespaceAnnotations namespaces;

    public PodMutator(Supplier<JoblaneConfig> config, NamespaceAnnotations namespaces) {
        this.config = config;
        this.namespaces = namespaces;
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
        JoblaneConfig cfg = config.get();
        ObjectNode metadata = PodJson.object(pod, "metadata", "metadata");
        Map<String, String> labels = PodJson.stringMap(metadata, "labels", "metadata.labels");
        Map<String, String> annotations = PodJson.stringMap(metadata, "annotations", "metadata.annotations");
        if ("false".equals(annotations.get(WellKnown.POD_INJECT_ANNOTATION))) {
            return skipped("opted out by annotation " + WellKnown.POD_INJECT_ANNOTATION);
        }
        String jobReason = JobDetector.reason(pod, labels, username, cfg.webhook());
        if (jobReason == null) {
            return skipped("not a Job pod");
        }
        ObjectNode spec = PodJson.object(pod, "spec", "spec");
        Map<String, String> nodeSelector = PodJson.stringMap(spec, "nodeSelector", "spec.nodeSelector");
        List<String> warnings = new ArrayList<>();
        int conflicts = 0;

        GroupChoice choice = GroupChooser.choose(cfg, annotations, namespace, namespaces, spec);
        String selected = nodeSelector.get(WellKnown.NODE_GROUP_LABEL);
        if (selected != null && !selected.equals(choice.name())) {
            warnings.add(PREFIX + "pod already selects node group \"" + selected + "\"; kept instead of \""
                    + choice.name() + "\" (" + choice.source() + ")");
            conflicts++;
            choice = GroupChooser.named(cfg, selected, GroupChoice.Source.POD_NODE_SELECTOR);
        }
        NodeGroup group = choice.group();
        if (group == null) {
            warnings.add(PREFIX + "node group \"" + choice.name() + "\" (" + choice.source()
                    + ") is not configured; pod left unchanged");
            return new Mutation(Outcome.SKIPPED, "unknown", JSON.arrayNode(), warnings, conflicts,
                    "unknown node group from " + choice.source());
        }

        Map<String, String> addLabels = new LinkedHashMap<>();
        Map<String, String> addAnnotations = new LinkedHashMap<>();
        Map<String, String> addSelector = new LinkedHashMap<>();
        List<JsonNode> addTolerations = new ArrayList<>();

        conflicts += want(labels, WellKnown.NODE_GROUP_LABEL, group.name(), addLabels, "label", warnings);
        conflicts += want(annotations, WellKnown.SAFE_TO_EVICT_ANNOTATION, "false", addAnnotations, "annotation",
                warnings);
        conflicts += want(annotations, WellKnown.KARPENTER_DO_NOT_DISRUPT_ANNOTATION, "true", addAnnotations,
                "annotation", warnings);
        for (Map.Entry<String, String> e : group.nodeSelector(WellKnown.NODE_GROUP_LABEL).entrySet()) {
            conflicts += want(nodeSelector, e.getKey(), e.getValue(), addSelector, "nodeSelector", warnings);
        }
        List<JsonNode> tolerations = PodJson.array(spec, "tolerations", "spec.tolerations");
        for (int i = 0; i < tolerations.size(); i++) {
            if (!tolerations.get(i).isObject()) {
                throw new InvalidPodException("spec.tolerations[" + i + "]", "an object");
            }
        }
        for (Taint taint : group.taints()) {
            if (tolerations.stream().noneMatch(t -> tolerates(t, taint))) {
                addTolerations.add(toleration(taint));
            }
        }
        String scheduler = PodJson.text(spec, "schedulerName", "spec.schedulerName");
        boolean setScheduler = false;
        if (!group.schedulerName().isEmpty() && !group.schedulerName().equals(scheduler)) {
            if (scheduler == null || scheduler.isEmpty() || DEFAULT_SCHEDULER.equals(scheduler)) {
                setScheduler = true;
            } else {
                warnings.add(PREFIX + "pod sets schedulerName \"" + scheduler + "\"; kept instead of \""
                        + group.schedulerName() + "\"");
                conflicts++;
            }
        }

        ArrayNode patch = JSON.arrayNode();
        if (metadata == null) {
            if (!addLabels.isEmpty() || !addAnnotations.isEmpty()) {
                ObjectNode value = JSON.objectNode();
                putAll(value.putObject("labels"), addLabels);
                putAll(value.putObject("annotations"), addAnnotations);
                add(patch, "/metadata", value);
            }
        } else {
            addEntries(patch, "/metadata/labels", PodJson.present(metadata, "labels"), addLabels);
            addEntries(patch, "/metadata/annotations", PodJson.present(metadata, "annotations"), addAnnotations);
        }
        if (spec == null) {
            ObjectNode value = JSON.objectNode();
            putAll(value.putObject("nodeSelector"), addSelector);
            value.putArray("tolerations").addAll(addTolerations);
            if (setScheduler) {
                value.put("schedulerName", group.schedulerName());
            }
            add(patch, "/spec", value);
        } else {
            addEntries(patch, "/spec/nodeSelector", PodJson.present(spec, "nodeSelector"), addSelector);
            if (!addTolerations.isEmpty()) {
                if (PodJson.present(spec, "tolerations")) {
                    addTolerations.forEach(t -> add(patch, "/spec/tolerations/-", t));
                } else {
                    add(patch, "/spec/tolerations", JSON.arrayNode().addAll(addTolerations));
                }
            }
            if (setScheduler) {
                ObjectNode op = patch.addObject();
                op.put("op", scheduler == null ? "add" : "replace");
                op.put("path", "/spec/schedulerName");
                op.put("value", group.schedulerName());
            }
        }
        Outcome outcome = patch.isEmpty() ? Outcome.UNCHANGED : Outcome.MUTATED;
        return new Mutation(outcome, group.name(), patch, warnings, conflicts,
                jobReason + ", group from " + choice.source());
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

    private static ObjectNode toleration(Taint taint) {
        ObjectNode t = JSON.objectNode();
        t.put("key", taint.key());
        if (taint.value().isEmpty()) {
            t.put("operator", "Exists");
        } else {
            t.put("operator", "Equal");
            t.put("value", taint.value());
        }
        t.put("effect", taint.effect());
        return t;
    }

    /** Queues {@code key=value} unless present; a different value set by the user is kept and counted. */
    private static int want(Map<String, String> existing, String key, String value, Map<String, String> additions,
                            String what, List<String> warnings) {
        String current = existing.get(key);
        if (current == null) {
            additions.put(key, value);
            return 0;
        }
        if (current.equals(value)) {
            return 0;
        }
        warnings.add(PREFIX + "pod sets " + what + " " + key + "=\"" + current + "\"; kept instead of \""
                + value + "\"");
        return 1;
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

    private static void add(ArrayNode patch, String path, JsonNode value) {
        ObjectNode op = patch.addObject();
        op.put("op", "add");
        op.put("path", path);
        op.set("value", value);
    }

    private static Mutation skipped(String reason) {
        return new Mutation(Outcome.SKIPPED, null, JSON.arrayNode(), List.of(), 0, reason);
    }
}
