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
 *       over the feasible nodes ({@code DefaultNormalizeScore(MaxNodeScore, false, ...)}, integer division,
 *       pkg/scheduler/framework/plugins/nodeaffinity): with the lane's graded terms
 *       ({@link io.joblane.model.lanes.LaneTerm}) a node matching the highest sum gets 100, one matching part of it
 *       its share, one matching none 0 (all 0 when none matches).
 *   <li>NodeResourcesFit (LeastAllocated or MostAllocated) scores 0–100 with weight 1; the simulator keeps it as an
 *       exact fraction ({@link SimCluster#score}) rather than the plugin's integer.
 * </ul>
 *
 * The total is {@link #points} plus 100 times the fit. Two nodes with the same points are compared on the fit alone,
 * so without a lane term (points in multiples of 100, the fit differing by less than 100) the order is exactly the
 * points first and the fit second. Pure.
 */
final class ScorePlugins {
    static final int MAX_NODE_SCORE = 100;
    static final int TAINT_TOLERATION_WEIGHT = 3;
    static final int NODE_AFFINITY_WEIGHT = 2;

    private ScorePlugins() {}

    /**
     * TaintToleration's and NodeAffinity's weighted, normalised points of a feasible node whose matched lane terms
     * weigh {@code laneWeight}, the highest over the feasible nodes being {@code maxLaneWeight}.
     */
    static int points(boolean preferNoScheduleTaint, int laneWeight, int maxLaneWeight) {
        int affinity = maxLaneWeight == 0 ? 0 : MAX_NODE_SCORE * laneWeight / maxLaneWeight;
        return TAINT_TOLERATION_WEIGHT * (preferNoScheduleTaint ? 0 : MAX_NODE_SCORE) + NODE_AFFINITY_WEIGHT * affinity;
    }

    /** Positive when a node with {@code points} and {@code fit} scores higher than the other, 0 when equal. */
    static int compare(int points, double fit, int otherPoints, double otherFit) {
        if (points == otherPoints) {
            return Double.compare(fit, otherFit);
        }
        return Double.compare(points + MAX_NODE_SCORE * fit, otherPoints + MAX_NODE_SCORE * otherFit);
    }
}
