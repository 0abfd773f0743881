package io.joblane.scaler.plan;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One requirement on labels, as in a node selector term's {@code matchExpressions} or a label selector's: key,
 * operator, values. Pure and immutable.
 *
 * @see <a href="https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#operators">operators</a>
 */
public record LabelRequirement(String key, Operator operator, List<String> values) {

    /** The operators of node selector requirements; label selectors use the first four. */
    public enum Operator {
        IN,
        NOT_IN,
        EXISTS,
        DOES_NOT_EXIST,
        GT,
        LT;

        /** The operator of the API's spelling ("In", "NotIn", ...), or null when unknown. */
        public static Operator parse(String name) {
            if (name == null) {
                return null;
            }
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "in" -> IN;
                case "notin" -> NOT_IN;
                case "exists" -> EXISTS;
                case "doesnotexist" -> DOES_NOT_EXIST;
                case "gt" -> GT;
                case "lt" -> LT;
                default -> null;
            };
        }
    }

    public LabelRequirement {
        values = values == null ? List.of() : List.copyOf(values);
    }

    public static LabelRequirement in(String key, String... values) {
        return new LabelRequirement(key, Operator.IN, List.of(values));
    }

    public boolean matches(Map<String, String> labels) {
        return matchesValue(labels.get(key));
    }

    /** Whether a label value ({@code null}: the label is absent) satisfies this requirement. */
    public boolean matchesValue(String value) {
        return switch (operator) {
            case IN -> value != null && values.contains(value);
            case NOT_IN -> value == null || !values.contains(value);
            case EXISTS -> value != null;
            case DOES_NOT_EXIST -> value == null;
            case GT, LT -> compares(value);
        };
    }

    private boolean compares(String value) {
        if (value == null || values.size() != 1) {
            return false;
        }
        try {
            long actual = Long.parseLong(value);
            long bound = Long.parseLong(values.get(0));
            return operator == Operator.GT ? actual > bound : actual < bound;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return key + " " + operator + (values.isEmpty() ? "" : " " + values);
    }
}
