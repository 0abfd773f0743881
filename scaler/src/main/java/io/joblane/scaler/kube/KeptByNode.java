package io.joblane.scaler.kube;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Groups a scan's pods node by node and keeps a node's list object while its pods are the very same objects in the same
 * order, so what a reader derived from the list and kept on it (the planner's load, lanes' expected ends) holds at the
 * next scan; any difference (a pod changed, added, gone or moved) gives the node a new list. Shared by the planner's
 * ({@link PodsByNode}) and lanes' ({@link LanePodsByNode}) side of the kube adapter. Pure; loop thread only.
 *
 * @param <P> the translated pod
 * @param <L> the list a node's pods are handed in (immutable, made by the given function)
 */
final class KeptByNode<P, L extends List<P>> {
    private final Function<List<P>, L> make;
    /** Last scan's lists by node name; only nodes listed then with pods. */
    private Map<String, L> last = Map.of();

    KeptByNode(Function<List<P>, L> make) {
        this.make = make;
    }

    /**
     * Beside {@code nodes} one for one, the pods bound to each ({@code nodeOf} names it; {@code List.of()} for a node
     * without any); every other pod (no node, or one not listed) is added to {@code others}. Orders are kept.
     */
    <N> List<List<P>> group(
            List<N> nodes, Function<N, String> nameOf, List<P> pods, Function<P, String> nodeOf, List<P> others) {
        Map<String, Integer> position = new HashMap<>(nodes.size() * 4 / 3 + 1);
        for (int i = 0; i < nodes.size(); i++) {
            position.putIfAbsent(nameOf.apply(nodes.get(i)), i);
        }
        List<List<P>> bound = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            bound.add(null);
        }
        for (P pod : pods) {
            String node = nodeOf.apply(pod);
            Integer at = node == null ? null : position.get(node);
            if (at == null) {
                others.add(pod);
                continue;
            }
            List<P> onNode = bound.get(at);
            if (onNode == null) {
                onNode = new ArrayList<>(4);
                bound.set(at, onNode);
            }
            onNode.add(pod);
        }
        Map<String, L> kept = new HashMap<>(nodes.size() * 4 / 3 + 1);
        List<List<P>> ofNodes = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            List<P> onNode = bound.get(i);
            if (onNode == null) {
                ofNodes.add(List.of());
                continue;
            }
            String name = nameOf.apply(nodes.get(i));
            L before = last.get(name);
            L handed = sameObjects(before, onNode) ? before : make.apply(onNode);
            kept.put(name, handed);
            ofNodes.add(handed);
        }
        last = kept;
        return ofNodes;
    }

    private static <P> boolean sameObjects(List<P> before, List<P> now) {
        if (before == null || before.size() != now.size()) {
            return false;
        }
        for (int i = 0; i < now.size(); i++) {
            if (before.get(i) != now.get(i)) {
                return false;
            }
        }
        return true;
    }
}
