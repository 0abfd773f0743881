package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.AsgMember;
import io.joblane.scaler.cloud.CloudInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Step "classify" of the planning pass: the group's nodes and the capacity on its way become bins, in the order
 * waiting pods are offered to them (free, reclaimable, incoming), with the counts the group's status reports.
 * Nodes that are not capacity (a human's, leaving, NotReady past the registration timeout) get no bin.
 */
final class Classification {
    private final PassInput in;
    private final List<Bin> bins;
    private int ready;
    private int draining;
    private int cordoned;
    private int noticed;

    private Classification(PassInput in, int nodes) {
        this.in = in;
        this.bins = new ArrayList<>(nodes + 16); // sized: a group of thousands of nodes grew it every pass
    }

    /** {@code loads} and {@code instances}: beside {@code nodes} one for one, each node's load and instance. */
    static Classification of(PassInput in, List<NodeInfo> nodes, NodeLoad[] loads, CloudInstance[] instances) {
        Classification c = new Classification(in, nodes.size());
        c.addNodes(nodes, loads, instances);
        c.addIncomingInstances();
        c.addDesiredNotLaunched();
        // Stable order: free nodes, then drained ones to take back, then capacity on its way.
        c.bins.sort(Comparator.comparing(Bin::kind));
        return c;
    }

    List<Bin> bins() {
        return bins;
    }

    int ready() {
        return ready;
    }

    int draining() {
        return draining;
    }

    int cordoned() {
        return cordoned;
    }

    /** Nodes carrying a Spot notice: fenced, not capacity, and not counted against {@code maxDraining}. */
    int noticed() {
        return noticed;
    }

    /** Nodes or instances on their way. */
    int launching() {
        return (int) bins.stream().filter(b -> b.kind() == Bin.Kind.INCOMING).count();
    }

    private void addNodes(List<NodeInfo> nodes, NodeLoad[] loads, CloudInstance[] instances) {
        for (int i = 0; i < nodes.size(); i++) {
            NodeInfo n = nodes.get(i);
            if (n.noticed()) {
                noticed++;
            } else if (n.draining() != DrainState.NONE) {
                draining++;
            }
            if (n.cordonedByJoblane()) {
                cordoned++;
            }
            Bin bin = binOf(n, loads[i], instances[i], i);
            if (bin != null) {
                bins.add(bin);
                if (n.ready()) {
                    ready++;
                }
            }
        }
    }

    /** The node's bin, or null when it is not capacity; {@code at}: its position among the group's nodes. */
    private Bin binOf(NodeInfo n, NodeLoad load, CloudInstance inst, int at) {
        boolean reclaimable = n.cordonedByJoblane() || n.draining() != DrainState.NONE;
        if (!capacity(n, inst, reclaimable)) {
            return null;
        }
        GroupSpec spec = in.spec();
        boolean young =
                n.created() == null || !in.deadlines().passed(n.created().plus(spec.registrationTimeout()));
        if (n.ready() && young && !reclaimable && !n.advertisesExtended(spec.shape())) {
            // Device plugin not up yet: still arriving with the template's resources (as cluster-autoscaler
            // and Karpenter treat it), or the same GPU pods would order a second node.
            return new Bin(Bin.Kind.INCOMING, n, n.instanceId(), true, in.kindOf(n.instanceId()), load, at);
        }
        if (n.ready()) {
            return new Bin(reclaimable ? Bin.Kind.RECLAIMABLE : Bin.Kind.FREE, n, n.instanceId(), false, 0, load, at);
        }
        return young ? new Bin(Bin.Kind.INCOMING, n, n.instanceId(), false, 0, load, at) : null;
    }

    private static boolean capacity(NodeInfo n, CloudInstance inst, boolean reclaimable) {
        if (inst != null && !inst.state().isCapacity()) {
            return false; // leaving
        }
        if (n.cordonedByHuman() || n.terminationRequestedAt() != null || n.noticed()) {
            return false; // a human's, leaving (its termination may have acted), or Spot's to take
        }
        // Our own node whose instance is gone from the group: never take it back.
        return inst != null || n.instanceId() == null || !reclaimable;
    }

    /** Capacity instances without a node, within the registration timeout (older ones are cloud hygiene's). */
    private void addIncomingInstances() {
        Duration timeout = in.spec().registrationTimeout();
        for (CloudInstance i : in.index().nodeless(in.cloud().instances())) {
            Duration age = i.launchTime() == null ? Duration.ZERO : Duration.between(i.launchTime(), in.now());
            if (age.compareTo(timeout) <= 0) {
                if (i.launchTime() != null) {
                    in.deadlines().passed(i.launchTime().plus(timeout));
                }
                bins.add(new Bin(Bin.Kind.INCOMING, i.id(), in.kindOf(i.id())));
            }
        }
    }

    /**
     * Desired above the capacity instances that exist: asked for, not launched yet; for a group over several Auto
     * Scaling groups, per member, each of its member's kind of new node.
     */
    private void addDesiredNotLaunched() {
        if (!in.cloud().members().isEmpty()) {
            for (AsgMember m : in.cloud().members()) {
                int kind = PassInput.kindOfAsg(in.kinds(), m.id());
                for (int g = m.notLaunched(in.cloud().instances()); g > 0; g--) {
                    bins.add(new Bin(Bin.Kind.INCOMING, null, kind));
                }
            }
            return;
        }
        int capacityInstances = (int) in.cloud().instances().stream()
                .filter(i -> i.state().isCapacity())
                .count();
        int gap = Math.max(0, in.cloud().desired() - capacityInstances);
        for (int g = 0; g < gap; g++) {
            bins.add(new Bin(Bin.Kind.INCOMING, null, 0));
        }
    }
}
