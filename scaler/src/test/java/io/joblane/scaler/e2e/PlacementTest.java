package io.joblane.scaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.joblane.model.WellKnown;
import org.junit.jupiter.api.Test;

/** The end-to-end world's scheduler filters: the fences the scenarios rely on must hold there as in Kubernetes. */
class PlacementTest {

    private static Node node() {
        return new NodeBuilder()
                .withNewMetadata()
                .withName("n1")
                .addToLabels(WellKnown.NODE_GROUP_LABEL, "batch")
                .endMetadata()
                .withNewSpec()
                .addNewTaint()
                .withKey(WellKnown.DEDICATED_TAINT)
                .withValue("batch")
                .withEffect("NoSchedule")
                .endTaint()
                .endSpec()
                .withNewStatus()
                .addToAllocatable("cpu", new Quantity("3920m"))
                .addToAllocatable("memory", new Quantity("15Gi"))
                .addToAllocatable("pods", new Quantity("110"))
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build();
    }

    private static Pod jobPod(boolean tolerateAll, String cpu) {
        PodBuilder b = new PodBuilder()
                .withNewMetadata()
                .withName("p")
                .endMetadata()
                .withNewSpec()
                .addToNodeSelector(WellKnown.NODE_GROUP_LABEL, "batch")
                .addNewToleration()
                .withKey(WellKnown.DEDICATED_TAINT)
                .withOperator("Equal")
                .withValue("batch")
                .withEffect("NoSchedule")
                .endToleration()
                .withNewAffinity()
                .withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm()
                .addNewMatchExpression()
                .withKey(WellKnown.DRAINING_LABEL)
                .withOperator("DoesNotExist")
                .endMatchExpression()
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity()
                .endAffinity()
                .addNewContainer()
                .withName("main")
                .withNewResources()
                .addToRequests("cpu", new Quantity(cpu))
                .addToRequests("memory", new Quantity("1Gi"))
                .endResources()
                .endContainer()
                .endSpec();
        if (tolerateAll) {
            b.editSpec()
                    .addNewToleration()
                    .withOperator("Exists")
                    .endToleration()
                    .endSpec();
        }
        return b.build();
    }

    @Test
    void aJobPodFitsAnOpenNodeOfItsGroupUpToItsAllocatable() {
        assertThat(Placement.feasible(jobPod(false, "1"), node(), Placement.Used.NONE))
                .isTrue();
        assertThat(Placement.feasible(jobPod(false, "1"), node(), new Placement.Used(3000, 0, 1)))
                .isFalse();
    }

    @Test
    void theCordonAndTheDrainingTaintStopOrdinaryJobPodsButNotATolerateAllPod() {
        Node cordoned = new NodeBuilder(node())
                .editSpec()
                .withUnschedulable(true)
                .endSpec()
                .build();
        Node tainted = new NodeBuilder(node())
                .editSpec()
                .addNewTaint()
                .withKey(WellKnown.DRAINING_TAINT)
                .withEffect("NoSchedule")
                .endTaint()
                .endSpec()
                .build();

        assertThat(Placement.feasible(jobPod(false, "1"), cordoned, Placement.Used.NONE))
                .isFalse();
        assertThat(Placement.feasible(jobPod(false, "1"), tainted, Placement.Used.NONE))
                .isFalse();
        assertThat(Placement.feasible(jobPod(true, "1"), cordoned, Placement.Used.NONE))
                .isTrue();
        assertThat(Placement.feasible(jobPod(true, "1"), tainted, Placement.Used.NONE))
                .isTrue();
    }

    @Test
    void theDrainingLabelStopsEvenATolerateAllPodThroughItsRequiredAffinity() {
        Node labelled = new NodeBuilder(node())
                .editMetadata()
                .addToLabels(WellKnown.DRAINING_LABEL, "true")
                .endMetadata()
                .editSpec()
                .withUnschedulable(true)
                .endSpec()
                .build();

        assertThat(Placement.feasible(jobPod(true, "1"), labelled, Placement.Used.NONE))
                .isFalse();
    }

    @Test
    void aNodeNotReadyTakesNothingAndPreferNoScheduleOnlyLowersTheScore() {
        Node notReady = new NodeBuilder(node())
                .editStatus()
                .editFirstCondition()
                .withStatus("False")
                .endCondition()
                .endStatus()
                .build();
        Node nudged = new NodeBuilder(node())
                .editSpec()
                .addNewTaint()
                .withKey(WellKnown.DRAINING_TAINT)
                .withEffect("PreferNoSchedule")
                .endTaint()
                .endSpec()
                .build();

        assertThat(Placement.feasible(jobPod(true, "1"), notReady, Placement.Used.NONE))
                .isFalse();
        assertThat(Placement.feasible(jobPod(false, "1"), nudged, Placement.Used.NONE))
                .isTrue();
        assertThat(Placement.intolerablePreferNoSchedule(jobPod(false, "1"), nudged))
                .isEqualTo(1);
        assertThat(Placement.intolerablePreferNoSchedule(jobPod(true, "1"), nudged))
                .isZero();
    }
}
