package io.joblane.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.simulator.SimulatorInvariantsTest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The pages of nodes in node order behave as a sorted set, across pages opened, emptied and opened again. */
class NodeRunTest {
    @Test
    void behavesAsASortedSetOfNodes() {
        List<SimNode> all = launched(3000);
        NodeRun run = new NodeRun();
        TreeMap<Long, SimNode> reference = new TreeMap<>();
        SplittableRandom ops = new SplittableRandom(7);
        for (int step = 0; step < 40_000; step++) {
            SimNode n = all.get(ops.nextInt(all.size()));
            int op = ops.nextInt(100);
            if (op < 55) {
                assertThat(run.addIfAbsent(n)).isEqualTo(reference.put(n.launchOrder(), n) == null);
            } else if (op < 98) {
                assertThat(run.removeIfPresent(n)).isEqualTo(reference.remove(n.launchOrder()) != null);
            } else if (op == 98) {
                long modulus = 2 + ops.nextInt(5);
                run.removeIf(x -> x.launchOrder() % modulus == 0);
                reference.keySet().removeIf(seq -> seq % modulus == 0);
            } else if (ops.nextInt(20) == 0) {
                run.clear();
                reference.clear();
            }
            assertThat(run.size()).isEqualTo(reference.size());
            if (step % 500 == 0) {
                List<SimNode> walked = new ArrayList<>();
                run.forEach(walked::add);
                assertThat(walked).containsExactlyElementsOf(reference.values());
                if (!reference.isEmpty()) {
                    int k = ops.nextInt(reference.size());
                    assertThat(run.get(k)).isSameAs(new ArrayList<>(reference.values()).get(k));
                }
            }
        }
    }

    /** Pages emptied by a removal are dropped, and the nodes after them are still found, added and removed in order. */
    @Test
    void findsNodesAfterPagesThatWereEmptied() {
        List<SimNode> all = launched(3000);
        NodeRun run = new NodeRun();
        all.forEach(run::addIfAbsent);
        int pages = run.pageCount();
        run.removeIf(n -> n.launchOrder() >= 500 && n.launchOrder() < 2000);
        assertThat(run.pageCount()).as("whole pages dropped").isLessThan(pages - 1);
        TreeMap<Long, SimNode> reference = new TreeMap<>();
        run.forEach(n -> reference.put(n.launchOrder(), n));
        for (SimNode n : all) {
            boolean in = reference.containsKey(n.launchOrder());
            assertThat(run.removeIfPresent(n)).as("node %d", n.launchOrder()).isEqualTo(in);
            assertThat(run.addIfAbsent(n)).as("node %d", n.launchOrder()).isTrue();
        }
        List<SimNode> walked = new ArrayList<>();
        run.forEach(walked::add);
        assertThat(walked).containsExactlyElementsOf(all);
    }

    /**
     * A page whose last node goes, one node at a time, is dropped: the walk, the k-th node and the nodes after it are
     * those of the pages around it.
     */
    @Test
    void dropsAPageWhenItsLastNodeGoes() {
        List<SimNode> all = launched(200);
        NodeRun run = new NodeRun(true);
        all.forEach(run::add);
        int pages = run.pageCount();
        List<SimNode> middle = all.stream()
                .filter(n -> n.launchOrder() / 64 == all.get(100).launchOrder() / 64)
                .toList();
        for (int i = 0; i < middle.size(); i++) {
            if (i % 2 == 0) {
                run.remove(middle.get(i));
            } else {
                assertThat(run.removeIfPresent(middle.get(i))).isTrue();
            }
        }
        List<SimNode> rest = new ArrayList<>(all);
        rest.removeAll(middle);
        assertThat(run.pageCount()).isEqualTo(pages - 1);
        assertThat(run).containsExactlyElementsOf(rest);
        for (int k = 0; k < rest.size(); k++) {
            assertThat(run.get(k)).isSameAs(rest.get(k));
        }
        assertThat(run.removeIfPresent(middle.get(0))).isFalse();
        run.add(middle.get(3));
        rest.add(indexAfter(rest, middle.get(3)), middle.get(3));
        assertThat(run).containsExactlyElementsOf(rest);
        assertThat(run.pageCount()).isEqualTo(pages);
    }

