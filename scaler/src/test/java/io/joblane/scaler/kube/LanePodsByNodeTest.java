package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.joblane.scaler.lanes.LaneNode;
import io.joblane.scaler.lanes.LaneNodePods;
import io.joblane.scaler.lanes.LanePod;
import io.joblane.scaler.lanes.LanePods;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lanes' pods from the cache: translated once per resourceVersion, a node's list kept while its pods are unchanged. */
class LanePodsByNodeTest {
    private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");

    final List<Pod> translated = new ArrayList<>();
    final LanePodsByNode byNode = new LanePodsByNode(p -> {
        translated.add(p);
        return KubeLanes.lanePod(p);
    });
    final List<LaneNode> nodes = List.of(new LaneNode("a", null), new LaneNode("b", "29000000"));

    static Pod pod(String name, String node, String version) {
        Pod p = KubeFixtures.jobPod("ml", name, "batch", node, "1");
        p.getMetadata().setUid("uid-" + name);
        p.getMetadata().setResourceVersion(version);
        if (node != null) {
            p.getStatus().setStartTime(START.toString());
        }
        return p;
    }

    static Pod succeeded(String name, String node, String version) {
        return KubeFixtures.succeeded(
                pod(name, node, version), START.plusSeconds(600).toString());
    }

    @Test
    void groupedAsTheDefaultGroupsTheSamePodsWithFinishedUnboundAndElsewhereInOthers() {
        List<Pod> pods = List.of(
                pod("a1", "a", "1"),
                succeeded("done", "a", "2"),
                pod("waiting", null, "3"),
                pod("b1", "b", "4"),
                pod("gone", "gone", "5"),
                pod("a2", "a", "6"));

        LanePods kept = byNode.group(nodes, pods);
        LanePods flat =
                LanePods.group(nodes, pods.stream().map(KubeLanes::lanePod).toList());

        assertThat(kept.ofNodes()).hasSize(2);
        assertThat(kept.ofNodes().get(0))
                .isInstanceOf(LaneNodePods.class)
                .containsExactlyElementsOf(flat.ofNodes().get(0));
        assertThat(kept.ofNodes().get(1))
                .containsExactlyElementsOf(flat.ofNodes().get(1));
        assertThat(kept.others()).containsExactlyElementsOf(flat.others());
        assertThat(kept.others()).extracting(LanePod::uid).containsExactly("uid-done", "uid-waiting", "uid-gone");
        assertThat(kept.others().get(0).finishedRun())
                .as("the learner still sees the Succeeded pod")
                .isTrue();
    }

    @Test
    void anUnchangedNodeKeepsItsListAndNoPodIsTranslatedTwice() {
        Pod a1 = pod("a1", "a", "1");
        Pod b1 = pod("b1", "b", "2");
        LanePods first = byNode.group(nodes, List.of(a1, b1));
        // A relist hands new objects of the same resourceVersion: still no new translation.
        LanePods second = byNode.group(nodes, List.of(pod("a1", "a", "1"), b1));

        assertThat(second.ofNodes().get(0)).isSameAs(first.ofNodes().get(0));
        assertThat(second.ofNodes().get(1)).isSameAs(first.ofNodes().get(1));
        assertThat(translated).containsExactly(a1, b1);
    }

    @Test
    void aChangedNewOrRemovedPodGivesItsNodeANewListAndLeavesTheOtherNodesAlone() {
        Pod a1 = pod("a1", "a", "1");
        Pod b1 = pod("b1", "b", "2");
        List<List<LanePod>> first = byNode.group(nodes, List.of(a1, b1)).ofNodes();

        Pod a1Changed = pod("a1", "a", "7");
        a1Changed.getSpec().setActiveDeadlineSeconds(60L);
        List<List<LanePod>> changed =
                byNode.group(nodes, List.of(a1Changed, b1)).ofNodes();
        assertThat(changed.get(0))
                .isNotSameAs(first.get(0))
                .singleElement()
                .satisfies(p -> assertThat(p.deadlineMillis()).isEqualTo(60_000));
        assertThat(changed.get(1)).isSameAs(first.get(1));

        Pod a2 = pod("a2", "a", "8");
        List<List<LanePod>> grown =
                byNode.group(nodes, List.of(a1Changed, b1, a2)).ofNodes();
        assertThat(grown.get(0)).isNotSameAs(changed.get(0)).hasSize(2);
        assertThat(grown.get(0).get(0)).isSameAs(changed.get(0).get(0));
        assertThat(grown.get(1)).isSameAs(first.get(1));

        List<List<LanePod>> shrunk = byNode.group(nodes, List.of(b1, a2)).ofNodes();
        assertThat(shrunk.get(0))
                .isNotSameAs(grown.get(0))
                .singleElement()
                .isSameAs(grown.get(0).get(1));
        assertThat(shrunk.get(1)).isSameAs(first.get(1));

        List<List<LanePod>> emptied = byNode.group(nodes, List.of(b1)).ofNodes();
        assertThat(emptied.get(0)).isEmpty();
        assertThat(emptied.get(1)).isSameAs(first.get(1));
    }

    @Test
    void aPodThatFinishesLeavesItsNodesListForTheOthers() {
        Pod a1 = pod("a1", "a", "1");
        List<LanePod> before = byNode.group(nodes, List.of(a1)).ofNodes().get(0);

        LanePods after = byNode.group(nodes, List.of(succeeded("a1", "a", "2")));

        assertThat(before).hasSize(1);
        assertThat(after.ofNodes().get(0)).isEmpty();
        assertThat(after.others())
                .singleElement()
                .satisfies(p -> assertThat(p.finishedRun()).isTrue());
    }

    @Test
    void aDeletedPodsTranslationIsDroppedAndARecreatedOneTranslatedAfresh() {
        Pod a1 = pod("a1", "a", "1");
        Pod b1 = pod("b1", "b", "2");
        byNode.group(nodes, List.of(a1, b1));
        assertThat(byNode.held()).isEqualTo(2);

        byNode.group(nodes, List.of(b1));
        assertThat(byNode.held()).isEqualTo(1);

        Pod recreated = pod("a1", "a", "1"); // same name, uid and version as the deleted one: translated again
        LanePods back = byNode.group(nodes, List.of(b1, recreated));
        assertThat(byNode.held()).isEqualTo(2);
        assertThat(translated).containsExactly(a1, b1, recreated);
        assertThat(back.ofNodes().get(0)).singleElement().isEqualTo(KubeLanes.lanePod(recreated));
    }

    @Test
    void aPodWithoutResourceVersionOrUidIsTranslatedAtEveryScan() {
        Pod bare = pod("bare", "a", null);
        bare.getMetadata().setUid(null);

        List<LanePod> first = byNode.group(nodes, List.of(bare)).ofNodes().get(0);
        List<LanePod> second = byNode.group(nodes, List.of(bare)).ofNodes().get(0);

        assertThat(translated).containsExactly(bare, bare);
        assertThat(second).isNotSameAs(first).isEqualTo(first);
        assertThat(byNode.held()).isEqualTo(1);
    }

    @Test
    void theFlatListIsTheCachedPodsTranslationsInOrder() {
        Pod a1 = pod("a1", "a", "1");
        Pod waiting = pod("waiting", null, "2");
        List<LanePod> first = byNode.translate(List.of(a1, waiting));
        List<LanePod> second = byNode.translate(List.of(waiting, a1));

        assertThat(first).extracting(LanePod::uid).containsExactly("uid-a1", "uid-waiting");
        assertThat(second).containsExactly(first.get(1), first.get(0));
        assertThat(translated).containsExactly(a1, waiting);
    }
}
