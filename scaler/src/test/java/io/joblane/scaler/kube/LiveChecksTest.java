package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.joblane.model.WellKnown;
import io.joblane.scaler.plan.NodeAnnotations;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The judgements on live-read nodes and pods before a termination, on objects built here. */
class LiveChecksTest {
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    /** Node n1 on i-1, cordoned by Joblane, uid u1: terminable as the snapshot saw it. */
    static Node cordonedByJoblane() {
        Node n = KubeFixtures.node("n1", "batch", "i-1");
        n.getMetadata().setUid("u1");
        n.getSpec().setUnschedulable(true);
        n.getMetadata().getAnnotations().put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(T0));
        return n;
    }

    @Test
    void aNodeStillCordonedByJoblaneOnTheSameInstanceIsTerminable() {
        assertThat(LiveChecks.whyNodeNotTerminable(cordonedByJoblane(), "i-1", "u1"))
                .isEmpty();
    }

    // Guards against terminating from the cache when the live node is no longer Joblane's cordon of that instance.
    @Test
    void aNodeChangedSinceTheSnapshotIsNotTerminable() {
        assertThat(LiveChecks.whyNodeNotTerminable(null, "i-1", "u1")).contains("the node is gone");

        Node uncordoned = cordonedByJoblane();
        uncordoned.getSpec().setUnschedulable(false);
        assertThat(LiveChecks.whyNodeNotTerminable(uncordoned, "i-1", "u1")).contains("the node is no longer cordoned");

        Node humans = cordonedByJoblane();
        humans.getMetadata().getAnnotations().remove(NodeAnnotations.CORDONED_AT);
        assertThat(LiveChecks.whyNodeNotTerminable(humans, "i-1", "u1"))
                .contains("the node's cordon is no longer Joblane's");

        Node disabled = cordonedByJoblane();
        disabled.getMetadata().getAnnotations().put(WellKnown.SCALE_DOWN_DISABLED_ANNOTATION, "true");
        assertThat(LiveChecks.whyNodeNotTerminable(disabled, "i-1", "u1"))
                .hasValueSatisfying(w -> assertThat(w).contains(WellKnown.SCALE_DOWN_DISABLED_ANNOTATION));

        assertThat(LiveChecks.whyNodeNotTerminable(cordonedByJoblane(), "i-2", "u1"))
                .contains("the node's providerID no longer names instance i-2");

        assertThat(LiveChecks.whyNodeNotTerminable(cordonedByJoblane(), "i-1", "u0"))
                .contains("the node was re-created since the snapshot (uid u1)");
        assertThat(LiveChecks.whyNodeNotTerminable(cordonedByJoblane(), "i-1", null))
                .as("not in the snapshot at all")
                .isPresent();
    }

    @Test
    void aNodeOnTheInstanceOrWithoutAUsableProviderIdMayRunIt() {
        Node other = KubeFixtures.node("other", "batch", "i-2");
        Node mine = KubeFixtures.node("mine", "batch", "i-1");
        Node bare = KubeFixtures.node("bare", "batch", "x");
        bare.getSpec().setProviderID("");
        Node odd = KubeFixtures.node("odd", "batch", "x");
        odd.getSpec().setProviderID("aws:///us-east-1a/");

        assertThat(LiveChecks.nodeThatMayRun("i-1", List.of(other))).isEmpty();
        assertThat(LiveChecks.nodeThatMayRun("i-1", List.of(other, mine))).contains("node mine runs on it");
        assertThat(LiveChecks.nodeThatMayRun("i-1", List.of(other, bare)))
                .contains("node bare has no usable spec.providerID (empty) and could be this instance");
        assertThat(LiveChecks.nodeThatMayRun("i-1", List.of(odd)))
                .contains("node odd has no usable spec.providerID ('aws:///us-east-1a/') and could be this instance");
    }

    @Test
    void aPodHoldingANodeWithoutNodeObjectMayRunOnTheInstance() {
        Pod orphan = KubeFixtures.jobPod("team-a", "orphan", "batch", "gone", "1");

        assertThat(LiveChecks.boundToAMissingNode(orphan, Set.of("n1")))
                .contains("pod team-a/orphan is bound to node gone, which has no Node object");
        assertThat(LiveChecks.boundToAMissingNode(orphan, Set.of("n1", "gone"))).isEmpty();
        assertThat(LiveChecks.boundToAMissingNode(KubeFixtures.jobPod("a", "unbound", "batch", null, "1"), Set.of()))
                .isEmpty();
        orphan.getStatus().setPhase("Succeeded");
        assertThat(LiveChecks.boundToAMissingNode(orphan, Set.of("n1")))
                .as("a finished pod holds nothing")
                .isEmpty();
    }
}
