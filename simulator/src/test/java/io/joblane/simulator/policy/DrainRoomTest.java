package io.joblane.simulator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The drain simulation's room against a walk over the nodes in order, scan after scan: unneeded nodes take no moved
 * pods for the rest of their scan, moved pods keep the room they took until the scan ends, and the next scan starts
 * from the room as the cluster has it, however the tree's leaves and ranges were written on the way.
 */
class DrainRoomTest {
    private static final NodeShape SHAPE = new NodeShape(8_000, 16_000, 0, 10, 0, 0, 0);

    @Test
    void everyMoveIsTheFirstFitAWalkFindsAndEachScanStartsFromTheCluster() {
        SplittableRandom random = new SplittableRandom(35);
        for (int round = 0; round < 60; round++) {
            SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.MOST_ALLOCATED, round, 60_000);
            List<SimNode> nodes = new ArrayList<>();
            int count = 1 + random.nextInt(40);
            for (int i = 0; i < count; i++) {
                nodes.add(cluster.launch(null, 0, 0));
            }
            cluster.runEventsUntil(0);
            long podId = 0;
            for (SimNode n : nodes) {
                for (int p = random.nextInt(4); p > 0; p--) {
                    SimPod pod = pod(podId++, random);
                    if (fits(n, pod)) {
                        cluster.bind(pod, n, 0);
                    }
                }
            }
            DrainRoom room = new DrainRoom();
            nodes.forEach(room::update);
            for (int scan = 0; scan < 8; scan++) {
                long[][] walk = roomAsTheClusterHasIt(nodes);
                boolean[] looked = new boolean[nodes.size()];
                boolean[] left = new boolean[nodes.size()];
                for (int step = 0; step < 12; step++) {
                    int k = random.nextInt(nodes.size());
                    if (looked[k]) {
                        continue; // a scan looks at each node once
                    }
                    looked[k] = true;
                    SimNode n = nodes.get(k);
                    // Unneeded at once (no Job pods to move), or only if its pods fit elsewhere: then it leaves too.
                    boolean unneeded = random.nextInt(3) == 0;
                    if (!unneeded) {
                        unneeded = room.placeElsewhere(n);
                        assertThat(unneeded)
                                .as("round %d scan %d step %d", round, scan, step)
                                .isEqualTo(placeByWalk(walk, left, nodes, k));
                    }
                    if (unneeded) {
                        room.leave(n);
                        left[k] = true;
                    }
                }
                room.endScan();
                for (int change = random.nextInt(3); change > 0; change--) { // the cluster moves between scans
                    SimNode n = nodes.get(random.nextInt(nodes.size()));
                    SimPod pod = pod(podId++, random);
                    if (fits(n, pod)) {
                        cluster.bind(pod, n, 0);
                        room.update(n);
                    }
                }
            }
        }
    }

    private static SimPod pod(long id, SplittableRandom random) {
        return new SimPod(id, 500 + 500L * random.nextInt(8), 1_000 + 1_000L * random.nextInt(8), 0, 1, 0, false);
    }

    private static boolean fits(SimNode n, SimPod pod) {
        return n.usedCpu + pod.cpu <= SHAPE.cpuMillis()
                && n.usedMemory + pod.memory <= SHAPE.memoryMillis()
                && n.usedPods < SHAPE.pods();
    }

    private static long[][] roomAsTheClusterHasIt(List<SimNode> nodes) {
        long[][] walk = new long[nodes.size()][];
        for (int i = 0; i < nodes.size(); i++) {
            SimNode n = nodes.get(i);
            walk[i] = new long[] {
                SHAPE.cpuMillis() - n.usedCpu, SHAPE.memoryMillis() - n.usedMemory, SHAPE.pods() - n.usedPods
            };
        }
        return walk;
    }

    /** The victim's pods in order, each on the first other node not left with room; kept only when all fit. */
    private static boolean placeByWalk(long[][] walk, boolean[] left, List<SimNode> nodes, int victim) {
        List<int[]> taken = new ArrayList<>();
        for (SimPod p : nodes.get(victim).pods) {
            int found = -1;
            for (int i = 0; i < walk.length && found < 0; i++) {
                if (i != victim && !left[i] && walk[i][0] >= p.cpu && walk[i][1] >= p.memory && walk[i][2] >= 1) {
                    found = i;
                }
            }
            if (found < 0) {
                for (int[] t : taken) {
                    SimPod back = nodes.get(victim).pods.get(t[1]);
                    walk[t[0]][0] += back.cpu;
                    walk[t[0]][1] += back.memory;
                    walk[t[0]][2]++;
                }
                return false;
            }
            walk[found][0] -= p.cpu;
            walk[found][1] -= p.memory;
            walk[found][2]--;
            taken.add(new int[] {found, taken.size()});
        }
        return true;
    }
}
