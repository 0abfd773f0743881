package io.joblane.scaler.plan;

import java.util.Arrays;
import java.util.List;

/**
 * How a snapshot's node list came from the one an earlier snapshot handed: the edits, in the order they were made,
 * that turn that list (and its pods' lists beside it) into this one. An adapter that keeps its nodes in a list it
 * edits as the cluster changes (the simulator does) records them ({@link Log}), so the index can take over what it
 * derived for the nodes no edit touched, without a walk that compares every node with the last scan's: a scan then
 * costs a few array copies and loops over arrays of places (linear, cheap), plus the work for the nodes that changed.
 * Immutable.
 */
public final class NodeEdits {
    private static final int INSERTED = 0;
    private static final int DELETED = 1;
    private static final int CHANGED = 2;

    private final List<?> from;
    /** The list the edits lead to, handed with them. */
    private final List<?> to;
    /** Each edit as its place times four plus its kind. */
    private final int[] edits;

    private NodeEdits(List<?> from, List<?> to, int[] edits) {
        this.from = from;
        this.to = to;
        this.edits = edits;
    }

    /** Whether these are the edits from {@code last} to {@code now} (both the very list objects). */
    public boolean between(List<?> last, List<?> now) {
        return from == last && to == now;
    }

    /** The node list (the very object) the edits start from. */
    public List<?> from() {
        return from;
    }

    /**
     * For each place of the list the edits lead to, the place in {@link #from} of the same node with the same pods'
     * list, or -1 where a node was inserted or changed; null when the edits do not lead to a list of {@code nowSize}
     * nodes (then they are not about that list). The places given increase.
     */
    public int[] was(int nowSize) {
        int inserted = 0;
        for (int e : edits) {
            inserted += (e & 3) == INSERTED ? 1 : 0;
        }
        int[] at = new int[from.size() + inserted];
        int size = from.size();
        for (int i = 0; i < size; i++) {
            at[i] = i;
        }
        for (int e : edits) {
            int place = e >>> 2;
            int kind = e & 3;
            if (kind == INSERTED ? place > size : place >= size) {
                return null; // not edits of a list this long: the adapter's bookkeeping is wrong
            }
            switch (kind) {
                case INSERTED -> {
                    System.arraycopy(at, place, at, place + 1, size - place);
                    at[place] = -1;
                    size++;
                }
                case DELETED -> {
                    System.arraycopy(at, place + 1, at, place, size - place - 1);
                    size--;
                }
                default -> at[place] = -1;
            }
        }
        if (size != nowSize) {
            return null;
        }
        return size == at.length ? at : Arrays.copyOf(at, size); // sized for the inserts: copied only after deletes
    }

    /**
     * When the edits only changed nodes in place (none inserted or deleted) in a list of {@code nowSize} nodes: the
     * places changed, in order, each once; null otherwise. What {@link #was} gives -1, found from the edits alone,
     * without a walk of every place.
     */
    public int[] changedPlaces(int nowSize) {
        if (from.size() != nowSize) {
            return null;
        }
        int[] places = new int[edits.length];
        for (int k = 0; k < edits.length; k++) {
            int place = edits[k] >>> 2;
            if ((edits[k] & 3) != CHANGED || place >= nowSize) {
                return null;
            }
            places[k] = place;
        }
        Arrays.sort(places);
        int distinct = 0;
        for (int k = 0; k < places.length; k++) {
            if (k == 0 || places[k] != places[k - 1]) {
                places[distinct++] = places[k];
            }
        }
        return Arrays.copyOf(places, distinct);
    }

