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

    /**
     * Up to this many edits, {@link #was} follows segments of places (quadratic in the edits, no walk of the nodes);
     * beyond, place by place (linear in the nodes per insert or delete): a burst of changes after a quiet spell.
     */
    private static final int FEW = 24;

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
        if (edits.length > FEW) {
            return wasEditByEdit(nowSize);
        }
        int[] runs = runsOfEdits(nowSize);
        if (runs == null) {
            return null;
        }
        int[] at = new int[nowSize];
        int[] identity = identity(from.size());
        int place = 0;
        for (int r = 0; r < runs.length; r += 3) {
            Arrays.fill(at, place, runs[r], -1);
            System.arraycopy(identity, runs[r + 1], at, runs[r], runs[r + 2]);
            place = runs[r] + runs[r + 2];
        }
        Arrays.fill(at, place, nowSize, -1);
        remember(at, runs);
        return at;
    }

    /** {@link #was} moving every later place at each insert and delete: linear in the nodes per such edit. */
    private int[] wasEditByEdit(int nowSize) {
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
     * The runs ({@link #runs}) of {@link #was}'s answer, found from the edits without a walk of every place: the list
     * is kept as segments of places carried over or not, which each edit splits, shortens or lengthens (a few dozen
     * edits a scan: linear in the segments per edit rather than in the nodes, as moving every later place was).
     */
    private int[] runsOfEdits(int nowSize) {
        Segments list = new Segments(from.size(), edits.length);
        for (int e : edits) {
            int place = e >>> 2;
            int kind = e & 3;
            if (kind == INSERTED ? place > list.size : place >= list.size) {
                return null; // not edits of a list this long: the adapter's bookkeeping is wrong
            }
            switch (kind) {
                case INSERTED -> list.insert(place);
                case DELETED -> list.delete(place);
                default -> list.change(place);
            }
        }
        return list.size == nowSize ? list.runs() : null;
    }

    /** A list of places as segments: each a run of the earlier list's places carried over, or of places not. */
    private static final class Segments {
        /** Each segment's first place in the earlier list, -1 when its places are not carried over. */
        private final int[] start;

        private final int[] length;
        private int count;
        private int size;
        /** Where {@link #find} found a place: its segment and the offset in it. */
        private int segment;

        private int offset;

        Segments(int size, int edits) {
            this.start = new int[2 * edits + 2]; // an edit adds two segments at most
            this.length = new int[start.length];
            this.size = size;
            if (size > 0) {
                length[count++] = size;
            }
        }

        private void find(int place) {
            segment = 0;
            offset = place;
            while (segment < count && offset >= length[segment]) {
                offset -= length[segment++];
            }
        }

        void insert(int place) {
            find(place);
            size++;
            if (segment < count && start[segment] < 0) {
                length[segment]++;
            } else if (offset == 0 && segment > 0 && start[segment - 1] < 0) {
                length[segment - 1]++;
            } else if (offset == 0) { // before the segment, or at the end
                add(segment, -1, 1);
            } else {
                splitOut(0);
                add(segment + 1, -1, 1);
            }
        }

        void delete(int place) {
            find(place);
            size--;
            if (start[segment] < 0) {
                length[segment]--;
                dropEmpty();
            } else {
                splitOut(1);
            }
        }

        void change(int place) {
            find(place);
            if (start[segment] >= 0) {
                splitOut(1);
                add(offset == 0 ? segment : segment + 1, -1, 1);
            }
        }

        /**
         * Splits the carried segment found at its offset, leaving out {@code skip} places there: the part before (if
         * any) stays where it was, the part after (if any) follows it.
         */
        private void splitOut(int skip) {
            int first = start[segment];
            int after = length[segment] - offset - skip;
            if (offset > 0) {
                length[segment] = offset;
                if (after > 0) {
                    add(segment + 1, first + offset + skip, after);
                }
            } else if (after > 0) {
                start[segment] = first + skip;
                length[segment] = after;
            } else {
                length[segment] = 0;
                dropEmpty();
            }
        }

        private void add(int at, int first, int n) {
            System.arraycopy(start, at, start, at + 1, count - at);
            System.arraycopy(length, at, length, at + 1, count - at);
            start[at] = first;
            length[at] = n;
            count++;
        }

        private void dropEmpty() {
            int kept = 0;
            for (int s = 0; s < count; s++) {
                if (length[s] > 0) {
                    start[kept] = start[s];
                    length[kept++] = length[s];
                }
            }
            count = kept;
        }

        /** The carried segments as runs, those that follow each other in both lists joined as {@link #runs} makes. */
        int[] runs() {
            int[] runs = new int[3 * count];
            int n = 0;
            int place = 0;
            for (int s = 0; s < count; s++) {
                if (start[s] >= 0) {
                    boolean follows =
                            n > 0 && runs[n - 3] + runs[n - 1] == place && runs[n - 2] + runs[n - 1] == start[s];
                    if (follows) {
                        runs[n - 1] += length[s];
                    } else {
                        runs[n++] = place;
                        runs[n++] = start[s];
                        runs[n++] = length[s];
                    }
                }
                place += length[s];
            }
            return Arrays.copyOf(runs, n);
        }
    }

    /** 0, 1, 2, ... at least {@code n} long, shared: {@link #was} copies its runs out of it. */
    private static volatile int[] identity = new int[0];

    private static int[] identity(int n) {
        int[] id = identity;
        if (id.length < n) {
            id = new int[Math.max(n, 2 * id.length)];
            Arrays.setAll(id, i -> i);
            identity = id; // another thread may grow it at once: either array holds the same values
        }
        return id;
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
     * was kept beside the earlier list is copied run by run ({@link #copyRuns}). The steps of a pass ask it of the same
     * pairing one after another: the last few answers are remembered by the array's identity, so {@code was} must
     * not be written after it is asked about (no caller does), nor the answer.
     */
    public static int[] runs(int[] was) {
        Remembered last = REMEMBERED.get();
        for (int k = 0; k < Remembered.SIZE; k++) {
            if (last.was[k] == was) {
                return last.runs[k];
            }
        }
        int[] runs = walkRuns(was);
        last.add(was, runs);
        return runs;
    }

    /** Remembers {@code runs} as {@link #runs}'s answer for {@code was}. */
    private static void remember(int[] was, int[] runs) {
        REMEMBERED.get().add(was, runs);
    }

    /** Per thread (each simulated policy runs its loop on one): the last few {@link #runs} answers. */
    private static final ThreadLocal<Remembered> REMEMBERED = ThreadLocal.withInitial(Remembered::new);

    private static final class Remembered {
        static final int SIZE = 4;
        final int[][] was = new int[SIZE][];
        final int[][] runs = new int[SIZE][];
        int next;

        void add(int[] w, int[] r) {
            was[next] = w;
            runs[next] = r;
            next = (next + 1) % SIZE;
        }
    }

    private static int[] walkRuns(int[] was) {
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

    /**
     * {@link #keepsPlaces} read off the runs ({@link #runs}) of a pairing of a list {@code size} long with one
     * {@code lastSize} long: every run at its own place.
     */
    public static boolean runsKeepPlaces(int[] runs, int size, int lastSize) {
        if (size != lastSize) {
            return false;
        }
        for (int r = 0; r < runs.length; r += 3) {
            if (runs[r] != runs[r + 1]) {
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
