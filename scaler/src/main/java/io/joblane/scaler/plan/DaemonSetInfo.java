package io.joblane.scaler.plan;

import io.joblane.model.config.Taint;
import java.util.List;
import java.util.Map;

/**
 * A DaemonSet whose pods land on every node they select and tolerate: their requests are overhead on every new
 * node. Node affinity is not evaluated; a DaemonSet with required node affinity is assumed to land (over-estimating
 * overhead costs a little capacity, under-estimating would strand pods).
 */
public record DaemonSetInfo(
        String namespace,
        String name,
        Resources podRequests,
        Map<String, String> nodeSelector,
        List<Toleration> tolerations) {

    public DaemonSetInfo {
        podRequests = podRequests == null ? Resources.ZERO : podRequests;
        nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
        tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
    }

    /** True when this DaemonSet's pods land on nodes with these labels and taints. */
    public boolean landsOn(Map<String, String> nodeLabels, List<Taint> nodeTaints) {
        for (Map.Entry<String, String> e : nodeSelector.entrySet()) {
            if (!e.getValue().equals(nodeLabels.get(e.getKey()))) {
                return false;
            }
        }
        for (Taint taint : nodeTaints) {
            if ("PreferNoSchedule".equals(taint.effect())) {
                continue;
            }
            if (tolerations.stream().noneMatch(t -> t.tolerates(taint))) {
                return false;
            }
        }
        return true;
    }
}
