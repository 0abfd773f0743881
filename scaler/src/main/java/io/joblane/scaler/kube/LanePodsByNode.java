package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.joblane.scaler.lanes.LaneNode;
import io.joblane.scaler.lanes.LaneNodePods;
import io.joblane.scaler.lanes.LanePod;
import io.joblane.scaler.lanes.LanePods;
import io.joblane.scaler.lanes.LanesAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Lanes' pods from the informer cache, node by node ({@link LanesAccess#pods(List)}): a pod is translated again only
 * when its cached object changed (another resourceVersion), so an unchanged pod is the same {@link LanePod} and a node
 * whose bound pods are unchanged is handed the same {@link LaneNodePods} ({@link KeptByNode}), on which lanes keeps
 * the ends it predicted. Only translations of pods still cached are held ({@link KeptTranslations}, by uid). Pure; loop
 * thread only.
 */
final class LanePodsByNode {
    private final KeptTranslations<Pod, LanePod> translations;
    private final KeptByNode<LanePod, LaneNodePods> byNode = new KeptByNode<>(LaneNodePods::new);

    LanePodsByNode(Function<Pod, LanePod> translator) {
        this.translations = new KeptTranslations<>(KeptTranslations::uid, p -> true, translator);
    }

    /** The cached pods' translations, in their order. */
    List<LanePod> translate(List<Pod> pods) {
        translations.begin();
        List<LanePod> out = new ArrayList<>(pods.size());
        for (Pod p : pods) {
            out.add(translations.translate(p));
        }
        translations.end(); // drops the translations of pods deleted since the last scan
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
        return translations.held();
    }
}
