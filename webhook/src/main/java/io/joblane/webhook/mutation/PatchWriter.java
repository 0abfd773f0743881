package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.joblane.model.WellKnown;
import java.util.Map;

/**
 * Renders a Job pod's {@link Additions} as RFC 6902 operations on the pod as received: a map or list the pod lacks
 * is added whole, otherwise its entries one by one, so nothing the pod has is overwritten (but the group label).
 * Pure.
 */
final class PatchWriter {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String GROUP_LABEL_PATH = "/metadata/labels/" + JsonPointer.escape(WellKnown.NODE_GROUP_LABEL);

    private PatchWriter() {}

    /** The patch that gives {@code pod} what it lacks of {@code group} (with that group's {@code scheduler}). */
    static ArrayNode render(JobPod pod, Additions additions, String group, String scheduler) {
        ArrayNode patch = JSON.arrayNode();
        metadataOperations(patch, pod.metadata(), additions, group);
        specOperations(patch, pod.spec(), additions, scheduler, pod.placement());
        return patch;
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

    private static void specOperations(
            ArrayNode patch, ObjectNode spec, Additions additions, String scheduler, PodPlacement placement) {
        if (spec == null) {
            add(patch, "/spec", wholeSpec(additions, scheduler));
            return;
        }
        addEntries(patch, "/spec/nodeSelector", PodJson.present(spec, "nodeSelector"), additions.selector());
        tolerations(patch, PodJson.present(spec, "tolerations"), additions);
        if (additions.setScheduler()) {
            if (additions.scheduler() == null) {
                add(patch, "/spec/schedulerName", JSON.textNode(scheduler));
            } else {
                replace(patch, "/spec/schedulerName", scheduler);
            }
        }
        DrainingFence.patch(patch, placement);
    }

    /** The whole {@code spec} of a pod that has none. */
    private static ObjectNode wholeSpec(Additions additions, String scheduler) {
        ObjectNode value = JSON.objectNode();
        putAll(value.putObject("nodeSelector"), additions.selector());
        value.putArray("tolerations").addAll(additions.tolerations());
        if (additions.setScheduler()) {
            value.put("schedulerName", scheduler);
        }
        value.set(PodPlacement.AFFINITY, DrainingFence.AFFINITY);
        return value;
    }

    private static void tolerations(ArrayNode patch, boolean present, Additions additions) {
        if (additions.tolerations().isEmpty()) {
            return;
        }
        if (present) {
            additions.tolerations().forEach(t -> add(patch, "/spec/tolerations/-", t));
        } else {
            add(patch, "/spec/tolerations", JSON.arrayNode().addAll(additions.tolerations()));
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
}
