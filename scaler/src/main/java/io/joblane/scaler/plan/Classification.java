package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.AsgMember;
import io.joblane.scaler.cloud.CloudInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * Step "classify" of the planning pass: the group's nodes and the capacity on its way become bins, in the order
 * waiting pods are offered to them (free, reclaimable, incoming), with the counts the group's status reports.
 * Nodes that are not capacity (a human's, leaving, NotReady past the registration timeout) get no bin.
 */
final class Classification {
    /** A node's counts and outcome, one byte per node ({@link Kept#flags}). */
    private static final byte NOTICED = 1;

    private static final byte DRAINING = 2;
    private static final byte CORDONED = 4;
    /** Ready and capacity: counted as ready. */
    private static final byte READY = 8;
    /** Its outcome holds only until its registration timeout passes (an incoming bin): classified again each pass. */
    private static final byte YOUNG = 16;
    /** The bin's kind, shifted: 0 no bin, else {@link Bin.Kind#ordinal} + 1. */
    private static final int KIND_SHIFT = 5;

    private static final Bin.Kind[] KINDS = Bin.Kind.values();

    private final PassInput in;
    /** The bins, the first {@link #size} (read through {@link #bins}, a view). */
    private Bin[] bins;
    /** Beside {@link #bins} one for one, the bin's node's position among the group's nodes, -1 without a node. */
    private int[] at;

    private int size;

    private int ready;
    private int draining;
    private int cordoned;
    private int noticed;
    private int launching;
    /** Bins of kind FREE, then RECLAIMABLE: the first ones of {@link #bins}, in this order. */
    private int free;

    private int reclaimable;
    /** Where the bins of capacity asked for and not launched yet begin: they are the last ones, up to {@link #size}. */
    private int notLaunchedFrom;
    /** Set by {@link #binOf}: the outcome it gave (an incoming bin) holds only until the node's registration timeout. */
    private boolean young;

    private Classification(PassInput in, int nodes) {
        this.in = in;
        this.bins = new Bin[nodes + 16]; // sized: a group of thousands of nodes grew it every pass
        this.at = new int[nodes + 16];
    }

    /** {@code loads} and {@code instances}: beside {@code nodes} one for one, each node's load and instance. */
    static Classification of(PassInput in, List<NodeInfo> nodes, NodeLoad[] loads, CloudInstance[] instances) {
        Classification c = new Classification(in, nodes.size());
        c.addNodes(in.index().keptClassification(in.spec().name()), nodes, loads, instances);
        c.addIncomingInstances();
        c.addDesiredNotLaunched();
        return c;
    }

    List<Bin> bins() {
        return new BinList(bins, size);
    }

    /** A read-only view of the first {@code size} bins: the steps index it (an {@code ArrayList} cost its adds). */
    private static final class BinList extends AbstractList<Bin> implements RandomAccess {
        private final Bin[] bins;
        private final int size;

        BinList(Bin[] bins, int size) {
            this.bins = bins;
            this.size = size;
        }

        @Override
        public Bin get(int index) {
            return bins[Objects.checkIndex(index, size)];
        }

        @Override
        public int size() {
            return size;
        }
    }

    /**
     * The position among the group's nodes ({@link SnapshotIndex#nodes}) of bin {@code bin}'s node, -1 without a node:
     * what the steps mark a node by (needed, drained), rather than by its name.
     */
    int at(int bin) {
        return at[bin];
    }

    int ready() {
        return ready;
    }

    /** The first of the bins of capacity asked for and not launched yet (no node, no instance), the last bins. */
    int notLaunchedFrom() {
        return notLaunchedFrom;
    }

    int draining() {
        return draining;
    }

    /** The FREE bins, every one a Ready node: {@code bins[0, free)}. */
    int free() {
        return free;
    }

    /** The RECLAIMABLE bins, every one a Ready node: {@code bins[free, free + reclaimable)}. */
    int reclaimable() {
        return reclaimable;
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
        return launching;
    }

    /**
     * What one group's last pass derived node by node (loop thread, handed from index to index): a node that is the
     * very same object with the very same instance keeps its outcome. Past its registration timeout, a node's outcome
     * reads nothing else but that timeout (compared; the instant only moves on, checked); within it, a Ready node's
     * free or reclaimable bin reads the template's extended resources too (compared) and stays so once the timeout
     * passes, while an incoming bin reads the instant and the pass's kinds, so such a node (few: booting, or waiting
     * for its device plugin) is classified again at every pass. The work of a pass then follows the nodes that
     * changed, without a read of the others' objects.
     */
    static final class Kept {
        private List<NodeInfo> nodes = List.of();
        private CloudInstance[] instances = new CloudInstance[0];
        private NodeLoad[] loads = new NodeLoad[0];
        private Bin[] bins = new Bin[0];
        private byte[] flags = new byte[0];
        private Duration timeout;
        private Resources template;
        private Instant now;
        /** The counts over every node's flags: {@link #count} of each (noticed, draining, cordoned, ready, kinds). */
        private int[] counts = new int[COUNTS];
        /**
         * The last pass's node bins laid out by kind (the first {@link #byKindSize} of its classification's arrays,
         * not written since) and, per node, its place there (-1 without a bin); null when not kept: a pass in which no
         * node moved and none changed kind copies them and puts the changed nodes' bins in, rather than laying out
         * every bin again.
         */
        private Bin[] byKindBins;

        private int[] byKindAt;
        private int[] byKindPlaceOf = new int[0];
        private int byKindSize;
        /** Passes that copied the last layout by kind (tests). */
        private int layoutsCopied;
        /**
         * The places whose flags say {@link #YOUNG}, in order (their outcome may change with time alone, so a patch
         * looks at them at every pass); null when not known.
         */
        private int[] young;
        /** Passes that patched only the places their inputs name as changed, without a walk of every node (tests). */
        private int patchedFromChanges;

        int patchedFromChanges() {
            return patchedFromChanges;
        }

        int layoutsCopied() {
            return layoutsCopied;
        }
    }

    /** {@link Kept#counts}: noticed, draining, cordoned, ready, then one per bin kind. */
    private static final int COUNTS = 4 + KINDS.length;

    /**
     * The group's nodes' bins, in a stable order by kind (free, reclaimable, incoming: nodes in their order within a
     * kind) as a stable sort of the bins in node order would put them, and the counts; from {@code kept} for the
     * nodes it holds unchanged, then kept for the next pass.
     */
    private void addNodes(Kept kept, List<NodeInfo> nodes, NodeLoad[] loads, CloudInstance[] instances) {
        GroupSpec spec = in.spec();
        boolean same = spec.registrationTimeout().equals(kept.timeout)
                && spec.shape().equals(kept.template)
                && kept.now != null
                && !in.now().isBefore(kept.now);
        // Unset until the end: a pass that fails half way (the kept arrays patched in part) leaves them unused.
        kept.now = null;
        int n = nodes.size();
        int[] was = same ? in.index().pairing(kept.nodes, nodes) : null;
        Bin[] lastByKind = kept.byKindBins;
        kept.byKindBins = null; // a pass that fails half way leaves none
        int[] patched = null;
        int[] young = kept.young;
        kept.young = null; // as the layout: known again once the pass is through
        if (was != null && NodeEdits.keepsPlaces(was, kept.flags.length)) {
            int[] maybe = young == null ? null : maybeChanged(kept, loads, instances, young);
            patched = patchNodes(kept, nodes, loads, instances, was, maybe);
            young = youngPlaces(maybe, kept.flags);
            kept.patchedFromChanges += maybe == null ? 0 : 1;
        } else {
            Bin[] binOf = new Bin[n];
            byte[] flags = new byte[n];
            int[] counts = new int[COUNTS];
            int[] runs = was == null ? new int[0] : carry(kept, was, instances, loads, binOf, flags, counts);
            for (int i : NodeEdits.fresh(runs, n)) {
                derive(nodes.get(i), loads[i], instances[i], i, binOf, flags, counts);
            }
            kept.bins = binOf;
            kept.flags = flags;
            kept.counts = counts;
            young = youngPlaces(null, flags);
        }
        setCounts(kept.counts);
        if (patched != null && lastByKind != null && kept.byKindPlaceOf.length == n) {
            copyByKind(kept, lastByKind, patched);
            kept.layoutsCopied++;
        } else {
            addByKind(kept.bins, kept.flags, kept);
        }
        kept.young = young;
        kept.byKindBins = bins;
        kept.byKindAt = at;
        kept.byKindSize = size;
        kept.nodes = nodes;
        kept.instances = instances;
        kept.loads = loads;
        kept.timeout = spec.registrationTimeout();
        kept.template = spec.shape();
        kept.now = in.now();
    }

    /**
     * No node moved (most passes: a node's pods came or went): the kept outcomes are updated in place, those of the
     * changed nodes derived again and their counts moved, a kept bin whose load changed made again. Returns the places
     * whose bin was made again, or null when a node's bin changed kind (the layout by kind then moves). Only the
     * places {@code maybe} names are looked at when it is not null (the others are known to be as they were).
     */
    private int[] patchNodes(
            Kept kept, List<NodeInfo> nodes, NodeLoad[] loads, CloudInstance[] instances, int[] was, int[] maybe) {
        int[] patched = new int[8];
        int changed = 0;
        boolean kindChanged = false;
        int looked = maybe == null ? was.length : maybe.length;
        for (int k = 0; k < looked; k++) {
            int i = maybe == null ? k : maybe[k];
            if (was[i] == i && kept.instances[i] == instances[i] && (kept.flags[i] & YOUNG) == 0) {
                if (kept.loads[i] != loads[i] && kept.bins[i] != null) {
                    kept.bins[i] = withLoad(kept.bins[i], loads[i]);
                    patched = changed == patched.length ? Arrays.copyOf(patched, 2 * changed) : patched;
                    patched[changed++] = i;
                }
                continue;
            }
            int kind = kept.flags[i] >> KIND_SHIFT;
            count(kept.flags[i], kept.counts, -1);
            derive(nodes.get(i), loads[i], instances[i], i, kept.bins, kept.flags, kept.counts);
            kindChanged |= kept.flags[i] >> KIND_SHIFT != kind;
            patched = changed == patched.length ? Arrays.copyOf(patched, 2 * changed) : patched;
            patched[changed++] = i;
        }
        return kindChanged ? null : Arrays.copyOf(patched, changed);
    }

    /**
     * The places, in order, where a node's instance or load may differ from the kept ones (as the index and the
     * instances' answer know them: the node changed, its pods, its instance looked up again) or whose outcome may
     * change with time ({@code young}, the kept {@link Kept#young}): a patch looks at these only. Null when either is
     * not known.
     */
    private int[] maybeChanged(Kept kept, NodeLoad[] loads, CloudInstance[] instances, int[] young) {
        int[] byLoad = in.index().loadsChangedSince(in.spec().name(), loads, kept.loads, kept.nodes);
        int[] byInstance = byLoad == null ? null : in.index().instancesChangedSince(instances, kept.instances);
        return byInstance == null ? null : union(union(byLoad, byInstance), young);
    }

    /** The places of two rising lists, rising, each once. */
    private static int[] union(int[] a, int[] b) {
        if (a.length == 0 || b.length == 0) {
            return a.length == 0 ? b : a;
        }
        int[] out = new int[a.length + b.length];
        int n = 0;
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            int next = j == b.length || i < a.length && a[i] <= b[j] ? a[i] : b[j];
            i += i < a.length && a[i] == next ? 1 : 0;
            j += j < b.length && b[j] == next ? 1 : 0;
            out[n++] = next;
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * The places whose flags say {@link #YOUNG}, in order: among {@code looked} (rising) when not null, else among
     * all. After a patch that looked at {@code looked} only, those are all of them: every young place before it was
     * among them ({@link #maybeChanged}), and no other became young.
     */
    private static int[] youngPlaces(int[] looked, byte[] flags) {
        int places = looked == null ? flags.length : looked.length;
        int[] out = new int[8];
        int n = 0;
        for (int k = 0; k < places; k++) {
            int i = looked == null ? k : looked[k];
            if ((flags[i] & YOUNG) != 0) {
                out = n == out.length ? Arrays.copyOf(out, 2 * n) : out;
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The node's bin and flags at place {@code i} of {@code bins} and {@code flags}, counted in {@code counts}. */
    private void derive(
            NodeInfo node, NodeLoad load, CloudInstance inst, int i, Bin[] bins, byte[] flags, int[] counts) {
        bins[i] = binOf(node, load, inst);
        flags[i] = flagsOf(node, bins[i]);
        count(flags[i], counts, 1);
    }

    /**
     * Where each node's outcome is kept ({@code was}, filtered), copied run by run into {@code binOf} and
     * {@code flags}: a node inserted or removed moves the others' positions, not their outcomes. The counts become the
     * kept ones without the nodes that left; a kept bin whose load changed is made again. Returns the runs.
     */
    private static int[] carry(
            Kept kept,
            int[] was,
            CloudInstance[] instances,
            NodeLoad[] loads,
            Bin[] binOf,
            byte[] flags,
            int[] counts) {
        int n = was.length;
        int[] from = new int[n];
        int[] reload = new int[8];
        int reloads = 0;
        for (int i = 0; i < n; i++) {
            int j = was[i];
            from[i] = j >= 0 && kept.instances[j] == instances[i] && (kept.flags[j] & YOUNG) == 0 ? j : -1;
            if (from[i] >= 0 && kept.loads[j] != loads[i] && kept.bins[j] != null) {
                reload = reloads == reload.length ? Arrays.copyOf(reload, reloads * 2) : reload;
                reload[reloads++] = i;
            }
        }
        int[] runs = NodeEdits.runs(from);
        NodeEdits.copyRuns(runs, kept.flags, flags);
        NodeEdits.copyRuns(runs, kept.bins, binOf);
        System.arraycopy(kept.counts, 0, counts, 0, COUNTS);
        for (int q : NodeEdits.left(runs, kept.flags.length)) {
            count(kept.flags[q], counts, -1);
        }
        for (int k = 0; k < reloads; k++) {
            binOf[reload[k]] = withLoad(binOf[reload[k]], loads[reload[k]]);
        }
        return runs;
    }

    /** Adds ({@code sign} 1) or takes away (-1) one node's flags to or from {@code counts} ({@link Kept#counts}). */
    private static void count(byte f, int[] counts, int sign) {
        counts[0] += sign * (f & NOTICED);
        counts[1] += sign * ((f & DRAINING) >> 1);
        counts[2] += sign * ((f & CORDONED) >> 2);
        counts[3] += sign * ((f & READY) >> 3);
        int kind = f >> KIND_SHIFT;
        if (kind > 0) {
            counts[3 + kind] += sign;
        }
    }

    private void setCounts(int[] counts) {
        noticed = counts[0];
        draining = counts[1];
        cordoned = counts[2];
        ready = counts[3];
        free = counts[4 + Bin.Kind.FREE.ordinal()];
        reclaimable = counts[4 + Bin.Kind.RECLAIMABLE.ordinal()];
        launching = counts[4 + Bin.Kind.INCOMING.ordinal()];
    }

    /**
     * A stable sort by kind: the bins of each kind in node order, in one walk of the flags that puts each bin at the
     * next place of its kind's range (the counts give the ranges), rather than one walk per kind.
     */
    private void addByKind(Bin[] binOf, byte[] flags, Kept kept) {
        int[] placeOf = kept.byKindPlaceOf.length == flags.length ? kept.byKindPlaceOf : new int[flags.length];
        int[] next = {0, free, free + reclaimable};
        for (int i = 0; i < flags.length; i++) {
            int kind = flags[i] >> KIND_SHIFT;
            if (kind > 0) {
                int b = next[kind - 1]++;
                bins[b] = binOf[i];
                at[b] = i;
                placeOf[i] = b;
            } else {
                placeOf[i] = -1;
            }
        }
        size = next[KINDS.length - 1];
        kept.byKindPlaceOf = placeOf;
    }

    /**
     * {@link #addByKind}'s layout when no node moved or changed kind since the last pass: the last pass's, with the
     * bins made again at {@code patched} put in at their places.
     */
    private void copyByKind(Kept kept, Bin[] lastByKind, int[] patched) {
        size = kept.byKindSize;
        System.arraycopy(lastByKind, 0, bins, 0, size);
        System.arraycopy(kept.byKindAt, 0, at, 0, size);
        for (int i : patched) {
            int b = kept.byKindPlaceOf[i];
            if (b >= 0) {
                bins[b] = kept.bins[i];
            }
        }
    }

    private void add(Bin b, int position) {
        if (size == at.length) {
            at = Arrays.copyOf(at, size * 2);
            bins = Arrays.copyOf(bins, size * 2);
        }
        at[size] = position;
        bins[size++] = b;
    }

    /** A kept bin with another load (its position is not the bin's: a kept bin stays when only positions move). */
    private static Bin withLoad(Bin b, NodeLoad load) {
        return new Bin(b.kind(), b.node(), b.instanceId(), b.uninitialised(), b.newNodeKind(), load);
    }

    /** The node's counts and its bin's kind; {@link #YOUNG} when its outcome may change with time alone. */
    private byte flagsOf(NodeInfo n, Bin bin) {
        int f = 0;
        if (n.noticed()) {
            f |= NOTICED;
        } else if (n.draining() != DrainState.NONE) {
            f |= DRAINING;
        }
        if (n.cordonedByJoblane()) {
            f |= CORDONED;
        }
        if (bin != null) {
            f |= (bin.kind().ordinal() + 1) << KIND_SHIFT;
            if (n.ready()) {
                f |= READY;
            }
        }
        if (young) {
            f |= YOUNG;
        }
        return (byte) f;
    }

    /** The node's bin, or null when it is not capacity. */
    private Bin binOf(NodeInfo n, NodeLoad load, CloudInstance inst) {
        young = false;
        boolean reclaimable = n.cordonedByJoblane() || n.draining() != DrainState.NONE;
        if (!capacity(n, inst, reclaimable)) {
            return null;
        }
        GroupSpec spec = in.spec();
        if (n.ready() && (reclaimable || n.advertisesExtended(spec.shape()))) {
            // The same bin before and after its registration timeout: no deadline asked, kept from pass to pass.
            return new Bin(reclaimable ? Bin.Kind.RECLAIMABLE : Bin.Kind.FREE, n, n.instanceId(), false, 0, load);
        }
        young = n.created() == null || !in.deadlines().passed(n.created().plus(spec.registrationTimeout()));
        if (n.ready()) {
            // Device plugin not up yet: still arriving with the template's resources (as cluster-autoscaler
            // and Karpenter treat it), or the same GPU pods would order a second node.
            return young
                    ? new Bin(Bin.Kind.INCOMING, n, n.instanceId(), true, in.kindOf(n.instanceId()), load)
                    : new Bin(Bin.Kind.FREE, n, n.instanceId(), false, 0, load);
        }
        return young ? new Bin(Bin.Kind.INCOMING, n, n.instanceId(), false, 0, load) : null;
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
        for (CloudInstance i : in.index().nodeless(in.cloud())) {
            Duration age = i.launchTime() == null ? Duration.ZERO : Duration.between(i.launchTime(), in.now());
            if (age.compareTo(timeout) <= 0) {
                if (i.launchTime() != null) {
                    in.deadlines().passed(i.launchTime().plus(timeout));
                }
                add(new Bin(Bin.Kind.INCOMING, i.id(), in.kindOf(i.id())), -1);
                launching++;
            }
        }
    }

    /**
     * Desired above the capacity instances that exist: asked for, not launched yet; for a group over several Auto
     * Scaling groups, per member, each of its member's kind of new node.
     */
    private void addDesiredNotLaunched() {
        notLaunchedFrom = size;
        if (!in.cloud().members().isEmpty()) {
            for (AsgMember m : in.cloud().members()) {
                int kind = PassInput.kindOfAsg(in.kinds(), m.id());
                for (int g = m.notLaunched(in.cloud().instances()); g > 0; g--) {
                    add(new Bin(Bin.Kind.INCOMING, null, kind), -1);
                    launching++;
                }
            }
            return;
        }
        int gap = (int) Math.max(0, in.cloud().desired() - in.index().capacityInstances(in.cloud()));
        for (int g = 0; g < gap; g++) {
            add(new Bin(Bin.Kind.INCOMING, null, 0), -1);
            launching++;
        }
    }
}
