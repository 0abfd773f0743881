package io.joblane.scaler.plan;

import java.util.Arrays;
import java.util.List;

/**
 * A group's {@link FitTree} kept from pass to pass (issue 14), with what each bin's free room was computed from: the
 * same node object, the same load object and the same kind of new node give the same room, so a pass reloads only the
 * bins whose inputs changed instead of every bin's, and refreshes only their ancestors. The pass's placements and the
 * drain chooser's closes are journaled and undone when the next pass takes the tree. A pass whose layout of names,
 * DaemonSet overhead or kinds of new node differ from the kept tree's gets a fresh tree. Kept by the {@link
 * SnapshotIndex}, handed from scan to scan, a few per group (a group planned once per instance type runs several
 * passes a scan); loop thread only.
 */
final class KeptTree {
    /** Trees kept per group: one per distinct pass of a scan (the passes of {@link NewNodeShapes}), the last used first. */
    static final int PER_GROUP = 4;

    private final String[] layout;
    private final long[] overhead;
    private final List<long[]> kindFree;
    private FitTree tree;
    /**
     * Per bin loaded, the bin its room was computed from, or one of the same node, load and kind of new node since:
     * the classification hands a kept node's bin object again until its node or load changes, so the same object
     * means the same room without reading the bin (a walk of thousands).
     */
    private Bin[] seen = new Bin[0];

    private int loaded;
    /**
     * A load is under way or failed half way (leaves written, their ranges not; bins past the new end not closed):
     * the next one starts from a fresh tree.
     */
    private boolean loading;
    /** The bins reloaded by the last {@link #take} (its cost; tests). */
    private int reloaded;
    /** Of those, the bins whose room was copied from their last place, not computed (tests). */
    private int copied;

    private static final int NODE = Integer.MIN_VALUE;
    private final long[] scratch;

    private KeptTree(String[] layout, NewNodeShape shape) {
        this.layout = layout;
        this.overhead = shape.overheadVector();
        this.scratch = new long[layout.length];
        this.kindFree = new java.util.ArrayList<>();
        for (int k = 0; k < shape.kinds(); k++) {
            kindFree.add(shape.freeWhenNew(k));
        }
    }

    /**
     * The pass's tree: every bin of {@code bins} loaded with its free room, the bins after them closed, room for at
     * least {@code capacity} bins; kept from the group's last pass of the same layout, overhead and kinds when there is
     * one. The tree's placements are journaled for the next pass to undo.
     */
    static FitTree take(PassInput in, NewNodeShape shape, List<Bin> bins, int capacity) {
        String[] layout = in.index().canonical(shape.dims().layout());
        List<KeptTree> kept = in.index().keptTrees(in.spec().name());
        KeptTree k = null;
        for (int i = 0; i < kept.size(); i++) {
            if (kept.get(i).fits(layout, shape)) {
                k = kept.remove(i);
                break;
            }
        }
        if (k == null) {
            k = new KeptTree(layout, shape);
            if (kept.size() >= PER_GROUP) {
                kept.remove(kept.size() - 1);
            }
        }
        kept.add(0, k);
        return k.load(shape, bins, capacity);
    }

    /** Whether a pass of this layout and shape gives every bin the room this tree's were given. */
    private boolean fits(String[] passLayout, NewNodeShape shape) {
        if (!Arrays.equals(layout, passLayout)
                || !Arrays.equals(overhead, shape.overheadVector())
                || kindFree.size() != shape.kinds()) {
            return false;
        }
        for (int k = 0; k < kindFree.size(); k++) {
            if (!Arrays.equals(kindFree.get(k), shape.freeWhenNew(k))) {
                return false;
            }
        }
        return true;
    }

