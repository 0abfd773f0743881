package io.joblane.model.config;

import java.util.List;

/** A pod carrying label {@code key} (with one of {@code values}, when any are given) counts as a Job pod. */
public record JobLabelRule(String key, List<String> values) {
    public JobLabelRule {
        values = values == null ? List.of() : List.copyOf(values);
    }
}
