package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.joblane.model.WellKnown;
import io.joblane.model.lanes.FamilyTable;
import io.joblane.scaler.lanes.LaneNode;
import io.joblane.scaler.lanes.LanePod;
import io.joblane.scaler.lanes.LanePods;
import io.joblane.scaler.lanes.LanesAccess;
import io.joblane.scaler.lanes.LanesStep;
import io.joblane.scaler.loop.MutableClock;
import io.joblane.scaler.loop.ScanGate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * KubeLanes against the mock API server: a node whose Job pods did not change is handed the same list, a changed or
 * deleted pod gives its node a new one, and the lanes step labels, predicts and learns exactly as from pods grouped
 * afresh at every scan.
 */
@EnableCrudApiServer
class KubeLanesKeptCrudTest {
    private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");
    KubernetesClient client;

    private Pod running(String name, String node) {
        Pod p = KubeFixtures.jobPod("ml", name, "batch", node, "1");
        p.getMetadata().getLabels().put(WellKnown.FAMILY_LABEL, "train");
        p.getStatus().setStartTime(START.toString());
        return p;
    }

    private Pod succeeded(String name, String node, long runSeconds) {
        return KubeFixtures.succeeded(
                running(name, node), START.plusSeconds(runSeconds).toString());
    }

    /** Lanes' writes recorded, not made; pods handed as KubeLanes keeps them, or grouped afresh at every scan. */
    static final class Recorded implements LanesAccess {
        final KubeLanes kube;
        final boolean kept;
        final List<String> writes = new ArrayList<>();
        FamilyTable table = FamilyTable.EMPTY;

        Recorded(KubeLanes kube, boolean kept) {
            this.kube = kube;
            this.kept = kept;
        }

        @Override
        public List<LaneNode> nodes() {
            return kube.nodes();
        }

        @Override
        public List<LanePod> pods() {
            return kube.pods();
        }

        @Override
        public LanePods pods(List<LaneNode> nodes) {
            return kept ? kube.pods(nodes) : LanePods.group(nodes, kube.pods());
        }

        @Override
        public FamilyTable published() {
            return table;
        }

        @Override
        public void publish(FamilyTable t) {
            table = t;
            writes.add("table " + t.encode());
        }

        @Override
        public void setLaneEnd(String node, String value) {
            writes.add(node + "=" + value);
        }
    }

    private static String uid(ClusterCache cache, String name) {
        return cache.pods().stream()
                .filter(p -> p.getMetadata().getName().equals(name))
                .map(p -> p.getMetadata().getUid())
                .findFirst()
                .orElse(null);
    }

    private static int at(List<LaneNode> nodes, String name) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no node " + name);
    }

    @Test
    void anUnchangedNodeKeepsItsListAndTheStepDoesAsWithPodsGroupedAfresh() throws Exception {
        client.nodes().resource(KubeFixtures.node("n1", "batch", "i-1")).create();
        client.nodes().resource(KubeFixtures.node("n2", "batch", "i-2")).create();
        client.pods().inNamespace("ml").resource(running("train-1", "n1")).create();
        client.pods().inNamespace("ml").resource(running("train-2", "n2")).create();
        client.pods()
                .inNamespace("ml")
                .resource(succeeded("train-0", "n2", 3600))
                .create();
        try (ClusterCache cache = new ClusterCache(client, () -> {})) {
            assertThat(cache.start(Duration.ofSeconds(30))).isEmpty();
            KubeLanes lanes = new KubeLanes(client, cache, "joblane");
            Recorded keptAccess = new Recorded(lanes, true);
            Recorded freshAccess = new Recorded(new KubeLanes(client, cache, "joblane"), false);
            MutableClock clock = new MutableClock(START.plusSeconds(900));
            LanesStep kept = new LanesStep(keptAccess, clock, Duration.ofSeconds(30), 100);
            LanesStep fresh = new LanesStep(freshAccess, clock, Duration.ofSeconds(30), 100);
            ScanGate gate = new ScanGate(false, () -> true);
            List<String> names = List.of("train-0", "train-1", "train-2");
            Runnable scanBoth = () -> {
                kept.run(gate);
                fresh.run(gate);
                assertThat(keptAccess.writes).isEqualTo(freshAccess.writes);
                assertThat(kept.history().table().asMap())
                        .isEqualTo(fresh.history().table().asMap());
                for (String name : names) {
                    String uid = uid(cache, name);
                    for (String node : uid == null ? List.<String>of() : List.of("n1", "n2")) {
                        assertThat(kept.expectedEnds().of(uid, node))
                                .as(name + " on " + node)
                                .isEqualTo(fresh.expectedEnds().of(uid, node));
                    }
                }
                clock.advance(Duration.ofSeconds(10));
            };

            scanBoth.run();
            assertThat(keptAccess.writes)
                    .as("the run of train-0 learnt, both nodes labelled")
                    .hasSize(3);
            assertThat(kept.history().table().get("ml/train")).isNotNull();
            List<LaneNode> nodes = lanes.nodes();
            LanePods first = lanes.pods(nodes);
            LanePods again = lanes.pods(nodes);
            assertThat(again.ofNodes().get(at(nodes, "n1")))
                    .isSameAs(first.ofNodes().get(at(nodes, "n1")));
            assertThat(again.ofNodes().get(at(nodes, "n2")))
                    .isSameAs(first.ofNodes().get(at(nodes, "n2")));
            assertThat(again.others()).extracting(LanePod::finishedRun).containsExactly(true);

            client.pods().inNamespace("ml").withName("train-2").edit(p -> {
                p.getMetadata().getAnnotations().put(WellKnown.EXPECTED_DURATION_ANNOTATION, "3h");
                return p;
            });
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> cache.pods().stream()
                            .anyMatch(p -> p.getMetadata().getAnnotations() != null
                                    && "3h"
                                            .equals(p.getMetadata()
                                                    .getAnnotations()
                                                    .get(WellKnown.EXPECTED_DURATION_ANNOTATION))));
            LanePods edited = lanes.pods(nodes);
            assertThat(edited.ofNodes().get(at(nodes, "n1")))
                    .isSameAs(first.ofNodes().get(at(nodes, "n1")));
            assertThat(edited.ofNodes().get(at(nodes, "n2")))
                    .isNotSameAs(first.ofNodes().get(at(nodes, "n2")))
                    .singleElement()
                    .satisfies(p -> assertThat(p.expectedDuration()).isEqualTo("3h"));
            scanBoth.run();

            // Another run of the family: kept nodes are predicted again from the new history.
            client.pods()
                    .inNamespace("ml")
                    .resource(succeeded("train-3", "n1", 7200))
                    .create();
            await().atMost(Duration.ofSeconds(20)).until(() -> cache.pods().size() == 4);
            int before = keptAccess.writes.size();
            scanBoth.run();
            scanBoth.run();
            assertThat(keptAccess.writes.subList(before, keptAccess.writes.size()))
                    .as("n1 relabelled from the family's new run though its pods did not change")
                    .anyMatch(w -> w.startsWith("n1="));

            client.pods().inNamespace("ml").withName("train-1").delete();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> cache.pods().stream()
                            .map(p -> p.getMetadata().getName())
                            .noneMatch("train-1"::equals));
            scanBoth.run();
            LanePods afterDelete = lanes.pods(nodes);
            assertThat(afterDelete.ofNodes().get(at(nodes, "n1"))).isEmpty();
            assertThat(lanes.translationsHeld())
                    .as("train-1's translation dropped")
                    .isEqualTo(3);
        }
    }
}
