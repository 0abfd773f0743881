package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed, path-checked reads of a pod's raw JSON. An absent or null field reads as empty; a field of the
 * wrong type throws {@link InvalidPodException} naming it, so the caller can answer 400 instead of guessing.
 */
final class PodJson {
    private PodJson() {}

    /** The object at {@code field}, or null when absent or JSON null. */
    static ObjectNode object(JsonNode parent, String field, String path) {
        JsonNode node = parent == null ? null : parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidPodException(path, "an object");
        }
        return (ObjectNode) node;
    }

    /** The array at {@code field}, or an empty list when absent or JSON null. */
    static List<JsonNode> array(JsonNode parent, String field, String path) {
        JsonNode node = parent == null ? null : parent.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidPodException(path, "an array");
        }
        List<JsonNode> items = new java.util.ArrayList<>(node.size());
        node.forEach(items::add);
        return items;
    }

    static boolean present(JsonNode parent, String field) {
        JsonNode node = parent == null ? null : parent.get(field);
        return node != null && !node.isNull();
    }

    /** The string at {@code field}, or null when absent or JSON null. */
    static String text(JsonNode parent, String field, String path) {
        JsonNode node = parent == null ? null : parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidPodException(path, "a string");
        }
        return node.textValue();
    }

    static boolean bool(JsonNode parent, String field, String path) {
        JsonNode node = parent == null ? null : parent.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new InvalidPodException(path, "a boolean");
        }
        return node.booleanValue();
    }

    /** A map of string to string (labels, annotations, nodeSelector), empty when absent. */
    static Map<String, String> stringMap(JsonNode parent, String field, String path) {
        ObjectNode node = object(parent, field, path);
        if (node == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode value = e.getValue();
            if (!value.isTextual()) {
                throw new InvalidPodException(path + "." + e.getKey(), "a string");
            }
            out.put(e.getKey(), value.textValue());
        }
        return out;
    }
}
