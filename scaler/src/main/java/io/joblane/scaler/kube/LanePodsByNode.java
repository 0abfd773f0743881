package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.joblane.scaler.lanes.LaneNode;
import io.joblane.scaler.lanes.LaneNodePods;
import io.joblane.scaler.lanes.LanePod;
import io.joblane.scaler.lanes.LanePods;
import io.joblane.scaler.lanes.LanesAccess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Lanes' pods from the informer cache, node by node ({@link LanesAccess#pods(List)}): a pod is translated again only
 * when its cached object changed (another resourceVersion), so an unchanged pod is the same {@link LanePod} and a node
 * whose bound pods are unchanged is handed the same {@link LaneNodePods} ({@link KeptByNode}), on which lanes keeps
 * the ends it predicted. Only translations of pods still cached are held: a scan that finds fewer pods than it holds
 * drops the others. Pure; loop thread only.
 */
final class LanePodsByNode {
    private final Function<Pod, LanePod> translator;
    /** By pod uid (namespace/name when it has none). */
    private final Map<String, Translation> translations = new HashMap<>();

    private final KeptByNode<LanePod, LaneNodePods> byNode = new KeptByNode<>(LaneNodePods::new);
    private long scan;

    private static final class Translation {
        String version;
        LanePod pod;
        /** The last scan that found the pod cached. */
        long scan;
    }

    LanePodsByNode(Function<Pod, LanePod> translator) {
        this.translator = translator;
    }

    /** The cached pods' translations, in their order. */
    List<LanePod> translate(List<Pod> pods) {
        scan++;
        List<LanePod> out = new ArrayList<>(pods.size());
        int found = 0;
        for (Pod p : pods) {
            ObjectMeta meta = p.getMetadata();
            String key = meta.getUid() != null ? meta.getUid() : meta.getNamespace() + "/" + meta.getName();
            String version = meta.getResourceVersion();
            Translation t = translations.computeIfAbsent(key, k -> new Translation());
            if (t.scan != scan) {
                t.scan = scan;
                found++;
            }
            if (t.pod == null || version == null || !version.equals(t.version)) {
                t.pod = translator.apply(p);
                t.version = version;
            }
            out.add(t.pod);
        }
        if (translations.size() > found) {
            translations.values().removeIf(t -> t.scan != scan); // pods deleted since the last scan
        }
        return out;
    }

    /** The cached pods beside {@code nodes} one for one, as {@link LanePods#group} groups them. */
    LanePods group(List<LaneNode> nodes, List<Pod> pods) {
        List<LanePod> others = new ArrayList<>();
        List<List<LanePod>> ofNodes = byNode.group(nodes, LaneNode::name, translate(pods), LanePods::groupNode, others);
        return new LanePods(ofNodes, others);
    }

    /** How many translations are held (those of the pods the last scan found). */
    int held() {
        return translations.size();
    }
}
