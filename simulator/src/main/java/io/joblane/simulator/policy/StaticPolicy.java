package io.joblane.simulator.policy;

import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;

/**
 * A fixed group of {@code nodes} nodes, all Ready from the start: what teams run before autoscaling. With several
 * instance types, all of the largest (a group sized by hand picks a type every Job fits).
 */
public final class StaticPolicy implements ScalingPolicy {
    private final int nodes;

    public StaticPolicy(int nodes) {
        this.nodes = nodes;
    }

    public int nodes() {
        return nodes;
    }

    @Override
    public String name() {
        return "static";
    }

    @Override
    public boolean jobsAnnotatedSafeToEvictFalse() {
        return true;
    }

    @Override
    public void start(SimCluster cluster, long now) {
        for (int i = 0; i < nodes; i++) {
            cluster.launch(null, now, now, cluster.types.largest());
        }
    }

    /** The group keeps its size: a node Spot takes is replaced, at once (optimistic for this reference). */
    @Override
    public void spotTaken(SimCluster cluster, SimNode node, long now) {
        cluster.removeTakenBySpot(node, now);
        cluster.launch(null, now, now);
    }

    @Override
    public boolean scan(SimCluster cluster, long now) {
        return false; // fixed size: nothing to decide
    }

    @Override
    public long nextScanWanted(SimCluster cluster, long now) {
        return Long.MAX_VALUE;
    }

    @Override
    public long scaleActions() {
        return 0;
    }
}
