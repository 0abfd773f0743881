package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.joblane.model.WellKnown;
import io.joblane.model.config.GroupSpot;
import io.joblane.model.lanes.FamilyKey;
import io.joblane.model.lanes.FamilyTable;
import io.joblane.model.lanes.RunTimePredictor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Spot: gives a steered pod predicted to run longer than its group's {@code spot.preferOnDemandAbove} a PREFERRED node
 * affinity term {@code eks.amazonaws.com/capacityType In [ON_DEMAND]} of weight {@link #WEIGHT}, so a long Job lands on
 * an on-demand node when one has room and on Spot otherwise: preferred only, it never keeps the pod pending. The run
 * time comes from the same prediction as lanes ({@link RunTimePredictor}: annotation, family history, deadline). A pod
 * that already has a preferred term on the capacity-type label gets nothing. Pure.
 */
final class OnDemandPreference {
    /** The term's weight, shared with the simulator's scoring. */
    static final int WEIGHT = GroupSpot.ON_DEMAND_PREFERENCE_WEIGHT;

    private static final String PREFERRED_PATH =
            "/spec/affinity/" + PodPlacement.NODE_AFFINITY + "/" + LanePreference.PREFERRED;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private OnDemandPreference() {}

    /**
     * Appends the term after every other operation (the fence guarantees {@code spec.affinity.nodeAffinity} exists; an
     * earlier operation of {@code patch} may have created the preferred list). Returns what it did, or empty.
     */
    static Optional<String> patch(
            ArrayNode patch,
            ObjectNode spec,
            GroupSpot spot,
            FamilyTable families,
            String namespace,
            Map<String, String> labels,
            Map<String, String> annotations,
            PodPlacement placement) {
        Duration threshold = spot.preferOnDemandAboveDuration();
        if (threshold == null) {
            return Optional.empty();
        }
        List<JsonNode> preferred = PodJson.array(
                placement.nodeAffinity(),
                LanePreference.PREFERRED,
                "spec.affinity.nodeAffinity." + LanePreference.PREFERRED);
        if (preferred.stream().anyMatch(OnDemandPreference::onCapacityType)) {
            return Optional.empty();
        }
        Optional<RunTimePredictor.Prediction> prediction = RunTimePredictor.predict(
                annotations.get(WellKnown.EXPECTED_DURATION_ANNOTATION),
                families == null ? null : families.get(FamilyKey.of(namespace, labels)),
                deadlineMillis(spec));
        if (prediction.isEmpty() || prediction.get().millis() <= threshold.toMillis()) {
            return Optional.empty();
        }
        if (PodJson.present(placement.nodeAffinity(), LanePreference.PREFERRED) || creates(patch)) {
            PatchWriter.add(patch, PREFERRED_PATH + "/-", term());
        } else {
            PatchWriter.add(patch, PREFERRED_PATH, JSON.arrayNode().add(term()));
        }
        return Optional.of("prefers on-demand (predicted "
                + Duration.ofMillis(prediction.get().millis()).toMinutes() + "m from its "
                + prediction.get().source().name().toLowerCase() + ")");
    }

    static ObjectNode term() {
        ObjectNode term = JSON.objectNode().put("weight", WEIGHT);
        term.putObject("preference")
                .putArray(PodPlacement.EXPRESSIONS)
                .addObject()
                .put("key", WellKnown.EKS_CAPACITY_TYPE_LABEL)
                .put("operator", "In")
                .putArray("values")
                .add(WellKnown.EKS_CAPACITY_ON_DEMAND);
        return term;
    }

    /** An earlier operation of this patch (the lane) created the preferred list. */
    private static boolean creates(ArrayNode patch) {
        for (JsonNode op : patch) {
            if (PREFERRED_PATH.equals(op.path("path").asText())) {
                return true;
            }
        }
        return false;
    }

    private static boolean onCapacityType(JsonNode term) {
        for (JsonNode e : term.path("preference").path(PodPlacement.EXPRESSIONS)) {
            if (WellKnown.EKS_CAPACITY_TYPE_LABEL.equals(e.path("key").asText())) {
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
