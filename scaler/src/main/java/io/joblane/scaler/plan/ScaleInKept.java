package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.CloudInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * What the scale-in step derives from each node's own inputs alone (its {@link NodeInfo}, {@link NodeLoad} and
 * instance, immutable), kept for one group from scan to scan while they are the very same objects: the simulator and
 * the kube adapter hand the same objects for a node that did not change. A node whose objects differ, or that is new,
 * is derived afresh; nothing is copied from another object, so a stale fact cannot survive a change. Kept per node:
 *
 * <ul>
 *   <li>quiet: {@link ScaleIn}'s per-node step provably does nothing for it, whatever the scan (time, waiting pods,
 *       drains, counters, the cost rule); the step walks only the other nodes, youngest first;
 *   <li>its share of the room the cost rule counts, when it is busy, open and not draining;
 *   <li>whether it is idle but for this scan's waiting pods and drains; those nodes are kept ranked most recently
 *       emptied first, the cost rule's order.
 * </ul>
 *
 * Loop thread only; handed from index to index ({@link SnapshotIndex#scaleInKept}).
 */
final class ScaleInKept {

    /**
     * The nodes last handed, held, not copied (the index's list, which does not change): the index pairs it with its
     * own lists without a walk.
     */
    private List<NodeInfo> lastList = List.of();

    private NodeLoad[] loads = new NodeLoad[0];
    private CloudInstance[] insts = new CloudInstance[0];
    private int size;
    /** Busy, open and not draining: the room counts it unless drained this scan. */
    private boolean[] roomy = new boolean[0];
    /** Its free share, where {@link #roomy}, of {@link #usable} after {@link #overhead}. */
    private double[] room = new double[0];

    private Resources overhead;
    private Resources usable;
    /** The positions of the nodes that are not quiet, youngest first, those of one age in position order. */
    private int[] order = new int[0];

    private int orderSize;
    /**
     * The positions of the nodes idle unless needed by waiting pods or drained this scan ({@link #idleBase}), most
     * recently emptied first ({@link #RECENT_FIRST}). This order and {@link #order} are what is kept of a node's
     * quiet and idle facts: they are derived for the nodes derived afresh only.
     */
    private int[] idle = new int[0];

    private int idleSize;
    /** This scan's delay of each idle node by position, written for every {@link #idle} position at every scan. */
    private Duration[] delay = new Duration[0];
    /** The room summed over every {@link #roomy} node, NaN when to be summed again. */
    private double roomSum = Double.NaN;

    /** Updates the kept facts to this scan's nodes, loads and instances (beside each other one for one). */
    void update(List<NodeInfo> ns, NodeLoad[] ls, CloudInstance[] is, Resources overhead, Resources usable) {
        update(ns, ls, is, overhead, usable, null);
    }

    /**
     * As above, the nodes paired with the last list by {@code index} ({@link SnapshotIndex#pairing}; null: matched
     * afresh).
     */
    void update(
            List<NodeInfo> ns,
            NodeLoad[] ls,
            CloudInstance[] is,
            Resources overhead,
            Resources usable,
            SnapshotIndex index) {
        int n = ns.size();
        boolean sameArgs = this.overhead != null && same(this.overhead, overhead) && same(this.usable, usable);
        // Where each new position's facts come from among the last scan's positions, -1 for derived afresh.
        int[] from = (index != null ? index.pairing(lastList, ns) : ByKey.match(lastList, ns)).clone();
        int changed = 0;
        for (int i = 0; i < n; i++) {
            int at = from[i];
            from[i] = at >= 0 && loads[at] == ls[i] && insts[at] == is[i] ? at : -1;
            changed += from[i] < 0 ? 1 : 0;
        }
        boolean shifted = !NodeEdits.keepsPlaces(from, size);
        if (!shifted && changed == 0) {
            if (!sameArgs) {
                rebuildRoom(ns, ls, overhead, usable);
            }
        } else if (!shifted && sameArgs) {
            patch(ns, ls, is, unpaired(from, changed), overhead, usable);
        } else {
            rebuild(ns, ls, is, from, sameArgs, overhead, usable);
        }
        // Only now: a failure above leaves the facts of the last list, which the next scan then pairs with.
        lastList = ns;
    }

    /** The {@code count} places of {@code from} at -1, in order. */
    private static int[] unpaired(int[] from, int count) {
        int[] out = new int[count];
        for (int i = 0, k = 0; k < count; i++) {
            if (from[i] < 0) {
                out[k++] = i;
            }
        }
        return out;
    }

    /**
     * No position moved and only the {@code fresh} ones changed (most scans: a node's pods came or went): their facts
     * derived again in place and their positions merged into the kept orders, the others' facts not copied.
     */
    private void patch(
            List<NodeInfo> ns, NodeLoad[] ls, CloudInstance[] is, int[] fresh, Resources overhead, Resources usable) {
        // A kept position stays where it is unless it changed (then it is merged again as fresh). Derived before any
        // kept fact is written: a failure leaves the last scan's facts whole, as rebuild does.
        int[][] orders = orders(ns, p -> Arrays.binarySearch(fresh, p) >= 0 ? -1 : p, fresh, ls, is);
        boolean[] freshRoomy = new boolean[fresh.length];
        double[] freshRoom = new double[fresh.length];
        for (int k = 0; k < fresh.length; k++) {
            int i = fresh[k];
            freshRoomy[k] = roomy(ns.get(i), ls[i]);
            freshRoom[k] = roomOf(freshRoomy[k], ns.get(i), ls[i], overhead, usable);
        }
        for (int k = 0; k < fresh.length; k++) {
            int i = fresh[k];
            loads[i] = ls[i];
            insts[i] = is[i];
            roomy[i] = freshRoomy[k];
            room[i] = freshRoom[k];
        }
        order = orders[0];
        orderSize = count(order);
        for (int k = 0; k < idleSize; k++) {
            delay[idle[k]] = null; // the last idle positions' delays: ScaleIn writes only this scan's idle ones
        }
        idle = orders[1];
        idleSize = count(idle);
        roomSum = Double.NaN;
    }

    /** A node's room term: its free share where it is {@code roomy}, else none. */
    private static double roomOf(boolean roomy, NodeInfo n, NodeLoad load, Resources overhead, Resources usable) {
        return roomy ? load.freeShare(n.allocatable(), overhead, usable) : 0;
    }

    private static boolean same(Resources a, Resources b) {
        return a == b || a.equals(b);
    }

    /** The room terms again, for other arguments: the nodes did not change. */
    private void rebuildRoom(List<NodeInfo> ns, NodeLoad[] ls, Resources overhead, Resources usable) {
        double[] terms = new double[size]; // assigned once complete: a failure leaves the last terms and arguments
        for (int i = 0; i < size; i++) {
            terms[i] = roomOf(roomy[i], ns.get(i), ls[i], overhead, usable);
        }
        room = terms;
        this.overhead = overhead;
        this.usable = usable;
        roomSum = Double.NaN;
    }

    private void rebuild(
            List<NodeInfo> ns,
            NodeLoad[] ls,
            CloudInstance[] is,
            int[] from,
            boolean sameArgs,
            Resources overhead,
            Resources usable) {
        int n = ns.size();
        boolean[] newRoomy = new boolean[n];
        double[] newRoom = new double[n];
        // Kept facts copied run by run (a node inserted or removed moves the others' positions, not their facts).
        int[] runs = NodeEdits.runs(from);
        NodeEdits.copyRuns(runs, roomy, newRoomy);
        int[] fresh = NodeEdits.fresh(runs, n);
        for (int i : fresh) {
            newRoomy[i] = roomy(ns.get(i), ls[i]);
        }
        if (sameArgs) {
            NodeEdits.copyRuns(runs, room, newRoom);
            for (int i : fresh) {
                newRoom[i] = roomOf(newRoomy[i], ns.get(i), ls[i], overhead, usable);
            }
        } else {
            for (int i = 0; i < n; i++) {
                newRoom[i] = roomOf(newRoomy[i], ns.get(i), ls[i], overhead, usable);
            }
        }
        int[] to = new int[size]; // the new position of each last position kept, -1 for one gone or derived afresh
        Arrays.fill(to, -1);
        for (int r = 0; r < runs.length; r += 3) {
            for (int k = 0, dst = runs[r], src = runs[r + 1]; k < runs[r + 2]; k++) {
                to[src + k] = dst + k;
            }
        }
        int[][] orders = orders(ns, p -> to[p], fresh, ls, is);
        int[] newOrder = orders[0];
        int[] newIdleOrder = orders[1];
        loads = Arrays.copyOf(ls, n);
        insts = Arrays.copyOf(is, n);
        size = n;
        roomy = newRoomy;
        room = newRoom;
        this.overhead = overhead;
        this.usable = usable;
        orderSize = count(newOrder);
        order = newOrder;
        idleSize = count(newIdleOrder);
        idle = newIdleOrder;
        delay = new Duration[n];
        roomSum = Double.NaN;
    }

    /**
     * The kept orders with positions moved (the move keeps their order), merged with the nodes derived afresh: the
     * positions of those not quiet youngest first, and of the idle ones most recently emptied first.
     */
    private int[][] orders(List<NodeInfo> ns, IntUnaryOperator to, int[] fresh, NodeLoad[] ls, CloudInstance[] is) {
        int[] freshOrder = new int[fresh.length];
        int[] freshIdle = new int[fresh.length];
        int fo = 0;
        int fi = 0;
        for (int i : fresh) {
            if (!quiet(ns.get(i), ls[i], is[i])) {
                freshOrder[fo++] = i;
            }
            if (idleBase(ns.get(i), ls[i], is[i])) {
                freshIdle[fi++] = i;
            }
        }
        return new int[][] {
            merge(order, orderSize, to, freshOrder, fo, ns, true), merge(idle, idleSize, to, freshIdle, fi, ns, false)
        };
    }

    /** The used length of a merged order (its tail is -1). */
    private static int count(int[] merged) {
        int k = merged.length;
        while (k > 0 && merged[k - 1] < 0) {
            k--;
        }
        return k;
    }

    /**
     * {@code kept} (its first {@code keptSize}) with each position moved by {@code to} (dropped at -1; the moved
     * positions increase), merged with the
     * first {@code freshSize} of {@code fresh} once sorted; by {@link #youngerFirst} or {@link #recentFirst}.
     */
    private static int[] merge(
            int[] kept,
            int keptSize,
            IntUnaryOperator to,
            int[] fresh,
            int freshSize,
            List<NodeInfo> ns,
            boolean byAge) {
        int[] sorted = sorted(fresh, freshSize, ns, byAge);
        int[] out = new int[keptSize + freshSize];
        int k = 0;
        int f = 0;
        int o = 0;
        while (true) {
            while (k < keptSize && to.applyAsInt(kept[k]) < 0) {
                k++;
            }
            if (k >= keptSize && f >= freshSize) {
                break;
            }
            if (f >= freshSize) {
                out[o++] = to.applyAsInt(kept[k++]);
                continue;
            }
            if (k >= keptSize) {
                out[o++] = sorted[f++];
                continue;
            }
            int a = to.applyAsInt(kept[k]);
            int b = sorted[f];
            if (compare(ns, byAge, a, b) <= 0) {
                out[o++] = a;
                k++;
            } else {
                out[o++] = b;
                f++;
            }
        }
        Arrays.fill(out, o, out.length, -1);
        return out;
    }

    private static int compare(List<NodeInfo> ns, boolean byAge, int a, int b) {
        return byAge ? youngerFirst(ns, a, b) : recentFirst(ns, a, b);
    }

    /**
     * The first {@code n} of {@code positions} sorted by {@link #compare}, a total order (positions break ties): a
     * merge sort with one comparison in its code. The JDK's sort, inlined with its comparator at each of its eight
     * comparisons, made the compiled scale-in code the JIT's costliest in a long simulation.
     */
    private static int[] sorted(int[] positions, int n, List<NodeInfo> ns, boolean byAge) {
        int[] from = Arrays.copyOf(positions, n);
        int[] to = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + 2 * width, n);
                for (int k = lo, a = lo, b = mid; k < hi; k++) {
                    boolean left = b >= hi || a < mid && compare(ns, byAge, from[a], from[b]) <= 0;
                    to[k] = left ? from[a++] : from[b++];
                }
            }
            int[] swap = from;
            from = to;
            to = swap;
        }
        return from;
    }

    /**
     * Youngest first (no creation time: as old as the epoch), those of one age in position order: the order a stable
     * sort of the nodes by age gives, which scale-in walks them in.
     */
    static int youngerFirst(List<NodeInfo> ns, int a, int b) {
        int byAge = created(ns.get(b)).compareTo(created(ns.get(a)));
        return byAge != 0 ? byAge : Integer.compare(a, b);
    }

    private static Instant created(NodeInfo n) {
        return n.created() == null ? Instant.EPOCH : n.created();
    }

    /**
     * Most recently emptied first (a node whose timer has not started is the most recent), then by name, then by
     * position: the cost rule's rank ({@link IdleNodeRule#delays}); names are unique, so position never decides.
     */
    static int recentFirst(List<NodeInfo> ns, int a, int b) {
        NodeInfo x = ns.get(a);
        NodeInfo y = ns.get(b);
        int bySince = since(y).compareTo(since(x));
        if (bySince != 0) {
            return bySince;
        }
        int byName = x.name().compareTo(y.name());
        return byName != 0 ? byName : Integer.compare(a, b);
    }

    private static Instant since(NodeInfo n) {
        return n.unneededSince() == null ? Instant.MAX : n.unneededSince();
    }

    /**
     * Whether {@link ScaleIn}'s per-node step does nothing for the node whatever the scan: Ready (so not broken: no
     * deadline asked), its instance in capacity (or unknown) and no termination asked, no stale cordon mark, not the
     * scaler's cordon with scale-down disabled; then left alone (a human's cordon, scale-down disabled), or busy, not
     * the scaler's cordon and without an unneeded timer to stop (neither waiting pods nor drains change that).
     */
    static boolean quiet(NodeInfo n, NodeLoad load, CloudInstance inst) {
        if (n.terminationRequestedAt() != null || inst != null && !inst.state().isCapacity() || !n.ready()) {
            return false;
        }
        if (!n.cordoned() && n.cordonedAt() != null || n.cordonedByJoblane() && n.scaleDownDisabled()) {
            return false; // a stale cordon mark to clear, or the scaler's cordon to give back
        }
        return n.cordonedByHuman()
                || n.scaleDownDisabled()
                || !n.cordonedByJoblane() && load.blocking() && n.unneededSince() == null;
    }

    /** Busy, open and not draining: what the cost rule's room sums, unless drained this scan. */
    static boolean roomy(NodeInfo n, NodeLoad load) {
        return load.blocking() && ScaleIn.open(n) && n.draining() == DrainState.NONE && !n.noticed();
    }

    /** Idle unless waiting pods need it or it is drained this scan ({@link ScaleIn}'s idle nodes). */
    static boolean idleBase(NodeInfo n, NodeLoad load, CloudInstance inst) {
        return ScaleIn.open(n)
                && !load.blocking()
                && n.draining() == DrainState.NONE
                && !n.noticed()
                && inst != null
                && inst.state().isCapacity();
    }

    /**
     * The room on the busy open nodes not drained this scan ({@code drained} by position): their free shares summed in
     * position order, as {@link ScaleIn} would; a node that is not counted adds 0, which changes no sum (it starts at
     * +0 and adds shares that are never negative). Kept while the nodes and drains do not change.
     */
    double room(boolean[] drained) {
        boolean anyDrained = false;
        for (int i = 0; i < size; i++) {
            if (drained[i] && roomy[i]) {
                anyDrained = true;
                break;
            }
        }
        if (!anyDrained && !Double.isNaN(roomSum)) {
            return roomSum;
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            if (roomy[i] && !drained[i]) {
                sum += room[i];
            }
        }
        if (!anyDrained) {
            roomSum = sum;
        }
        return sum;
    }

    /** The positions of the nodes that are not quiet, youngest first (its first {@link #orderSize()}). */
    int[] order() {
        return order;
    }

    int orderSize() {
        return orderSize;
    }

    /** The positions of the nodes idle but for waiting pods and drains, most recently emptied first. */
    int[] idle() {
        return idle;
    }

    int idleSize() {
        return idleSize;
    }

    /** This scan's delays of the idle nodes, by position (null: not idle this scan); written by {@link ScaleIn}. */
    Duration[] delays() {
        return delay;
    }
}
