package io.joblane.model.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;

/**
 * Resource rules that select a group for a Job pod that names none. A pod matches when it requests any of
 * {@code resources}, or at least {@code minMemory}, or at least {@code minCpu}; absent rules never match.
 */
public record GroupMatch(
        List<String> resources,
        @JsonDeserialize(using = QuantityText.class) String minMemory,
        @JsonDeserialize(using = QuantityText.class) String minCpu) {
    public GroupMatch {
        resources = resources == null ? List.of() : List.copyOf(resources);
    }
}
