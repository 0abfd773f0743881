package io.joblane.scaler.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The order waiting pods are packed in: largest first (dominant share of a new node), identical requests next to
 * each other so they pack as one run, the oldest waiting first. Sorts packed primitive keys: a comparator over
 * 20,000 boxed indices cost a quarter of the pass.
 */
final class LargestFirst {
    private final List<PodInfo> pending;
    private final long[] demands;
    private final int dims;
    /** Per pod, the id of its request vector (ids in order of first appearance). */
    private final int[] shapeOf;
    /** Per shape id, the first pod that has it. */
    private final List<Integer> firstOfShape = new ArrayList<>();

    private LargestFirst(List<PodInfo> pending, long[] demands, int dims) {
        this.pending = pending;
        this.demands = demands;
        this.dims = dims;
        this.shapeOf = new int[pending.size()];
    }

    /** Pod indices in packing order; {@code demands} holds each pod's vector, {@code size} its dominant share. */
    static int[] order(List<PodInfo> pending, long[] demands, double[] size, int dims) {
        LargestFirst l = new LargestFirst(pending, demands, dims);
        l.identifyShapes();
        int[] rank = l.rankShapes(size);
        if (l.firstOfShape.size() < (1 << 16) && pending.size() < (1 << 20)) {
            return l.byPackedKeys(rank);
        }
        return l.byComparator(rank);
    }

    private void identifyShapes() {
        Map<ShapeKey, Integer> ids = new HashMap<>();
        for (int p = 0; p < shapeOf.length; p++) {
            if (p > 0 && sameAsPrevious(p)) { // a Job's pods wait side by side: no key made and looked up for them
                shapeOf[p] = shapeOf[p - 1];
                continue;
            }
            Integer id = ids.putIfAbsent(new ShapeKey(demands, p * dims, dims), ids.size());
            if (id == null) {
                id = ids.size() - 1;
                firstOfShape.add(p);
            }
            shapeOf[p] = id;
        }
    }

    /** Whether pod {@code p} requests what pod {@code p - 1} does. */
    private boolean sameAsPrevious(int p) {
        int at = p * dims;
        return Arrays.equals(demands, at - dims, at, demands, at, at + dims);
    }

    /** Per shape id, its rank: largest share first, then by the request vector. */
    private int[] rankShapes(double[] size) {
        Integer[] shapes = new Integer[firstOfShape.size()];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = i;
        }
        Arrays.sort(shapes, (a, b) -> {
            int pa = firstOfShape.get(a);
            int pb = firstOfShape.get(b);
            int c = Double.compare(size[pb], size[pa]);
            return c != 0
                    ? c
                    : Arrays.compare(demands, pa * dims, pa * dims + dims, demands, pb * dims, pb * dims + dims);
        });
        int[] rank = new int[shapes.length];
        for (int r = 0; r < shapes.length; r++) {
            rank[shapes[r]] = r;
        }
        return rank;
    }

    /** Rank, age and index packed into one long per pod (16, 27 and 20 bits). */
    private int[] byPackedKeys(int[] rank) {
        int n = pending.size();
        long minSec = Long.MAX_VALUE;
        for (PodInfo p : pending) {
            minSec = Math.min(minSec, p.created() == null ? 0 : p.created().getEpochSecond());
        }
        long[] keys = new long[n];
        for (int p = 0; p < n; p++) {
            Instant created = pending.get(p).created();
            long age = Math.min((1L << 27) - 1, created == null ? 0 : created.getEpochSecond() - minSec);
            keys[p] = (long) rank[shapeOf[p]] << 47 | age << 20 | p;
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) (keys[i] & 0xFFFFF);
        }
        return order;
    }

    private int[] byComparator(int[] rank) {
        int n = pending.size();
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(
                boxed,
                Comparator.<Integer>comparingInt(p -> rank[shapeOf[p]])
                        .thenComparing(
                                p -> pending.get(p).created(), Comparator.nullsFirst(Comparator.naturalOrder())));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = boxed[i];
        }
        return order;
    }
}
