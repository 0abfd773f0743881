package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.joblane.model.WellKnown;
import io.joblane.model.lanes.FamilyTable;
import io.joblane.model.lanes.RunTimes;
import io.joblane.scaler.lanes.LanePod;
import io.joblane.scaler.lanes.LanesStep;
import io.joblane.scaler.loop.ScanGate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lanes against the mock API server: what the lean cache keeps for it, the ConfigMap, the node label. */
@EnableCrudApiServer
class KubeLanesCrudTest {
    private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");
    KubernetesClient client;

    private Pod succeededPod() {
        Pod p = KubeFixtures.jobPod("ml", "nightly-29412345-abcde", "batch", "n1", "1");
        p.getMetadata().getLabels().put(WellKnown.JOB_NAME_LABEL, "nightly-29412345");
        p.getStatus().setStartTime(START.toString());
        return KubeFixtures.succeeded(p, START.plusSeconds(600).toString());
    }

    private Pod runningPod() {
        Pod p = KubeFixtures.jobPod("ml", "train-1", "batch", "n1", "1");
        p.getMetadata().getLabels().put(WellKnown.FAMILY_LABEL, "train");
        p.getMetadata().getAnnotations().put(WellKnown.EXPECTED_DURATION_ANNOTATION, "2h");
        p.getSpec().setActiveDeadlineSeconds(7200L);
        p.getStatus().setStartTime(START.toString());
        return p;
    }

    @Test
    void theLeanCacheKeepsWhatPredictsAndWhatIsLearntAndTheStepLabelsTheNodeAndPublishesTheTable() throws Exception {
        client.nodes().resource(KubeFixtures.node("n1", "batch", "i-1")).create();
        client.pods().inNamespace("ml").resource(succeededPod()).create();
        client.pods().inNamespace("ml").resource(runningPod()).create();
        try (ClusterCache cache = new ClusterCache(client, () -> {})) {
            assertThat(cache.start(Duration.ofSeconds(30))).isEmpty();
            KubeLanes lanes = new KubeLanes(client, cache, "joblane");
            assertThat(lanes.pods())
                    .extracting(p -> new LanePod(
                            null,
                            p.node(),
                            p.family(),
                            p.expectedDuration(),
                            p.deadlineMillis(),
                            p.bound(),
                            p.startMillis(),
                            p.finishedMillis()))
                    .containsExactlyInAnyOrder(
                            new LanePod(
                                    null,
                                    "n1",
                                    "ml/nightly",
                                    null,
                                    0,
                                    false,
                                    START.toEpochMilli(),
                                    START.plusSeconds(600).toEpochMilli()),
                            new LanePod(null, "n1", "ml/train", "2h", 7_200_000, true, START.toEpochMilli(), -1));

            Clock clock = Clock.fixed(START.plusSeconds(900), ZoneOffset.UTC);
            new LanesStep(lanes, clock, Duration.ofSeconds(30), 100).run(new ScanGate(false, () -> true));
            long end = (START.toEpochMilli() + 7_200_000) / 60_000;
            assertThat(client.nodes().withName("n1").get().getMetadata().getLabels())
                    .containsEntry(WellKnown.LANE_END_LABEL, Long.toString(end))
                    .containsEntry(WellKnown.NODE_GROUP_LABEL, "batch");
            ConfigMap cm = client.configMaps()
                    .inNamespace("joblane")
                    .withName(WellKnown.LANES_CONFIGMAP)
                    .get();
            assertThat(FamilyTable.decode(cm.getData().get(WellKnown.LANES_CONFIGMAP_KEY))
                            .get("ml/nightly"))
                    .isEqualTo(RunTimes.first(600_000, START.plusSeconds(600).toEpochMilli()));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Long.toString(end)
                            .equals(cache.nodes()
                                    .get(0)
                                    .getMetadata()
                                    .getLabels()
                                    .get(WellKnown.LANE_END_LABEL)));
        }
    }

    @Test
    void theTableIsCreatedThenReplacedAndReadBackAndTheLabelIsRemovedWithNull() throws Exception {
        client.nodes().resource(KubeFixtures.node("n1", "batch", "i-1")).create();
        KubeLanes lanes = new KubeLanes(client, null, "joblane");
        assertThat(lanes.published().size()).as("no ConfigMap yet").isZero();
        lanes.publish(new FamilyTable(Map.of("ns/a", RunTimes.first(1, 2))));
        FamilyTable second = new FamilyTable(Map.of("ns/b", RunTimes.first(3, 4)));
        lanes.publish(second);
        assertThat(lanes.published().asMap()).isEqualTo(second.asMap());

        lanes.setLaneEnd("n1", "29000000");
        assertThat(client.nodes().withName("n1").get().getMetadata().getLabels())
                .containsEntry(WellKnown.LANE_END_LABEL, "29000000");
        lanes.setLaneEnd("n1", null);
        lanes.setLaneEnd("n1", null); // already gone: no error
        assertThat(client.nodes().withName("n1").get().getMetadata().getLabels())
                .doesNotContainKey(WellKnown.LANE_END_LABEL)
                .containsEntry(WellKnown.NODE_GROUP_LABEL, "batch");
    }
}
