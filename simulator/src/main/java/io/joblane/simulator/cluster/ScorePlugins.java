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
 *       ({@link io.joblane.model.lanes.LaneTerm}, weights summing to 50) a node matching the highest sum gets 100,
 *       one matching part of it its share, one matching none 0 (all 0 when none matches). With the on-demand term
 *       (100) as well, a node matching it and the whole lane scores 150 before normalising.
 *   <li>NodeResourcesFit (LeastAllocated or MostAllocated) scores 0–100 with weight 1; the simulator keeps it as an
 *       exact fraction ({@link SimCluster#score}) rather than the plugin's integer.
 * </ul>
 *
 * {@link #compare} orders two nodes by the weighted sums: {@link #points} plus 100 times the fit. Two nodes with the
 * same points are compared on the fit alone, so without a preferred term (points in multiples of 100, the fit
 * differing by less than 100) the order is exactly the points first and the fit second. Pure.
 */
final class ScorePlugins {
    static final int MAX_NODE_SCORE = 100;
    static final int TAINT_TOLERATION_WEIGHT = 3;
    static final int NODE_AFFINITY_WEIGHT = 2;
    /** The on-demand term's weight, as the webhook writes it. */
    static final int ON_DEMAND_WEIGHT = io.joblane.model.config.GroupSpot.ON_DEMAND_PREFERENCE_WEIGHT;

    private ScorePlugins() {}

    /**
     * TaintToleration's and NodeAffinity's weighted, normalised points of a feasible node, from the sum of the weights
     * of the pod's preferred terms the node matches, normalised as {@code DefaultNormalizeScore} does to the highest
     * sum over the feasible nodes (integer division; 0 for all when the highest is 0).
     */
    static int points(boolean preferNoScheduleTaint, int affinity, int maxAffinity) {
        int nodeAffinity = maxAffinity == 0 ? 0 : MAX_NODE_SCORE * affinity / maxAffinity;
        return TAINT_TOLERATION_WEIGHT * (preferNoScheduleTaint ? 0 : MAX_NODE_SCORE)
                + NODE_AFFINITY_WEIGHT * nodeAffinity;
    }

    /**
     * Which of two feasible nodes scores higher (positive: the first), from their {@link #points} and their
     * NodeResourcesFit fraction (0–1, weight 1): equal points compare the fit alone, exactly; otherwise the weighted
     * sums, points + 100 x fit. With points that differ by multiples of 100 (one preferred term) that is the order of
     * the points, since two fits differ by less than 1; with graded lane terms, or the on-demand term beside them,
     * NodeAffinity gives fractions of 100 (a node matching the 100 term of a pod whose highest sum is 150 scores 66),
     * which a better fit can outweigh.
     */
    static int compare(int pointsA, double fitA, int pointsB, double fitB) {
        if (pointsA == pointsB) {
            return Double.compare(fitA, fitB);
        }
        return Double.compare(pointsA + MAX_NODE_SCORE * fitA, pointsB + MAX_NODE_SCORE * fitB);
    }
}
