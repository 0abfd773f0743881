package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.joblane.scaler.loop.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class EventRecorderCrudTest {
    KubernetesClient client;

    static ObjectRef node(String name, String uid) {
        return new ObjectRef("Node", "", name, uid);
    }

    static ObjectRef pod(String namespace, String name, String uid) {
        return new ObjectRef("Pod", namespace, name, uid);
    }

    @Test
    void recordsEventsOnPodsAndNodes() {
        EventRecorder recorder =
                new EventRecorder(client, new MutableClock(Instant.parse("2026-11-27T10:00:00Z")), "scaler-0");
        recorder.record(
                pod("team-a", "job-x", "uid-x"), "Warning", "NotScaledUpTooBig", "needs 64 cpu, group batch has 16");
        recorder.record(node("n1", "uid-n1"), "Normal", "Draining", "tainted joblane.io/draining:PreferNoSchedule");

        List<Event> podEvents =
                client.v1().events().inNamespace("team-a").list().getItems();
        assertThat(podEvents).singleElement().satisfies(e -> {
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Pod");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("job-x");
            assertThat(e.getInvolvedObject().getUid()).isEqualTo("uid-x");
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo("NotScaledUpTooBig");
            assertThat(e.getSource().getComponent()).isEqualTo("joblane-scaler");
            assertThat(e.getReportingInstance()).isEqualTo("scaler-0");
            assertThat(e.getCount()).isEqualTo(1);
        });
        List<Event> nodeEvents =
                client.v1().events().inNamespace("default").list().getItems();
        assertThat(nodeEvents).singleElement().satisfies(e -> {
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Node");
            assertThat(e.getReason()).isEqualTo("Draining");
        });
    }

    // Guards against flooding the API server: a pod waiting for an hour must not create an Event per scan.
    @Test
    void repeatsAreAggregatedIntoOneEventWithACount() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
        EventRecorder recorder = new EventRecorder(client, clock, "scaler-0");
        ObjectRef pod = pod("team-a", "job-x", "uid-x");
        for (int i = 0; i < 5; i++) {
            recorder.record(pod, "Warning", "NotScaledUpTooBig", "too big");
            clock.advance(Duration.ofSeconds(10));
        }
        recorder.record(pod, "Warning", "NotScaledUpTooBig", "a different message");

        List<Event> events = client.v1().events().inNamespace("team-a").list().getItems();
        assertThat(events).hasSize(2);
        Event aggregated = events.stream()
                .filter(e -> e.getMessage().equals("too big"))
                .findFirst()
                .orElseThrow();
        assertThat(aggregated.getCount()).isEqualTo(5);
        assertThat(aggregated.getFirstTimestamp()).isEqualTo("2026-11-27T10:00:00Z");
        assertThat(aggregated.getLastTimestamp()).isEqualTo("2026-11-27T10:00:40Z");
    }

    @Test
    void aRepeatAfterTheWindowOrAfterTheEventExpiredCreatesAFreshEvent() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
        EventRecorder recorder = new EventRecorder(client, clock, "scaler-0");
        ObjectRef node = node("n1", "u1");
        recorder.record(node, "Normal", "Draining", "m");
        client.v1().events().inNamespace("default").delete();
        recorder.record(node, "Normal", "Draining", "m");
        assertThat(client.v1().events().inNamespace("default").list().getItems())
                .singleElement()
                .satisfies(e -> assertThat(e.getCount()).isEqualTo(1));

        clock.advance(EventRecorder.AGGREGATION_WINDOW.plus(Duration.ofSeconds(1)));
        recorder.record(node, "Normal", "Draining", "m");
        assertThat(client.v1().events().inNamespace("default").list().getItems())
                .hasSize(2);
    }
}