    private FitTree load(NewNodeShape shape, List<Bin> bins, int capacity) {
        int existing = bins.size();
        int dims = layout.length;
        copied = 0;
        boolean failedBefore = loading;
        loading = true;
        // Past four times a fresh tree's size (a burst of new bins grew it), the drain chooser's walk over it costs.
        if (tree == null || failedBefore || tree.capacity() >= 4 * Math.max(capacity, 16)) {
            tree = new FitTree(dims, capacity, existing);
            loaded = 0;
            seen = new Bin[existing];
            for (int b = 0; b < existing; b++) {
                fill(shape, b, bins.get(b));
            }
            tree.build();
            reloaded = existing;
        } else {
            tree.undo();
            if (seen.length < existing) {
                seen = Arrays.copyOf(seen, existing);
            }
            tree.ensureCapacity(existing);
            int[] changed = new int[16];
            int n = 0;
            // Taken at the first bin not at its last place, whole: one copy costs less than looking up, for every bin
            // searched, the places already written (tried: a third of the reload's time).
            Moved moved = null;
            for (int b = 0; b < existing; b++) {
                Bin bin = bins.get(b);
                if (b < loaded && (seen[b] == bin || sameRoom(seen[b], bin))) {
                    seen[b] = bin;
                    continue;
                }
                moved = moved != null ? moved : new Moved(Arrays.copyOf(seen, loaded), tree.freeOfFirst(loaded));
                int was = moved.placeOf(bin, b);
                if (was >= 0) {
                    tree.load(b, moved.free, was * dims); // its room as the last pass computed it
                    seen[b] = bin;
                    copied++;
                } else {
                    fill(shape, b, bin);
                }
                changed = n == changed.length ? Arrays.copyOf(changed, 2 * n) : changed;
                changed[n++] = b;
            }
            for (int b = existing; b < loaded; b++) {
                tree.unload(b);
                seen[b] = null;
                changed = n == changed.length ? Arrays.copyOf(changed, 2 * n) : changed;
                changed[n++] = b;
            }
            tree.refreshAll(changed, n);
            reloaded = n;
        }
        loaded = existing;
        tree.mark();
        loading = false;
        return tree;
    }

    /**
     * The bins of the last pass and their rooms, for the bins that moved: a node inserted, deleted or of another kind
     * shifts every bin after it among the bins (laid out by kind), and their rooms need no computing again.
     */
    private static final class Moved {
        /** How far to look either side of the last shift: the nodes that come, go or change kind in one pass. */
        private static final int WINDOW = 16;

        private final Bin[] seen;
        private final long[] free;
        /** The last shift found: the bins after a move mostly keep it. */
        private int shift;

        Moved(Bin[] seen, long[] free) {
            this.seen = seen;
            this.free = free;
        }

        /**
         * The place {@code bin} (now at {@code b}) had in the last pass, else -1: the very same object, handed again
         * while its node, load and kind are (compared by reference only: reading a bin is a cache miss).
         */
        int placeOf(Bin bin, int b) {
            int near = b + shift;
            for (int d = 0; d <= WINDOW; d++) {
                if (near + d >= 0 && near + d < seen.length && seen[near + d] == bin) {
                    shift += d;
                    return near + d;
                }
                if (d > 0 && near - d >= 0 && near - d < seen.length && seen[near - d] == bin) {
                    shift -= d;
                    return near - d;
                }
            }
            return -1;
        }
    }

    /** Loads bin {@code b}'s free room (its leaf only) and notes the bin it was computed from. */
    private void fill(NewNodeShape shape, int b, Bin bin) {
        int kind = kindOf(bin);
        if (bin.node() == null) {
            tree.load(b, shape.freeWhenNew(kind), 0);
        } else {
            long[] free = scratch;
            System.arraycopy(
                    kind != NODE
                            ? shape.freeWhenNew(kind)
                            : emptyRoom(shape, bin.node().allocatable()),
                    0,
                    free,
                    0,
                    free.length);
            if (bin.load() != NodeLoad.NONE) { // nothing holds it: nothing to subtract
                long[] load = bin.load().vector(shape.dims(), layout);
                for (int d = 0; d < free.length; d++) {
                    free[d] -= load[d];
                }
            }
            tree.load(b, free, 0); // the tree copies it
        }
        seen[b] = bin;
    }

    /** Whether {@code bin} gets the room {@code was} got: the same node object, load object and kind of new node. */
    private static boolean sameRoom(Bin was, Bin bin) {
        return was.node() == bin.node() && was.load() == bin.load() && kindOf(was) == kindOf(bin);
    }

    private Resources lastAllocatable;
    private long[] lastEmpty;

    /** What pods can use on an empty node of that allocatable; computed once per run of equal shapes. */
    private long[] emptyRoom(NewNodeShape shape, Resources allocatable) {
        if (allocatable != lastAllocatable) { // nodes of one shape share it, mostly in a row
            lastAllocatable = allocatable;
            lastEmpty = shape.freeWhenEmpty(allocatable); // the tree's layout and overhead: the same for every pass
        }
        return lastEmpty;
    }

    /** The kind of new node whose room a bin starts from, or {@link #NODE} for an initialised node's own. */
    private static int kindOf(Bin bin) {
        return bin.node() == null || bin.uninitialised() ? bin.newNodeKind() : NODE;
    }

    /** The bins the last pass reloaded (tests). */
    int reloaded() {
        return reloaded;
    }

    /** The bins the last pass reloaded by copying their room from another place (tests). */
    int copied() {
        return copied;
    }
}
