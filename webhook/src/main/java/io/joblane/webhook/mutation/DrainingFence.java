package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.joblane.model.WellKnown;

/**
 * Adds the required node affinity expression {@code joblane.io/draining DoesNotExist} to a steered pod, so no pod
 * lands on a node the scaler is emptying, whatever it tolerates (a tolerate-all toleration crosses the draining
 * taint, not this). Required terms are ORed, so the expression goes into every term that can match a node; a term
 * with neither expressions nor fields matches nothing and is left so. A pod without required terms gets one term.
 * Pure; the JSON values are shared constants, only ever serialized.
 *
 * @see <a href="https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity">node affinity</a>
 */
final class DrainingFence {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String DOES_NOT_EXIST = "DoesNotExist";
    private static final String TERMS_PATH =
            "/spec/affinity/nodeAffinity/" + PodPlacement.REQUIRED + "/" + PodPlacement.TERMS;

    static final ObjectNode EXPRESSION =
            JSON.objectNode().put("key", WellKnown.DRAINING_LABEL).put("operator", DOES_NOT_EXIST);
    private static final ArrayNode EXPRESSIONS = JSON.arrayNode().add(EXPRESSION);
    private static final ObjectNode TERM = JSON.objectNode().set(PodPlacement.EXPRESSIONS, EXPRESSIONS);
    private static final ArrayNode TERMS = JSON.arrayNode().add(TERM);
    private static final ObjectNode REQUIRED = JSON.objectNode().set(PodPlacement.TERMS, TERMS);
    private static final ObjectNode NODE_AFFINITY = JSON.objectNode().set(PodPlacement.REQUIRED, REQUIRED);
    /** The whole {@code spec.affinity} of a pod that has none. */
    static final ObjectNode AFFINITY = JSON.objectNode().set(PodPlacement.NODE_AFFINITY, NODE_AFFINITY);

    private DrainingFence() {}

    /** Appends the operations that fence the pod off draining nodes; none when every term already has it. */
    static void patch(ArrayNode patch, PodPlacement placement) {
        if (placement.affinity() == null) {
            PatchWriter.add(patch, "/spec/affinity", AFFINITY);
        } else if (placement.nodeAffinity() == null) {
            PatchWriter.add(patch, "/spec/affinity/nodeAffinity", NODE_AFFINITY);
        } else if (placement.required() == null) {
            PatchWriter.add(patch, "/spec/affinity/nodeAffinity/" + PodPlacement.REQUIRED, REQUIRED);
        } else if (placement.terms().isEmpty()) {
            PatchWriter.add(patch, TERMS_PATH, TERMS);
        } else {
            for (int i = 0; i < placement.terms().size(); i++) {
                PodPlacement.Term term = placement.terms().get(i);
                if (term.matchesNothing() || fenced(term)) {
                    continue;
                }
                String expressions = TERMS_PATH + "/" + i + "/" + PodPlacement.EXPRESSIONS;
                if (term.expressionsPresent()) {
                    PatchWriter.add(patch, expressions + "/-", EXPRESSION);
                } else {
                    PatchWriter.add(patch, expressions, EXPRESSIONS);
                }
            }
        }
    }

    private static boolean fenced(PodPlacement.Term term) {
        for (PodPlacement.Expression e : term.expressions()) {
            if (WellKnown.DRAINING_LABEL.equals(e.key()) && DOES_NOT_EXIST.equals(e.operator())) {
                return true;
            }
        }
        return false;
    }
}
