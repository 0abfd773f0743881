package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.CloudInstance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link Topology} of a planning pass from its bins: a node with the labels every kind of new node of the
 * group carries under its own, its zone and the pods bound to it; an instance without a node yet with its kind's
 * labels in the instance's zone; capacity asked for and not launched with its kind's labels and no zone yet (one of
 * its kind's zones). Pure.
 */
final class ConstrainedPlaces {
    private ConstrainedPlaces() {}

    static Topology of(PassInput in, List<Bin> bins) {
        Topology t = new Topology(in.cloud().zones());
        Map<String, String> groupLabels = commonLabels(in.kinds());
        for (Bin b : bins) {
            NodeInfo n = b.node();
            if (n != null) {
                Map<String, String> labels = new LinkedHashMap<>(groupLabels);
                labels.putAll(n.labels());
                CloudInstance inst = in.instanceOf(n);
                String zone = labels.getOrDefault(NodeFit.ZONE, inst == null ? null : inst.zone());
                t.add(labels, zone, b.load().pods());
            } else {
                CloudInstance inst =
                        b.instanceId() == null ? null : in.instances().get(b.instanceId());
                NewNodeKind kind = in.kinds().get(b.newNodeKind());
                t.add(kind.labels(), inst == null ? null : inst.zone(), List.of(), kind.zones());
            }
        }
        return t;
    }

    /** The labels every kind of new node carries with the same value (at least the group's own). */
    static Map<String, String> commonLabels(List<NewNodeKind> kinds) {
        Map<String, String> common = new LinkedHashMap<>(kinds.get(0).labels());
        for (NewNodeKind k : kinds) {
            common.entrySet().removeIf(e -> !e.getValue().equals(k.labels().get(e.getKey())));
        }
        return common;
    }
}
