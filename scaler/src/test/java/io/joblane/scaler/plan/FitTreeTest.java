package io.joblane.scaler.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fit tree must answer exactly what a linear first-fit scan answers, through takes, closes and reopens, whether
 * its bins were set one by one (growing the tree) or loaded in bulk and built once.
 */
class FitTreeTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void agreesWithALinearScan(long seed) {
        Random rnd = new Random(seed);
        int dims = 1 + rnd.nextInt(4);
        int bins = 1 + rnd.nextInt(300);
        // Seeds 1 and 5 start with room for one bin: the tree grows as bins past its capacity are set.
        FitTree tree = new FitTree(dims, seed % 4 == 1 ? 1 : bins);
        long[][] free = new long[bins][dims];
        boolean[] open = new boolean[bins];
        boolean[] wasSet = new boolean[bins];
        for (int b = 0; b < bins; b++) {
            if (rnd.nextInt(5) > 0) {
                for (int d = 0; d < dims; d++) {
                    free[b][d] = rnd.nextInt(100);
                }
                if (seed % 2 == 0) {
                    tree.load(b, free[b], 0); // bulk fill, as the planner's scale-out does
                } else {
                    tree.set(b, free[b], 0);
                }
                open[b] = true;
                wasSet[b] = true;
            }
        }
        if (seed % 2 == 0) {
            tree.build();
        }
        for (int op = 0; op < 3000; op++) {
            long[] demand = new long[dims];
            for (int d = 0; d < dims; d++) {
                demand[d] = rnd.nextInt(60);
            }
            int from = rnd.nextInt(bins);
            int expected = -1;
            for (int b = from; b < bins; b++) {
                if (open[b] && covers(free[b], demand)) {
                    expected = b;
                    break;
                }
            }
            int found = tree.findFirst(demand, 0, from);
            assertThat(found).as("seed %d op %d", seed, op).isEqualTo(expected);
            if (found >= 0) {
                long n = tree.fitCount(found, demand, 0);
                assertThat(n).isPositive();
                int times = (int) Math.min(n, 1 + rnd.nextInt(3));
                tree.take(found, demand, 0, times);
                for (int d = 0; d < dims; d++) {
                    free[found][d] -= times * demand[d];
                }
            }
            int b = rnd.nextInt(bins);
            if (rnd.nextInt(10) == 0 && open[b]) {
                tree.close(b);
                open[b] = false;
            } else if (rnd.nextInt(10) == 0 && !open[b] && wasSet[b]) {
                tree.open(b);
                open[b] = true;
            }
        }
    }

    private static boolean covers(long[] free, long[] demand) {
        for (int d = 0; d < free.length; d++) {
            if (free[d] < demand[d]) {
                return false;
            }
        }
        return true;
    }

    /** The planner's tree: its first bins all loaded and built, those after closed until set (growing it). */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void aTreeLoadedUpToItsNodesAgreesWithALinearScan(long seed) {
        Random rnd = new Random(seed);
        int dims = 1 + rnd.nextInt(3);
        int loaded = 1 + rnd.nextInt(100);
        int bins = loaded + 1 + rnd.nextInt(100);
        FitTree tree = new FitTree(dims, loaded + rnd.nextInt(8), loaded);
        long[][] free = new long[bins][dims];
        boolean[] open = new boolean[bins];
        for (int b = 0; b < loaded; b++) {
            for (int d = 0; d < dims; d++) {
                free[b][d] = rnd.nextInt(100);
            }
            tree.load(b, free[b], 0);
            open[b] = true;
        }
        tree.build();
        for (int op = 0; op < 2000; op++) {
            if (rnd.nextInt(20) == 0) {
                int b = loaded + rnd.nextInt(bins - loaded);
                for (int d = 0; d < dims; d++) {
                    free[b][d] = rnd.nextInt(100);
                }
                tree.set(b, free[b], 0);
                open[b] = true;
            }
            long[] demand = new long[dims];
            for (int d = 0; d < dims; d++) {
                demand[d] = rnd.nextInt(60);
            }
            int expected = -1;
            for (int b = 0; b < bins; b++) {
                if (open[b] && covers(free[b], demand)) {
                    expected = b;
                    break;
                }
            }
            int found = tree.findFirst(demand, 0);
            assertThat(found).as("seed %d op %d", seed, op).isEqualTo(expected);
            if (found >= 0) {
                tree.take(found, demand, 0, 1);
                for (int d = 0; d < dims; d++) {
                    free[found][d] -= demand[d];
                }
            }
        }
    }

    /**
     * A tree kept from pass to pass: after {@link FitTree#undo} it holds exactly what it held at {@link FitTree#mark},
     * through takes, closes, reopens and bins set past its capacity; bins then reloaded or unloaded and refreshed
     * together answer as a linear scan.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void undoPutsBackWhatTheMarkSaw(long seed) {
        Random rnd = new Random(seed);
        int dims = 1 + rnd.nextInt(3);
        int loaded = 1 + rnd.nextInt(80);
        FitTree tree = new FitTree(dims, loaded, loaded);
        int bins = loaded * 3; // bins set past the capacity grow the tree, up to twice this
        long[][] free = new long[4 * bins][dims];
        boolean[] open = new boolean[4 * bins];
        for (int b = 0; b < loaded; b++) {
            random(rnd, free[b]);
            tree.load(b, free[b], 0);
            open[b] = true;
        }
        tree.build();
        for (int pass = 0; pass < 40; pass++) {
            // Between passes: some bins reloaded or unloaded, their ancestors refreshed together.
            int[] changed = new int[loaded + 1];
            int n = 0;
            for (int c = rnd.nextInt(seed % 2 == 0 ? 4 : loaded + 1); c > 0; c--) {
                int b = rnd.nextInt(tree.capacity());
                if (rnd.nextBoolean()) {
                    random(rnd, free[b]);
                    tree.load(b, free[b], 0);
                    open[b] = true;
                } else {
                    tree.unload(b);
                    java.util.Arrays.fill(free[b], FitTree.CLOSED);
                    open[b] = false;
                }
                changed[n++] = b;
            }
            tree.refreshAll(changed, n);
            assertThat(tree.consistent()).isTrue();
            long[][] atMark = new long[free.length][];
            boolean[] openAtMark = open.clone();
            for (int b = 0; b < free.length; b++) {
                atMark[b] = free[b].clone();
            }
            tree.mark();
            for (int op = 0; op < 50; op++) {
                long[] demand = new long[dims];
                for (int d = 0; d < dims; d++) {
                    demand[d] = rnd.nextInt(60);
                }
                int found = tree.findFirst(demand, 0);
                assertThat(found)
                        .as("seed %d pass %d op %d", seed, pass, op)
                        .isEqualTo(linear(free, open, demand, tree.capacity()));
                int b = rnd.nextInt(Math.min(bins, tree.capacity() + 2));
                switch (rnd.nextInt(5)) {
                    case 0 -> {
                        if (found >= 0) {
                            tree.take(found, demand, 0, 1);
                            for (int d = 0; d < dims; d++) {
                                free[found][d] -= demand[d];
                            }
                        }
                    }
                    case 1 -> {
                        if (b < tree.capacity()) {
                            tree.close(b);
                            open[b] = false;
                        }
                    }
                    case 2 -> {
                        if (b < tree.capacity() && !open[b] && b < loaded) {
                            tree.open(b);
                            open[b] = true;
                        }
                    }
                    case 3 -> { // a run of new bins of one room (a full group's pods), maybe past the capacity
                        int count = 1 + rnd.nextInt(Math.min(20, free.length - b));
                        long[] room = new long[dims];
                        random(rnd, room);
                        long[] floor = new long[dims];
                        for (int d = 0; d < dims; d++) {
                            floor[d] = rnd.nextInt(20);
                        }
                        tree.setRun(b, count, room, floor);
                        assertThat(tree.consistent())
                                .as("seed %d pass %d op %d", seed, pass, op)
                                .isTrue();
                        for (int r = b; r < b + count; r++) {
                            free[r] = room.clone();
                            open[r] = covers(room, floor);
                        }
                    }
                    default -> { // a new bin, maybe past the capacity
                        random(rnd, free[b]);
                        tree.set(b, free[b], 0);
                        open[b] = true;
                    }
                }
            }
            tree.undo();
            free = atMark;
            open = openAtMark;
            assertThat(tree.consistent()).as("seed %d pass %d", seed, pass).isTrue();
            for (int b = 0; b < tree.capacity(); b++) {
                assertThat(tree.closed(b))
                        .as("seed %d pass %d bin %d", seed, pass, b)
                        .isEqualTo(!open[b]);
                if (open[b]) {
                    assertThat(tree.free(b)).containsExactly(free[b]);
                }
            }
        }
    }

    private static void random(Random rnd, long[] into) {
        for (int d = 0; d < into.length; d++) {
            into[d] = rnd.nextInt(100);
        }
    }

    private static int linear(long[][] free, boolean[] open, long[] demand, int capacity) {
        for (int b = 0; b < Math.min(capacity, free.length); b++) {
            if (open[b] && covers(free[b], demand)) {
                return b;
            }
        }
        return -1;
    }
}
