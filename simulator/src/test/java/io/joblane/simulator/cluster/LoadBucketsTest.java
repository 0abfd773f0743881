package io.joblane.simulator.cluster;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.lanes.LaneTerm;
import io.joblane.model.lanes.RunTimePredictor;
import io.joblane.simulator.SimulatorInvariantsTest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The load buckets stand in for full scans of every node: the scheduler must bind every pod where a scan would, and
 * the drain simulation must answer as a first fit over every node would, whatever happens to the nodes in between.
 */
class LoadBucketsTest {

    @Test
    void bucketedSchedulingBindsEveryPodWhereAScanOfEveryNodeWould() {
        for (long seed = 1; seed <= 8; seed++) {
            for (SimCluster.Scoring scoring : SimCluster.Scoring.values()) {
                SimCluster bucketed = new SimCluster(SimulatorInvariantsTest.shape(8, 32), scoring, seed, 60_000);
                SimCluster scanned = new SimCluster(SimulatorInvariantsTest.shape(8, 32), scoring, seed, 60_000);
                scanned.pickByScan = true;
                List<SimPod> a = new ArrayList<>();
                List<SimPod> b = new ArrayList<>();
                SplittableRandom ops = new SplittableRandom(seed * 31);
                for (long t = 0; t < 400_000; t += 1000) {
                    int op = ops.nextInt(10);
                    if (op < 5) {
                        long cpu = 250L * (1 + ops.nextInt(16));
                        long memory = GI / 2 * (1 + ops.nextInt(16));
                        long duration = 1000L * (1 + ops.nextInt(120));
                        for (int i = ops.nextInt(1, 6); i > 0; i--) {
                            SimPod pa = new SimPod(a.size(), cpu, memory, 0, duration, t, ops.nextBoolean());
                            a.add(pa);
                            bucketed.submit(pa);
                            SimPod pb = new SimPod(b.size(), cpu, memory, 0, duration, t, pa.safeToEvictFalse);
                            b.add(pb);
                            scanned.submit(pb);
                        }
                    } else if (op == 5 && bucketed.nodes().size() < 40) {
                        long readyAt = t + 1000L * ops.nextInt(3);
                        bucketed.launch(null, t, readyAt);
                        scanned.launch(null, t, readyAt);
                    } else if (op == 6 && !bucketed.nodes().isEmpty()) {
                        int i = ops.nextInt(bucketed.nodes().size());
                        SimNode.Taint taint = SimNode.Taint.values()[ops.nextInt(3)];
                        bucketed.setTaint(List.copyOf(bucketed.nodes()).get(i), taint);
                        scanned.setTaint(List.copyOf(scanned.nodes()).get(i), taint);
                    } else if (op == 7 && !bucketed.nodes().isEmpty()) {
                        int i = ops.nextInt(bucketed.nodes().size());
                        boolean cordon = ops.nextBoolean();
                        bucketed.setCordoned(List.copyOf(bucketed.nodes()).get(i), cordon);
                        scanned.setCordoned(List.copyOf(scanned.nodes()).get(i), cordon);
                    } else if (op == 8 && bucketed.nodes().size() > 3) {
                        int i = ops.nextInt(bucketed.nodes().size());
                        SimNode victim = List.copyOf(bucketed.nodes()).get(i);
                        assertThat(bucketed.podsFitElsewhere(victim))
                                .as("seed " + seed + " at " + t)
                                .isEqualTo(firstFitOverEveryNode(
                                        scanned, List.copyOf(scanned.nodes()).get(i)));
                        if (ops.nextInt(4) == 0) {
                            bucketed.remove(victim, t);
                            scanned.remove(List.copyOf(scanned.nodes()).get(i), t);
                        }
                    }
                    bucketed.runEventsUntil(t);
                    scanned.runEventsUntil(t);
                    bucketed.schedule(t);
                    scanned.schedule(t);
                    for (int i = 0; i < a.size(); i++) {
                        SimNode na = a.get(i).node;
                        SimNode nb = b.get(i).node;
                        assertThat(na == null ? null : na.name)
                                .as("seed " + seed + " " + scoring + " pod " + i + " at " + t)
                                .isEqualTo(nb == null ? null : nb.name);
                    }
                }
                assertThat(bucketed.jobsStarted).as("the scenario binds pods").isPositive();
                assertThat(bucketed.version()).isEqualTo(scanned.version());
            }
        }
    }

