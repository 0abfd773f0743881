package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.joblane.model.WellKnown;
import io.joblane.scaler.plan.NodeAnnotations;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class NodeWriterCrudTest {
    static final Instant AT = Instant.parse("2026-11-27T10:00:00Z");
    KubernetesClient client;
    NodeWriter writer;

    @BeforeEach
    void setUp() {
        client.nodes().resource(KubeFixtures.node("n1", "batch", "i-1")).create();
        writer = new NodeWriter(client);
    }

    Node live() {
        return client.nodes().withName("n1").get();
    }

    List<Taint> drainingTaints() {
        return live().getSpec().getTaints().stream()
                .filter(t -> WellKnown.DRAINING_TAINT.equals(t.getKey()))
                .toList();
    }

    @Test
    void drainingTaintIsAddedChangedAndRemovedLeavingOtherTaints() {
        writer.setDrainingTaint("n1", NodeWriter.PREFER_NO_SCHEDULE);
        assertThat(drainingTaints()).extracting(Taint::getEffect).containsExactly("PreferNoSchedule");

        writer.setDrainingTaint("n1", NodeWriter.NO_SCHEDULE);
        assertThat(drainingTaints()).extracting(Taint::getEffect).containsExactly("NoSchedule");

        writer.removeDrainingTaint("n1");
        assertThat(drainingTaints()).isEmpty();
        assertThat(live().getSpec().getTaints()).extracting(Taint::getKey).containsExactly(WellKnown.DEDICATED_TAINT);
    }

    String drainingLabel() {
        Map<String, String> labels = live().getMetadata().getLabels();
        return labels == null ? null : labels.get(WellKnown.DRAINING_LABEL);
    }

    @Test
    void theDrainingLabelFencesADrainingOrCordonedNodeUntilItIsReopened() {
        // Guards against tolerate-all Job pods landing on a node being emptied: only the label's affinity stops them.
        writer.setDrainingTaint("n1", NodeWriter.PREFER_NO_SCHEDULE);
        assertThat(drainingLabel()).isEqualTo("true");
        writer.cordon("n1", AT);
        writer.removeDrainingTaint("n1");
        assertThat(drainingLabel()).as("still cordoned by the scaler").isEqualTo("true");
        writer.uncordon("n1");
        assertThat(drainingLabel()).isNull();

        writer.cordon("n1", AT);
        assertThat(drainingLabel()).isEqualTo("true");
        writer.setDrainingTaint("n1", NodeWriter.NO_SCHEDULE);
        writer.uncordon("n1");
        assertThat(drainingLabel()).as("the draining taint is still there").isEqualTo("true");
        writer.removeDrainingTaint("n1");
        assertThat(drainingLabel()).isNull();
        assertThat(live().getMetadata().getLabels()).containsEntry(WellKnown.NODE_GROUP_LABEL, "batch");
    }

    @Test
    void aNodeMarkedForTerminationIsNeverUncordonedNorUntainted() {
        // Guards against reopening a node whose instance may already be terminating (a stale plan, a lost answer).
        writer.setDrainingTaint("n1", NodeWriter.NO_SCHEDULE);
        writer.cordon("n1", AT);
        assertThat(writer.markTerminationRequested("n1", AT)).isNull();
        assertThat(writer.markTerminationRequested("n1", AT.plusSeconds(5))).isEqualTo(AT);

        assertThat(writer.uncordon("n1")).isFalse();
        writer.removeDrainingTaint("n1");

        assertThat(live().getSpec().getUnschedulable()).isTrue();
        assertThat(drainingTaints()).hasSize(1);
        assertThat(drainingLabel()).isEqualTo("true");
        assertThat(live().getMetadata().getAnnotations())
                .containsEntry(NodeAnnotations.TERMINATION_REQUESTED_AT, NodeAnnotations.format(AT));
    }

    @Test
    void aFreshCordonReplacesAMarkLeftByAnEarlierOne() {
        // Guards against a stale cordoned-at (kept by kubectl uncordon) skipping the settle delay of a new cordon.
        writer.cordon("n1", AT);
        client.nodes().withName("n1").edit(n -> {
            n.getSpec().setUnschedulable(false); // kubectl uncordon keeps our annotation
            return n;
        });
        Instant later = AT.plusSeconds(3600);
        assertThat(writer.cordon("n1", later)).isTrue();
        assertThat(live().getMetadata().getAnnotations()).containsEntry(NodeAnnotations.CORDONED_AT, later.toString());
        // Cordoning again while still ours keeps the first time (idempotent).
        assertThat(writer.cordon("n1", later.plusSeconds(60))).isTrue();
        assertThat(live().getMetadata().getAnnotations()).containsEntry(NodeAnnotations.CORDONED_AT, later.toString());
    }

    @Test
    void cordonIsMarkedAsOursAndUncordonLiftsOnlyOurs() {
        assertThat(writer.cordon("n1", AT)).isTrue();
        assertThat(live().getSpec().getUnschedulable()).isTrue();
        assertThat(live().getMetadata().getAnnotations())
                .containsEntry(NodeAnnotations.CORDONED_AT, "2026-11-27T10:00:00Z");
        assertThat(NodeWriter.cordonedByOthers(live())).isFalse();

        assertThat(writer.uncordon("n1")).isTrue();
        assertThat(live().getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
        assertThat(live().getMetadata().getAnnotations()).doesNotContainKey(NodeAnnotations.CORDONED_AT);
    }

    @Test
    void aHumansCordonIsLeftAlone() {
        client.nodes().withName("n1").edit(n -> {
            n.getSpec().setUnschedulable(true);
            return n;
        });
        assertThat(NodeWriter.cordonedByOthers(live())).isTrue();
        assertThat(writer.cordon("n1", AT)).isFalse();
        assertThat(writer.uncordon("n1")).isFalse();
        assertThat(live().getSpec().getUnschedulable()).isTrue();
        assertThat(live().getMetadata().getAnnotations()).doesNotContainKey(NodeAnnotations.CORDONED_AT);
    }

    @Test
    void annotationsAreSetAndRemovedAndOthersKept() {
        Map<String, String> set = new HashMap<>();
        set.put("joblane.io/unneeded-since", "2026-01-01T00:00:00Z");
        writer.setAnnotations("n1", set);
        assertThat(live().getMetadata().getAnnotations())
                .containsEntry("joblane.io/unneeded-since", "2026-01-01T00:00:00Z")
                .containsKey("node.alpha.kubernetes.io/ttl");
        set.put("joblane.io/unneeded-since", null);
        writer.setAnnotations("n1", set);
        assertThat(live().getMetadata().getAnnotations()).doesNotContainKey("joblane.io/unneeded-since");
    }

    // Guards against losing a concurrent writer's change (a blind PUT would overwrite the other label).
    @Test
    void aConflictingWriteIsRetriedAndBothChangesSurvive() {
        AtomicBoolean interfered = new AtomicBoolean();
        writer.modify("n1", node -> {
            if (interfered.compareAndSet(false, true)) {
                client.nodes().withName("n1").edit(n -> {
                    n.getMetadata().getLabels().put("other", "writer");
                    return n;
                });
            }
            node.getMetadata().getAnnotations().put("joblane.io/x", "1");
            return node;
        });
        assertThat(live().getMetadata().getLabels()).containsEntry("other", "writer");
        assertThat(live().getMetadata().getAnnotations()).containsEntry("joblane.io/x", "1");
    }
}
