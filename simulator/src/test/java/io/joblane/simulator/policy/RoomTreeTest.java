package io.joblane.simulator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.simulator.cluster.SimPod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The first-fit tree against a walk over the places in order, through the ways its callers change places: set at
 * once, taken and given back, closed now, and closed or put without the ranges (refreshed later, in any order, as
 * the drain simulation does at its first search).
 */
class RoomTreeTest {
    private static final long NONE = Long.MIN_VALUE;

    @Test
    void firstFitIsTheFirstPlaceAWalkFindsAfterAnyChanges() {
        SplittableRandom random = new SplittableRandom(14);
        for (int round = 0; round < 200; round++) {
            int places = 1 + random.nextInt(70);
            long[][] walk = new long[places][];
            RoomTree tree = new RoomTree(places);
            for (int i = 0; i < places; i++) {
                walk[i] = random.nextInt(5) == 0 ? closed() : room(random);
                tree.put(i, walk[i][0], walk[i][1], walk[i][2], walk[i][3]);
            }
            tree.build();
            for (int step = 0; step < 60; step++) {
                change(random, tree, walk);
                for (int ask = 0; ask < 5; ask++) {
                    SimPod pod = new SimPod(ask, random.nextInt(9), random.nextInt(9), random.nextInt(2), 1, 0, true);
                    int odd = random.nextInt(3); // 0: every place takes it; else places of one parity refuse
                    assertThat(tree.first(pod, i -> odd == 0 || i % 2 == odd - 1))
                            .as("round %d step %d", round, step)
                            .isEqualTo(firstByWalk(walk, pod, odd));
                }
            }
        }
    }

    private static void change(SplittableRandom random, RoomTree tree, long[][] walk) {
        int places = walk.length;
        switch (random.nextInt(4)) {
            case 0 -> {
                int i = random.nextInt(places);
                walk[i] = random.nextBoolean() ? room(random) : closed();
                tree.set(i, walk[i][0], walk[i][1], walk[i][2], walk[i][3]);
            }
            case 1 -> {
                int i = random.nextInt(places);
                if (walk[i][3] > 0) {
                    SimPod pod = new SimPod(0, random.nextInt(3), random.nextInt(3), 0, 1, 0, true);
                    tree.take(i, pod, -1);
                    walk[i] = new long[] {walk[i][0] - pod.cpu, walk[i][1] - pod.memory, walk[i][2], walk[i][3] - 1};
                }
            }
            case 2 -> {
                int i = random.nextInt(places);
                tree.close(i);
                walk[i] = closed();
            }
            default -> {
                // Several leaves changed before any range: refreshed afterwards in a random order.
                List<Integer> put = new ArrayList<>();
                for (int k = random.nextInt(1, 8); k > 0; k--) {
                    int i = random.nextInt(places);
                    if (random.nextBoolean()) {
                        tree.closeLeaf(i);
                        walk[i] = closed();
                    } else {
                        walk[i] = room(random);
                        tree.put(i, walk[i][0], walk[i][1], walk[i][2], walk[i][3]);
                    }
                    put.add(i);
                }
                Collections.shuffle(put, new java.util.Random(random.nextLong()));
                put.forEach(tree::refresh);
            }
        }
        int i = random.nextInt(places);
        assertThat(tree.get(i)).containsExactly(walk[i]);
    }

    private static int firstByWalk(long[][] walk, SimPod pod, int odd) {
        for (int i = 0; i < walk.length; i++) {
            long[] r = walk[i];
            boolean room = r[0] >= pod.cpu && r[1] >= pod.memory && r[2] >= pod.gpu && r[3] >= 1;
            if (room && (odd == 0 || i % 2 == odd - 1)) {
                return i;
            }
        }
        return -1;
    }

    private static long[] room(SplittableRandom random) {
        return new long[] {random.nextInt(10), random.nextInt(10), random.nextInt(2), random.nextInt(3)};
    }

    private static long[] closed() {
        return new long[] {NONE, NONE, NONE, NONE};
    }
}