    /**
     * Pods with a lane, the on-demand term or a zone are picked from the fitting buckets' nodes by class of score: the
     * same node, and the same draws, as the scan of every node, whatever the labels, Spot nodes, zones and loads.
     */
    @Test
    void podsWithPreferredTermsOrZonesAreBoundWhereAScanOfEveryNodeWould() {
        for (long seed = 1; seed <= 12; seed++) {
            for (SimCluster.Scoring scoring : SimCluster.Scoring.values()) {
                SimCluster bucketed = new SimCluster(SimulatorInvariantsTest.shape(8, 32), scoring, seed, 60_000);
                SimCluster scanned = new SimCluster(SimulatorInvariantsTest.shape(8, 32), scoring, seed, 60_000);
                scanned.pickByScan = true;
                List<SimPod> a = new ArrayList<>();
                List<SimPod> b = new ArrayList<>();
                SplittableRandom ops = new SplittableRandom(seed * 37);
                for (long t = 0; t < 300_000; t += 1000) {
                    int op = ops.nextInt(10);
                    if (op < 5) {
                        // Few sizes and labels, so that many nodes tie, in one bucket and across several.
                        long cpu = 500L * (1 + ops.nextInt(3));
                        long memory = GI * (1 + ops.nextInt(3));
                        long duration = 1000L * (1 + ops.nextInt(30));
                        LaneTerm lane = ops.nextInt(4) == 0
                                ? null
                                : new LaneTerm(
                                        100 + ops.nextInt(40), 1 + ops.nextInt(30), RunTimePredictor.Source.FAMILY);
                        String zone = ops.nextInt(5) == 0 ? SimCluster.ZONES.get(ops.nextInt(3)) : null;
                        boolean onDemand = ops.nextInt(4) == 0;
                        for (int i = ops.nextInt(1, 6); i > 0; i--) {
                            SimPod pa = new SimPod(a.size(), cpu, memory, 0, duration, t, false);
                            SimPod pb = new SimPod(b.size(), cpu, memory, 0, duration, t, false);
                            for (SimPod p : List.of(pa, pb)) {
                                p.lane = lane;
                                p.zone = zone;
                                p.prefersOnDemand = onDemand;
                            }
                            a.add(pa);
                            bucketed.submit(pa);
                            b.add(pb);
                            scanned.submit(pb);
                        }
                    } else if (op == 5 && bucketed.nodes().size() < 80) {
                        long readyAt = t + 1000L * ops.nextInt(3);
                        for (int i = ops.nextInt(1, 5); i > 0; i--) {
                            boolean spot = ops.nextBoolean();
                            bucketed.launch(null, t, readyAt).spot = spot;
                            scanned.launch(null, t, readyAt).spot = spot;
                        }
                    } else if (op == 6 && !bucketed.nodes().isEmpty()) {
                        int i = ops.nextInt(bucketed.nodes().size());
                        int pick = ops.nextInt(12);
                        String label = pick == 0 ? null : pick == 1 ? "soon" : Long.toString(100 + 10 * ops.nextInt(6));
                        bucketed.setLaneEnd(List.copyOf(bucketed.nodes()).get(i), label);
                        scanned.setLaneEnd(List.copyOf(scanned.nodes()).get(i), label);
                    } else if (op == 7 && !bucketed.nodes().isEmpty()) {
                        int i = ops.nextInt(bucketed.nodes().size());
                        SimNode.Taint taint = SimNode.Taint.values()[ops.nextInt(3)];
                        bucketed.setTaint(List.copyOf(bucketed.nodes()).get(i), taint);
                        scanned.setTaint(List.copyOf(scanned.nodes()).get(i), taint);
                    } else if (op == 8 && bucketed.nodes().size() > 3 && ops.nextInt(3) == 0) {
                        int i = ops.nextInt(bucketed.nodes().size());
                        bucketed.remove(List.copyOf(bucketed.nodes()).get(i), t);
                        scanned.remove(List.copyOf(scanned.nodes()).get(i), t);
                    }
                    bucketed.runEventsUntil(t);
                    scanned.runEventsUntil(t);
                    bucketed.schedule(t);
                    scanned.schedule(t);
                    for (int i = 0; i < a.size(); i++) {
                        SimNode na = a.get(i).node;
                        SimNode nb = b.get(i).node;
                        assertThat(na == null ? null : na.name)
                                .as("seed " + seed + " " + scoring + " pod " + i + " at " + t)
                                .isEqualTo(nb == null ? null : nb.name);
                    }
                }
                assertThat(bucketed.jobsStarted).as("the scenario binds pods").isPositive();
                assertThat(bucketed.version()).isEqualTo(scanned.version());
            }
        }
    }

    /** The drain simulation as it was: first fit of the victim's pods over every other schedulable node. */
    private static boolean firstFitOverEveryNode(SimCluster cluster, SimNode victim) {
        NodeShape shape = cluster.shape;
        List<long[]> free = new ArrayList<>();
        for (SimNode n : cluster.nodes()) {
            if (n != victim && n.acceptsPods()) {
                free.add(new long[] {
                    shape.cpuMillis() - n.usedCpu,
                    shape.memoryMillis() - n.usedMemory,
                    shape.gpus() - n.usedGpu,
                    shape.pods() - n.usedPods
                });
            }
        }
        for (SimPod p : victim.pods) {
            boolean placed = false;
            for (long[] f : free) {
                if (f[0] >= p.cpu && f[1] >= p.memory && f[2] >= p.gpu && f[3] >= 1) {
                    f[0] -= p.cpu;
                    f[1] -= p.memory;
                    f[2] -= p.gpu;
                    f[3] -= 1;
                    placed = true;
                    break;
                }
            }
            if (!placed) {
                return false;
            }
        }
        return true;
    }
}
