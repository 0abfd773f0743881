package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.CloudInstance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link Topology} of a planning pass from its bins: a node with the group's labels under its own, its
 * zone and the pods bound to it; an instance without a node yet with the group's labels in the instance's zone;
 * capacity asked for and not launched with the group's labels and no zone yet. Pure.
 */
final class ConstrainedPlaces {
    private ConstrainedPlaces() {}

    static Topology of(PassInput in, List<Bin> bins) {
        Topology t = new Topology(in.cloud().zones());
        Map<String, String> groupLabels = in.spec().nodeLabels();
        for (Bin b : bins) {
            NodeInfo n = b.node();
            if (n != null) {
                Map<String, String> labels = new LinkedHashMap<>(groupLabels);
                labels.putAll(n.labels());
                CloudInstance inst = in.instanceOf(n);
                String zone = labels.getOrDefault(NodeFit.ZONE, inst == null ? null : inst.zone());
                t.add(labels, zone, in.index().boundTo(n.name()));
            } else {
                CloudInstance inst =
                        b.instanceId() == null ? null : in.instances().get(b.instanceId());
                t.add(groupLabels, inst == null ? null : inst.zone(), List.of());
            }
        }
        return t;
    }
}
