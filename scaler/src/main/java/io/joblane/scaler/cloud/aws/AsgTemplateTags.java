package io.joblane.scaler.cloud.aws;

import io.joblane.model.Quantity;
import io.joblane.model.config.Taint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The node-template tags cluster-autoscaler reads from an Auto Scaling group to scale it from zero, parsed the way
 * its AWS provider does ({@code extractLabelsFromAsg}, {@code extractTaintsFromAsg},
 * {@code extractAllocatableResourcesFromAsg} in
 * https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/aws_manager.go), so a
 * group tagged for cluster-autoscaler works unchanged. Unlike cluster-autoscaler, a malformed tag is reported
 * rather than skipped silently. Pure.
 *
 * @param resources quantities as written, e.g. {@code pods -> "58"}, {@code nvidia.com/gpu -> "1"}
 */
record AsgTemplateTags(
        Map<String, String> labels, List<Taint> taints, Map<String, String> resources, List<String> problems) {

    static final String PREFIX = "k8s.io/cluster-autoscaler/node-template/";
    static final String LABEL = PREFIX + "label/";
    static final String TAINT = PREFIX + "taint/";
    static final String RESOURCES = PREFIX + "resources/";
    private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    AsgTemplateTags {
        labels = Map.copyOf(labels);
        taints = List.copyOf(taints);
        resources = Map.copyOf(resources);
        problems = List.copyOf(problems);
    }

    /** Parses the group's tags (key to value); other tags are ignored. */
    static AsgTemplateTags parse(Map<String, String> tags) {
        Map<String, String> labels = new LinkedHashMap<>();
        List<Taint> taints = new ArrayList<>();
        Map<String, String> resources = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        tags.forEach((key, raw) -> {
            String value = raw == null ? "" : raw;
            if (key.startsWith(LABEL) && key.length() > LABEL.length()) {
                labels.put(key.substring(LABEL.length()), value);
            } else if (key.startsWith(TAINT) && key.length() > TAINT.length()) {
                // "<value>:<Effect>", split at the first colon as cluster-autoscaler does.
                int colon = value.indexOf(':');
                String effect = colon < 0 ? "" : value.substring(colon + 1);
                if (!EFFECTS.contains(effect)) {
                    problems.add("tag " + key + "=" + value + " ignored: the value must be <value>:<Effect> with "
                            + "Effect NoSchedule, PreferNoSchedule or NoExecute");
                } else {
                    taints.add(new Taint(key.substring(TAINT.length()), value.substring(0, colon), effect));
                }
            } else if (key.startsWith(RESOURCES) && key.length() > RESOURCES.length()) {
                if (Quantity.isValid(value)) {
                    resources.put(key.substring(RESOURCES.length()), value);
                } else {
                    problems.add("tag " + key + "=" + value + " ignored: not a Kubernetes quantity");
                }
            }
        });
        return new AsgTemplateTags(labels, taints, resources, problems);
    }
}
