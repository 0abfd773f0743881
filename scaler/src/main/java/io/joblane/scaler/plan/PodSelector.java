package io.joblane.scaler.plan;

import java.util.List;
import java.util.Map;

/**
 * A label selector over pods ({@code matchLabels} and {@code matchExpressions}, ANDed), as in pod anti-affinity terms
 * and topology spread constraints. Pure and immutable; an empty selector matches every pod.
 */
public record PodSelector(Map<String, String> matchLabels, List<LabelRequirement> expressions) {

    public PodSelector {
        matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
        expressions = expressions == null ? List.of() : List.copyOf(expressions);
    }

    public static PodSelector labels(Map<String, String> matchLabels) {
        return new PodSelector(matchLabels, List.of());
    }

    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (LabelRequirement r : expressions) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return matchLabels.isEmpty() && expressions.isEmpty()
                ? "{}"
                : "{" + (matchLabels.isEmpty() ? "" : matchLabels.toString())
                        + (expressions.isEmpty() ? "" : expressions.toString()) + "}";
    }
}
