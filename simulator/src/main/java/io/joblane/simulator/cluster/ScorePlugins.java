package io.joblane.simulator.cluster;

/**
 * kube-scheduler's score of a feasible node, as the simulated scheduler computes it: each score plugin's node score,
 * normalised over the feasible nodes to 0–100 ({@code MaxNodeScore}), times the plugin's weight, summed. The weights
 * are the defaults of the profile, which the chart's packing scheduler keeps (it only disables
 * NodeResourcesBalancedAllocation and sets NodeResourcesFit's strategy): TaintToleration 3, NodeAffinity 2,
 * NodeResourcesFit 1 ({@code getDefaultPlugins}, pkg/scheduler/apis/config/v1/default_plugins.go of
 * kubernetes/kubernetes). The plugins that score nothing here (PodTopologySpread, InterPodAffinity, ImageLocality:
 * no constraints, one image) add the same to every node and are left out.
 *
 * <ul>
 *   <li>TaintToleration counts the PreferNoSchedule taints the pod does not tolerate and normalises in reverse
 *       ({@code helper.DefaultNormalizeScore(MaxNodeScore, true, ...)}): a node without the draining taint gets 100,
 *       one with it 0 (all 100 when no feasible node has it).
 *   <li>NodeAffinity sums the weights of the pod's preferred terms a node matches and normalises to the highest sum
 *       ({@code DefaultNormalizeScore(MaxNodeScore, false, ...)}, pkg/scheduler/framework/plugins/nodeaffinity): with
 *       the one lane term of weight w the sums are 0 or w, so a matching node gets 100 and the others 0 (all 0 when
 *       none matches). Any weight gives the same order.
 *   <li>NodeResourcesFit (LeastAllocated or MostAllocated) scores 0–100 with weight 1; the simulator keeps it as an
 *       exact fraction ({@link SimCluster#score}) rather than the plugin's integer.
 * </ul>
 *
 * Since the first two give multiples of 100 points and the fit differs by less than 100 between two nodes, comparing
 * {@link #points} first and the fit second is exactly comparing the weighted sums. Pure.
 */
final class ScorePlugins {
    static final int MAX_NODE_SCORE = 100;
    static final int TAINT_TOLERATION_WEIGHT = 3;
    static final int NODE_AFFINITY_WEIGHT = 2;

    private ScorePlugins() {}

    /** TaintToleration's and NodeAffinity's weighted, normalised points of a feasible node. */
    static int points(boolean preferNoScheduleTaint, boolean matchesLane) {
        return TAINT_TOLERATION_WEIGHT * (preferNoScheduleTaint ? 0 : MAX_NODE_SCORE)
                + NODE_AFFINITY_WEIGHT * (matchesLane ? MAX_NODE_SCORE : 0);
    }
}
