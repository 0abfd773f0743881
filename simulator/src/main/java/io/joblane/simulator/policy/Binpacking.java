package io.joblane.simulator.policy;

import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.SimPod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The scale-up estimate shared by the cluster-autoscaler and Karpenter models: waiting pods, largest first, first fit
 * onto the nodes already booting (assumed empty, so nothing is ordered twice) and then onto new nodes of the shape.
 */
final class Binpacking {
    private Binpacking() {}

    /** How many new nodes the waiting pods need beyond the {@code booting} ones. */
    static int newNodes(NodeShape shape, List<SimPod> waiting, int booting) {
        List<SimPod> pods = new ArrayList<>(waiting);
        pods.sort(Comparator.comparingDouble(
                        (SimPod p) -> (double) p.cpu / shape.usableCpu() + (double) p.memory / shape.usableMemory())
                .reversed());
        List<long[]> bins = new ArrayList<>();
        for (int i = 0; i < booting; i++) {
            bins.add(emptyBin(shape));
        }
        for (SimPod pod : pods) {
            long[] target = null;
            for (long[] bin : bins) {
                if (bin[0] >= pod.cpu && bin[1] >= pod.memory && bin[2] >= pod.gpu && bin[3] >= 1) {
                    target = bin;
                    break;
                }
            }
            if (target == null) {
                target = emptyBin(shape);
                bins.add(target);
            }
            target[0] -= pod.cpu;
            target[1] -= pod.memory;
            target[2] -= pod.gpu;
            target[3] -= 1;
        }
        return bins.size() - booting;
    }

    private static long[] emptyBin(NodeShape shape) {
        return new long[] {shape.usableCpu(), shape.usableMemory(), shape.gpus(), shape.usablePods()};
    }
}
