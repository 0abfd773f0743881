package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pod's own hard placement constraints, read from its raw JSON: {@code spec.nodeSelector} and the terms of
 * {@code spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution}. Answers whether a node group's
 * nodes could satisfy them, judging only the labels the group is known to carry (its group label and
 * {@code labels}); a key the group does not define could be on its nodes, so it never excludes the group.
 * Terms are ORed and a term's expressions ANDed, as the scheduler and the kubelet's admission check evaluate them.
 * Pure; one instance per request.
 *
 * @see <a href="https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity">node affinity</a>
 */
final class PodPlacement {
    static final String AFFINITY = "affinity";
    static final String NODE_AFFINITY = "nodeAffinity";
    static final String REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution";
    static final String TERMS = "nodeSelectorTerms";
    static final String EXPRESSIONS = "matchExpressions";
    static final String FIELDS = "matchFields";

    /** One matchExpressions entry. */
    record Expression(String key, String operator, List<String> values) {
        /** Whether a node whose label {@code key} has {@code value} (null: label absent) satisfies it. */
        boolean matches(String value) {
            return switch (operator) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                case "Gt", "Lt" -> value != null && compares(value);
                default -> false;
            };
        }

        private boolean compares(String value) {
            if (values.size() != 1) {
                return false;
            }
            try {
                long label = Long.parseLong(value);
                long bound = Long.parseLong(values.get(0));
                return "Gt".equals(operator) ? label > bound : label < bound;
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }

    /** One nodeSelectorTerm; {@code node} is its raw JSON, for the patch. */
    record Term(ObjectNode node, List<Expression> expressions, int fieldCount, boolean expressionsPresent) {
        /** A term with neither expressions nor fields matches no node at all. */
        boolean matchesNothing() {
            return expressions.isEmpty() && fieldCount == 0;
        }
    }

    private final Map<String, String> nodeSelector;
    private final ObjectNode affinity;
    private final ObjectNode nodeAffinity;
    private final ObjectNode required;
    private final List<Term> terms;

    private PodPlacement(
            Map<String, String> nodeSelector,
            ObjectNode affinity,
            ObjectNode nodeAffinity,
            ObjectNode required,
            List<Term> terms) {
        this.nodeSelector = nodeSelector;
        this.affinity = affinity;
        this.nodeAffinity = nodeAffinity;
        this.required = required;
        this.terms = terms;
    }

    /** @throws InvalidPodException when a field read has a type no Pod can have */
    static PodPlacement read(ObjectNode spec, Map<String, String> nodeSelector) {
        ObjectNode affinity = PodJson.object(spec, AFFINITY, "spec.affinity");
        ObjectNode nodeAffinity = PodJson.object(affinity, NODE_AFFINITY, "spec.affinity.nodeAffinity");
        String at = "spec.affinity.nodeAffinity." + REQUIRED;
        ObjectNode required = PodJson.object(nodeAffinity, REQUIRED, at);
        List<JsonNode> rawTerms = PodJson.array(required, TERMS, at + "." + TERMS);
        List<Term> terms = new ArrayList<>(rawTerms.size());
        for (int i = 0; i < rawTerms.size(); i++) {
            terms.add(term(rawTerms.get(i), at + "." + TERMS + "[" + i + "]"));
        }
        return new PodPlacement(nodeSelector, affinity, nodeAffinity, required, terms);
    }

    private static Term term(JsonNode raw, String at) {
        if (!raw.isObject()) {
            throw new InvalidPodException(at, "an object");
        }
        List<JsonNode> rawExpressions = PodJson.array(raw, EXPRESSIONS, at + "." + EXPRESSIONS);
        List<Expression> expressions = new ArrayList<>(rawExpressions.size());
        for (int e = 0; e < rawExpressions.size(); e++) {
            String eat = at + "." + EXPRESSIONS + "[" + e + "]";
            JsonNode expression = rawExpressions.get(e);
            if (!expression.isObject()) {
                throw new InvalidPodException(eat, "an object");
            }
            List<JsonNode> rawValues = PodJson.array(expression, "values", eat + ".values");
            List<String> values = new ArrayList<>(rawValues.size());
            for (int v = 0; v < rawValues.size(); v++) {
                if (!rawValues.get(v).isTextual()) {
                    throw new InvalidPodException(eat + ".values[" + v + "]", "a string");
                }
                values.add(rawValues.get(v).textValue());
            }
            String key = PodJson.text(expression, "key", eat + ".key");
            String operator = PodJson.text(expression, "operator", eat + ".operator");
            expressions.add(new Expression(key == null ? "" : key, operator == null ? "" : operator, values));
        }
        int fields = PodJson.array(raw, FIELDS, at + "." + FIELDS).size();
        return new Term((ObjectNode) raw, expressions, fields, PodJson.present(raw, EXPRESSIONS));
    }

    /**
     * Whether nodes carrying {@code knownLabels} (and any other labels) could satisfy the pod's nodeSelector and at
     * least one of its required terms.
     */
    boolean allows(Map<String, String> knownLabels) {
        for (Map.Entry<String, String> e : nodeSelector.entrySet()) {
            String known = knownLabels.get(e.getKey());
            if (known != null && !known.equals(e.getValue())) {
                return false;
            }
        }
        if (required == null || terms.isEmpty()) {
            return true;
        }
        for (Term term : terms) {
            if (!term.matchesNothing() && allows(term, knownLabels)) {
                return true;
            }
        }
        return false;
    }

    private static boolean allows(Term term, Map<String, String> knownLabels) {
        for (Expression expression : term.expressions()) {
            if (knownLabels.containsKey(expression.key()) && !expression.matches(knownLabels.get(expression.key()))) {
                return false;
            }
        }
        return true;
    }

    /** Values the pod's nodeSelector or an {@code In} expression requires of label {@code key}, in order. */
    List<String> requiredValues(String key) {
        List<String> out = new ArrayList<>();
        String selected = nodeSelector.get(key);
        if (selected != null) {
            out.add(selected);
        }
        for (Term term : terms) {
            for (Expression expression : term.expressions()) {
                if (expression.key().equals(key) && "In".equals(expression.operator())) {
                    expression.values().stream().filter(v -> !out.contains(v)).forEach(out::add);
                }
            }
        }
        return out;
    }

    /** The pod's own nodeSelector value for {@code key}, or null. */
    String nodeSelectorValue(String key) {
        return nodeSelector.get(key);
    }

    boolean hasRequiredAffinity() {
        return required != null && !terms.isEmpty();
    }

    ObjectNode affinity() {
        return affinity;
    }

    ObjectNode nodeAffinity() {
        return nodeAffinity;
    }

    ObjectNode required() {
        return required;
    }

    List<Term> terms() {
        return terms;
    }
}
