package io.joblane.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One dedicated node group for Job pods: the label its nodes carry, the taints that keep other pods off,
 * the rules that route pods to it, when the scaler manages it, how it scales, and its Spot settings.
 */
public record NodeGroup(
        String name,
        @JsonProperty("default") Boolean isDefault,
        Map<String, String> labels,
        List<Taint> taints,
        String schedulerName,
        GroupMatch match,
        Scaling scaling,
        GroupSpot spot) {

    public NodeGroup {
        isDefault = isDefault != null && isDefault;
        labels = labels == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(labels));
        taints = taints == null ? List.of() : List.copyOf(taints);
        schedulerName = schedulerName == null ? "" : schedulerName;
        spot = spot == null ? GroupSpot.NONE : spot;
    }

    public NodeGroup(
            String name,
            Boolean isDefault,
            Map<String, String> labels,
            List<Taint> taints,
            String schedulerName,
            GroupMatch match,
            Scaling scaling) {
        this(name, isDefault, labels, taints, schedulerName, match, scaling, null);
    }

    /** Every nodeSelector entry a pod of this group gets, the group label first. */
    public Map<String, String> nodeSelector(String groupLabelKey) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put(groupLabelKey, name);
        selector.putAll(labels);
        return selector;
    }
}
