package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import io.joblane.model.WellKnown;
import io.joblane.model.config.NodeGroup;
import io.joblane.model.config.Taint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Job pod lacks of its group's placement: the group label (or its replacement), the annotations that keep
 * other autoscalers from evicting it, the group's node selector and tolerations, and its scheduler. A value the user
 * set differently is kept and reported as a warning (but the group label). {@code scheduler} is the pod's own.
 * The draining fence is read from the pod's affinity when the patch is written ({@link DrainingFence}).
 */
record Additions(
        Map<String, String> labels,
        boolean replaceLabel,
        Map<String, String> annotations,
        Map<String, String> selector,
        List<JsonNode> tolerations,
        boolean setScheduler,
        String scheduler) {
    static final String DEFAULT_SCHEDULER = "default-scheduler";
    private static final String PREFIX = PodMutator.PREFIX;

    static Additions compute(RoutingTable.Route route, JobPod pod, List<String> warnings) {
        NodeGroup group = route.group();
        Map<String, String> addLabels = new LinkedHashMap<>();
        boolean replaceLabel = groupLabel(group.name(), pod.labels(), addLabels, warnings);
        Map<String, String> addAnnotations = new LinkedHashMap<>();
        want(pod.annotations(), WellKnown.SAFE_TO_EVICT_ANNOTATION, "false", addAnnotations, "annotation", warnings);
        want(
                pod.annotations(),
                WellKnown.KARPENTER_DO_NOT_DISRUPT_ANNOTATION,
                "true",
                addAnnotations,
                "annotation",
                warnings);
        Map<String, String> addSelector = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : route.labels().entrySet()) {
            want(pod.nodeSelector(), e.getKey(), e.getValue(), addSelector, "nodeSelector", warnings);
        }
        String scheduler = PodJson.text(pod.spec(), "schedulerName", "spec.schedulerName");
        return new Additions(
                addLabels,
                replaceLabel,
                addAnnotations,
                addSelector,
                missingTolerations(route, pod.spec()),
                setScheduler(group.schedulerName(), scheduler, warnings),
                scheduler);
    }

    /** Adds the group label when absent; true when a different one must be replaced. */
    private static boolean groupLabel(
            String group, Map<String, String> labels, Map<String, String> addLabels, List<String> warnings) {
        String label = labels.get(WellKnown.NODE_GROUP_LABEL);
        if (label == null) {
            addLabels.put(WellKnown.NODE_GROUP_LABEL, group);
            return false;
        }
        if (label.equals(group)) {
            return false;
        }
        // The scaler sizes groups by this label: it must name the group the selector names.
        warnings.add(PREFIX + "pod label " + WellKnown.NODE_GROUP_LABEL + "=\"" + label + "\" replaced by \"" + group
                + "\", the group the pod is steered to");
        return true;
    }

    private static List<JsonNode> missingTolerations(RoutingTable.Route route, JsonNode spec) {
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
    private static void want(
            Map<String, String> existing,
            String key,
            String value,
            Map<String, String> additions,
            String what,
            List<String> warnings) {
        String current = existing.get(key);
        if (current == null) {
            additions.put(key, value);
        } else if (!current.equals(value)) {
            warnings.add(PREFIX + "pod sets " + what + " " + key + "=\"" + current + "\"; kept instead of \"" + value
                    + "\"");
        }
    }
}
