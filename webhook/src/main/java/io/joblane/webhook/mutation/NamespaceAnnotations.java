package io.joblane.webhook.mutation;

import java.util.Map;

/**
 * Answers a namespace's annotations for the group choice. The real one reads a namespace informer's cache;
 * tests pass a map. Called on the request thread, so implementations must be non-blocking and thread-safe.
 */
@FunctionalInterface
public interface NamespaceAnnotations {
    /** Namespace routing off: no namespace has annotations. */
    NamespaceAnnotations NONE = namespace -> Map.of();

    /** The namespace's annotations, empty when it is unknown. */
    Map<String, String> of(String namespace);

    static NamespaceAnnotations of(Map<String, Map<String, String>> byNamespace) {
        return namespace -> byNamespace.getOrDefault(namespace, Map.of());
    }
}
