package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.joblane.model.WellKnown;
import io.joblane.model.lanes.FamilyKey;
import io.joblane.model.lanes.FamilyTable;
import io.joblane.model.lanes.LaneTerm;
import io.joblane.model.lanes.RunTimePredictor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Lanes: gives a steered pod whose run time can be predicted PREFERRED node affinity terms on
 * {@code joblane.io/lane-end} graded around its expected end (minutes since the epoch), so the scheduler favours the
 * node whose Jobs are expected to end soonest after it and Jobs that end together share nodes. Preferred only: they
 * reorder the nodes a pod fits and never keep it pending; the pod's required terms are left alone. A pod without a
 * prediction, or that already has a preferred term on the lane-end label (its own, or an earlier call's), gets
 * nothing. The decision is {@link LaneTerm#decide} (shared with the simulator); this class renders it into the
 * patch. Pure; the table and the clock are read per call.
 *
 * @see <a href="https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity">node affinity
 *      (Gt takes an integer label value; preferred terms add their weight to the score of the nodes they match)</a>
 */
public final class LanePreference {
    static final String PREFERRED = "preferredDuringSchedulingIgnoredDuringExecution";
    private static final String PREFERRED_PATH = "/spec/affinity/" + PodPlacement.NODE_AFFINITY + "/" + PREFERRED;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Lanes off: no table, nothing added. */
    public static final LanePreference OFF = new LanePreference(() -> null, () -> 0);

    private final Supplier<FamilyTable> table;
    private final LongSupplier nowMillis;

    /** @param table the family table; null from the supplier means lanes are off */
    public LanePreference(Supplier<FamilyTable> table, LongSupplier nowMillis) {
        this.table = table;
        this.nowMillis = nowMillis;
    }

    /** The family table now, or null when lanes are off. */
    FamilyTable families() {
        return table.get();
    }

    /**
     * Appends the operation after the draining fence's (which guarantees {@code spec.affinity.nodeAffinity} exists).
     * Returns what it did for the mutation's reason, or empty when it added nothing.
     */
    Optional<String> patch(
            ArrayNode patch,
            ObjectNode spec,
            String namespace,
            Map<String, String> labels,
            Map<String, String> annotations,
            PodPlacement placement,
            List<String> warnings) {
        FamilyTable families = table.get();
        if (families == null) {
            return Optional.empty();
        }
        String annotation = annotations.get(WellKnown.EXPECTED_DURATION_ANNOTATION);
        String problem = RunTimePredictor.annotationProblem(annotation);
        if (problem != null) {
            warnings.add(PodMutator.PREFIX + "annotation " + WellKnown.EXPECTED_DURATION_ANNOTATION + " ignored: "
                    + problem);
        }
        List<JsonNode> preferred =
                PodJson.array(placement.nodeAffinity(), PREFERRED, "spec.affinity.nodeAffinity." + PREFERRED);
        if (preferred.stream().anyMatch(LanePreference::onLaneEnd)) {
            return Optional.empty();
        }
        Optional<LaneTerm> lane = LaneTerm.decide(
                annotation, families.get(FamilyKey.of(namespace, labels)), deadlineMillis(spec), nowMillis.getAsLong());
        if (lane.isEmpty()) {
            return Optional.empty();
        }
        ArrayNode terms = terms(lane.get());
        if (PodJson.present(placement.nodeAffinity(), PREFERRED)) {
            terms.forEach(term -> PatchWriter.add(patch, PREFERRED_PATH + "/-", term));
        } else {
            PatchWriter.add(patch, PREFERRED_PATH, terms);
        }
        return Optional.of("lane ends around minute " + lane.get().endMinutes() + " (margin "
                + lane.get().marginMinutes() + "m) from its "
                + lane.get().source().name().toLowerCase());
    }

    /** The lane's graded preferred terms ({@link LaneTerm#preferences}), as node affinity JSON. */
    static ArrayNode terms(LaneTerm lane) {
        ArrayNode terms = JSON.arrayNode();
        for (LaneTerm.Preference p : lane.preferences()) {
            ObjectNode term = terms.addObject().put("weight", p.weight());
            ArrayNode expressions = term.putObject("preference").putArray(PodPlacement.EXPRESSIONS);
            expression(expressions, "Gt", p.greaterThan());
            if (p.bounded()) {
                expression(expressions, "Lt", p.lessThan());
            }
        }
        return terms;
    }

    private static void expression(ArrayNode expressions, String operator, long value) {
        expressions
                .addObject()
                .put("key", WellKnown.LANE_END_LABEL)
                .put("operator", operator)
                .putArray("values")
                .add(Long.toString(value));
    }

    private static boolean onLaneEnd(JsonNode term) {
        for (JsonNode e : term.path("preference").path(PodPlacement.EXPRESSIONS)) {
            if (WellKnown.LANE_END_LABEL.equals(e.path("key").asText())) {
                return true;
            }
        }
        return false;
    }

    private static long deadlineMillis(ObjectNode spec) {
        JsonNode deadline = spec == null ? null : spec.get("activeDeadlineSeconds");
        return deadline != null && deadline.canConvertToLong() ? deadline.longValue() * 1000 : 0;
    }
}