    private static int indexAfter(List<SimNode> sorted, SimNode n) {
        int i = 0;
        while (i < sorted.size() && sorted.get(i).launchOrder() < n.launchOrder()) {
            i++;
        }
        return i;
    }

    /** A run that keeps lane ends has each node's beside it, across inserts, deletes, pages dropped and changes. */
    @Test
    void keepsEachNodesLaneEndBesideIt() {
        List<SimNode> all = launched(3000);
        NodeRun run = new NodeRun(true);
        TreeMap<Long, SimNode> reference = new TreeMap<>();
        SplittableRandom ops = new SplittableRandom(11);
        int largest = 0;
        for (int step = 0; step < 40_000; step++) {
            SimNode n = all.get(ops.nextInt(all.size()));
            int op = ops.nextInt(100);
            if (op < 50) {
                run.addIfAbsent(n);
                reference.put(n.launchOrder(), n);
            } else if (op < 75) {
                run.removeIfPresent(n);
                reference.remove(n.launchOrder());
            } else if (op < 99) {
                n.laneEndMinutes = ops.nextLong(1_000_000);
                if (reference.containsKey(n.launchOrder())) {
                    run.laneEndChanged(n);
                }
            } else if (ops.nextInt(10) == 0) {
                long modulus = 2 + ops.nextInt(5);
                run.removeIf(x -> x.launchOrder() % modulus == 0);
                reference.keySet().removeIf(seq -> seq % modulus == 0);
            }
            largest = Math.max(largest, run.size());
            if (step % 500 == 0) {
                List<SimNode> walked = new ArrayList<>();
                for (int p = 0; p < run.pageCount(); p++) {
                    for (long slots = run.pageBits(p); slots != 0; slots &= slots - 1) {
                        int i = Long.numberOfTrailingZeros(slots);
                        SimNode x = run.pageNodes(p)[i];
                        walked.add(x);
                        assertThat(run.pageLaneEnds(p)[i])
                                .as("node %d", x.launchOrder())
                                .isEqualTo(x.laneEndMinutes);
                    }
                }
                assertThat(walked).containsExactlyElementsOf(reference.values());
            }
        }
        assertThat(largest).as("grown over many pages").isGreaterThan(1000);
    }

    /** A run emptied and started again on the page it kept holds the new node and its lane end, nothing of the old. */
    @Test
    void startsAgainCleanOnThePageItKept() {
        List<SimNode> all = launched(3);
        NodeRun run = new NodeRun(true);
        all.get(2).laneEndMinutes = 500;
        run.add(all.get(2));
        run.remove(all.get(2));
        all.get(0).laneEndMinutes = 70;
        run.add(all.get(0));
        run.add(all.get(1));
        assertThat(run).containsExactly(all.get(0), all.get(1));
        assertThat(run.pageCount()).isEqualTo(1);
        assertThat(run.pageLaneEnds(0)[(int) all.get(0).launchOrder() % 64]).isEqualTo(70);
        assertThat(Long.bitCount(run.pageBits(0))).isEqualTo(2);
    }

    /** A page kept while the run had no lane ends gets them when it is opened again after the run starts keeping them. */
    @Test
    void aPageKeptBeforeLaneEndsGetsThemWhenOpenedAgain() {
        List<SimNode> all = launched(2);
        NodeRun run = new NodeRun();
        run.add(all.get(0));
        run.remove(all.get(0));
        run.keepLaneEnds();
        all.get(1).laneEndMinutes = 70;
        run.add(all.get(1));
        assertThat(run.pageLaneEnds(0)[(int) all.get(1).launchOrder() % 64]).isEqualTo(70);
        all.get(1).laneEndMinutes = 90;
        run.laneEndChanged(all.get(1));
        assertThat(run.pageLaneEnds(0)[(int) all.get(1).launchOrder() % 64]).isEqualTo(90);
    }

    /** Nodes launched in a cluster of their own, in launch order. */
    private static List<SimNode> launched(int count) {
        SimCluster cluster =
                new SimCluster(SimulatorInvariantsTest.shape(8, 32), SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        List<SimNode> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(cluster.launch(null, 0, 1));
        }
        return all;
    }
}
