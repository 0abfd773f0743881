package io.joblane.scaler.lanes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A scan's Job pods as lanes reads them: beside the scan's group nodes one for one, the pods bound to each (bound, not
 * finished); every other pod (finished, unbound, or bound to a node not listed) in {@code others}.
 */
public record LanePods(List<List<LanePod>> ofNodes, List<LanePod> others) {
    public LanePods {
        if (ofNodes == null || others == null) {
            throw new IllegalArgumentException("pods of nodes and other pods must both be given");
        }
    }

    /** The pods of a flat list, grouped beside {@code nodes} (the default of {@link LanesAccess#pods(List)}). */
    public static LanePods group(List<LaneNode> nodes, List<LanePod> pods) {
        Map<String, Integer> index = new HashMap<>(nodes.size() * 4 / 3 + 1);
        List<List<LanePod>> ofNodes = new ArrayList<>(nodes.size());
        for (LaneNode n : nodes) {
            index.putIfAbsent(n.name(), ofNodes.size());
            ofNodes.add(new ArrayList<>(2));
        }
        List<LanePod> others = new ArrayList<>();
        for (LanePod p : pods) {
            String node = groupNode(p);
            Integer i = node == null ? null : index.get(node);
            (i == null ? others : ofNodes.get(i)).add(p);
        }
        return new LanePods(ofNodes, others);
    }

    /** The node a pod is handed under when that node is listed: its own while bound and not finished, else none. */
    public static String groupNode(LanePod p) {
        return p.bound() && p.node() != null && !p.finishedRun() ? p.node() : null;
    }
}