    /**
     * The runs of places one after another in {@code was} (a {@link #was} answer): (to, from, length) triples, so what
     * was kept beside the earlier list is copied run by run ({@link #copyRuns}).
     */
    public static int[] runs(int[] was) {
        int[] out = new int[12];
        int count = 0;
        for (int i = 0; i < was.length; ) {
            if (was[i] < 0) {
                i++;
                continue;
            }
            int start = i;
            while (i + 1 < was.length && was[i + 1] == was[i] + 1) {
                i++;
            }
            i++;
            if (count + 3 > out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            out[count++] = start;
            out[count++] = was[start];
            out[count++] = i - start;
        }
        return Arrays.copyOf(out, count);
    }

    /**
     * The places no run of {@code runs} ({@link #runs}) covers, in order: of the list the edits lead to ({@code size}
     * long), those not carried over (inserted or changed).
     */
    public static int[] fresh(int[] runs, int size) {
        return uncovered(runs, 0, size);
    }

    /**
     * The places of the earlier list ({@code lastSize} long) no run's source covers, in order: those that left (or
     * changed), whose kept facts go.
     */
    public static int[] left(int[] runs, int lastSize) {
        return uncovered(runs, 1, lastSize);
    }

    /** The places in {@code [0, size)} outside the runs' ranges starting at {@code runs[r + start]} (which rise). */
    private static int[] uncovered(int[] runs, int start, int size) {
        int covered = 0;
        for (int r = 0; r < runs.length; r += 3) {
            covered += runs[r + 2];
        }
        int[] out = new int[size - covered];
        int count = 0;
        int at = 0;
        for (int r = 0; r <= runs.length; r += 3) {
            int until = r < runs.length ? runs[r + start] : size;
            while (at < until) {
                out[count++] = at++;
            }
            at = r < runs.length ? until + runs[r + 2] : at;
        }
        return out;
    }

    /** Per place of the earlier list ({@code lastSize} long), whether {@code was} (a {@link #was} answer) keeps it. */
    public static boolean[] carried(int[] was, int lastSize) {
        boolean[] out = new boolean[lastSize];
        for (int w : was) {
            if (w >= 0) {
                out[w] = true;
            }
        }
        return out;
    }

    /**
     * Whether {@code was} (a {@link #was} or pairing answer) keeps every node it kept at its own place, in a list as
     * long as the last ({@code lastSize}): nothing was inserted or deleted, so what was kept beside the last list can
     * be patched in place at the unpaired places.
     */
    public static boolean keepsPlaces(int[] was, int lastSize) {
        if (was.length != lastSize) {
            return false;
        }
        for (int i = 0; i < was.length; i++) {
            if (was[i] >= 0 && was[i] != i) {
                return false;
            }
        }
        return true;
    }

    /** Copies array {@code from}'s elements to array {@code to} run by run ({@link #runs}). */
    public static void copyRuns(int[] runs, Object from, Object to) {
        for (int r = 0; r < runs.length; r += 3) {
            System.arraycopy(from, runs[r + 1], to, runs[r], runs[r + 2]);
        }
    }

    /**
     * Records the edits made to one list of nodes between the snapshots that hand it: each node inserted, deleted or
     * changed (the node or its pods' list a new object) at its place when it was made. Single-threaded.
     */
    public static final class Log {
        private int[] edits = new int[16];
        private int count;
        /** The list handed at the last {@link #handOver}, null before one. */
        private List<?> from;

        /** A node was inserted at {@code place}, those from there on moved one place on. */
        public void inserted(int place) {
            add(place, INSERTED);
        }

        /** The node at {@code place} was deleted, those after it moved one place back. */
        public void deleted(int place) {
            add(place, DELETED);
        }

        /** The node at {@code place}, or its pods' list, is a new object. */
        public void changed(int place) {
            add(place, CHANGED);
        }

        private void add(int place, int kind) {
            if (count == edits.length) {
                edits = Arrays.copyOf(edits, count * 2);
            }
            edits[count++] = place << 2 | kind;
        }

        /**
         * The edits since the last hand-over, from the list handed then, null at the first; {@code now} is the list
         * handed with this snapshot, which the next edits start from. Starts a new log.
         */
        public NodeEdits handOver(List<?> now) {
            NodeEdits out = from == null ? null : new NodeEdits(from, now, Arrays.copyOf(edits, count));
            from = now;
            count = 0;
            return out;
        }
    }
}
