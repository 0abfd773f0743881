package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.joblane.model.WellKnown;
import io.joblane.scaler.plan.LabelRequirement;
import io.joblane.scaler.plan.NodeFit;
import io.joblane.scaler.plan.PodConstraints;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.scaler.plan.PodSelector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodConstraintsReaderTest {
    private static final String ZONE = "topology.kubernetes.io/zone";

    /** A Job pod with the webhook's draining fence in its node affinity, as every routed Job pod has. */
    static PodBuilder fenced(String name) {
        return new PodBuilder(KubeFixtures.jobPod("ns", name, "batch", null, "1"))
                .editSpec()
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
                .endSpec();
    }

    static PersistentVolumeClaim claim(String name, String volume) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("ns")
                .endMetadata()
                .withNewSpec()
                .withVolumeName(volume)
                .endSpec()
                .build();
    }

    static PersistentVolume zonal(String name, String zone) {
        return new PersistentVolumeBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withNewNodeAffinity()
                .withNewRequired()
                .addNewNodeSelectorTerm()
                .addNewMatchExpression()
                .withKey(ZONE)
                .withOperator("In")
                .withValues(zone)
                .endMatchExpression()
                .endNodeSelectorTerm()
                .endRequired()
                .endNodeAffinity()
                .endSpec()
                .build();
    }

    @Test
    void theWebhooksFenceAndTheGroupSelectorAreNoConstraint() {
        // Guards against: every Job pod counted as constrained (its fence), losing the fast path of the planner.
        PodInfo info = ModelTranslator.podInfo(fenced("p").build());
        assertThat(info.constraints()).isSameAs(PodConstraints.NONE);
        assertThat(info.constrained()).isFalse();
    }

    @Test
    void nodeAffinityBesidesTheFenceAndNodeSelectorBesidesTheGroupAreKept() {
        Pod pod = fenced("p")
                .editSpec()
                .addToNodeSelector("kubernetes.io/arch", "arm64")
                .editAffinity()
                .editNodeAffinity()
                .editRequiredDuringSchedulingIgnoredDuringExecution()
                .editFirstNodeSelectorTerm()
                .addNewMatchExpression()
                .withKey(ZONE)
                .withOperator("In")
                .withValues("eu-west-1a", "eu-west-1b")
                .endMatchExpression()
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity()
                .endAffinity()
                .endSpec()
                .build();
        PodConstraints c = ModelTranslator.podInfo(pod).constraints();

        assertThat(c.nodeSelector()).containsExactly(Map.entry("kubernetes.io/arch", "arm64"));
        assertThat(c.nodeTerms())
                .singleElement()
                .satisfies(t -> assertThat(t.terms())
                        .containsExactly(List.of(LabelRequirement.in(ZONE, "eu-west-1a", "eu-west-1b"))));
    }

    @Test
    void aClaimBoundToAZonalVolumePinsThePodToThatZone() {
        Pod pod = fenced("p")
                .editSpec()
                .addNewVolume()
                .withName("data")
                .withNewPersistentVolumeClaim()
                .withClaimName("data-p")
                .endPersistentVolumeClaim()
                .endVolume()
                .endSpec()
                .build();
        Map<String, PodConstraints.NodeTerms> volumes = PodConstraintsReader.volumeTerms(
                List.of(claim("data-p", "pv-1"), claim("unbound", null)), List.of(zonal("pv-1", "eu-west-1b")));
        PodConstraints c = ModelTranslator.podInfo(pod, volumes).constraints();

        assertThat(c.nodeTerms())
                .singleElement()
                .satisfies(t -> assertThat(t.source()).isEqualTo("volume data-p (PersistentVolume pv-1)"));
        assertThat(NodeFit.labelsMatch(c, Map.of(ZONE, "eu-west-1a"))).isFalse();
        assertThat(NodeFit.labelsMatch(c, Map.of(ZONE, "eu-west-1b"))).isTrue();
    }

    @Test
    void antiAffinityOfItsOwnNamespaceAndDoNotScheduleSpreadAreKept() {
        Pod pod = fenced("p")
                .editMetadata()
                .addToLabels("app", "x")
                .endMetadata()
                .editSpec()
                .editAffinity()
                .withNewPodAntiAffinity()
                .addNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withTopologyKey("kubernetes.io/hostname")
                .withNewLabelSelector()
                .addToMatchLabels("app", "x")
                .endLabelSelector()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withTopologyKey("kubernetes.io/hostname")
                .withNamespaces("elsewhere")
                .withNewLabelSelector()
                .addToMatchLabels("app", "y")
                .endLabelSelector()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity()
                .endAffinity()
                .addNewTopologySpreadConstraint()
                .withTopologyKey(ZONE)
                .withMaxSkew(1)
                .withWhenUnsatisfiable("DoNotSchedule")
                .withNewLabelSelector()
                .addToMatchLabels("app", "x")
                .endLabelSelector()
                .endTopologySpreadConstraint()
                .addNewTopologySpreadConstraint()
                .withTopologyKey(ZONE)
                .withMaxSkew(1)
                .withWhenUnsatisfiable("ScheduleAnyway")
                .withNewLabelSelector()
                .endLabelSelector()
                .endTopologySpreadConstraint()
                .endSpec()
                .build();
        PodInfo info = ModelTranslator.podInfo(pod);

        assertThat(info.constraints().antiAffinity())
                .containsExactly(new PodConstraints.TopologyTerm(
                        "kubernetes.io/hostname", PodSelector.labels(Map.of("app", "x"))));
        assertThat(info.constraints().spread())
                .containsExactly(new PodConstraints.SpreadRule(ZONE, 1, PodSelector.labels(Map.of("app", "x"))));
        // Lean keeps every label of such a pod: its siblings are counted by them.
        assertThat(ModelTranslator.podInfo(Lean.pod(pod)).labels()).containsEntry("app", "x");
        assertThat(ModelTranslator.podInfo(Lean.pod(pod)).constraints()).isEqualTo(info.constraints());
    }

    @Test
    void leanKeepsTheClaimAndDropsTheFenceOnlyAffinity() {
        Pod pod = fenced("p")
                .editSpec()
                .addNewVolume()
                .withName("data")
                .withNewPersistentVolumeClaim()
                .withClaimName("data-p")
                .endPersistentVolumeClaim()
                .endVolume()
                .addNewVolume()
                .withName("scratch")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .endSpec()
                .build();
        Pod lean = Lean.pod(pod);
        assertThat(lean.getSpec().getAffinity()).isNull();
        assertThat(PodConstraintsReader.claims(lean.getSpec())).containsExactly("data-p");
        assertThat(lean.getSpec().getVolumes()).hasSize(1);
    }

    @Test
    void tolerationsOfTheGroupsOwnNodeConditionAndDrainingTaintsAreLeftOutOthersKept() {
        // Guards against: every steered pod turned "constrained" by the webhook's toleration (the fast path lost),
        // or a pod's real tolerations of an ASG's template taint dropped (a tolerating pod never sent there).
        Pod pod = new PodBuilder(KubeFixtures.jobPod("ns", "p", "batch", null, "1"))
                .editSpec()
                .addNewToleration()
                .withKey(WellKnown.DEDICATED_TAINT)
                .withValue("batch")
                .withEffect("NoSchedule")
                .endToleration()
                .addNewToleration()
                .withKey("node.kubernetes.io/not-ready")
                .withOperator("Exists")
                .withEffect("NoExecute")
                .withTolerationSeconds(300L)
                .endToleration()
                .addNewToleration()
                .withKey(WellKnown.DRAINING_TAINT)
                .withOperator("Exists")
                .endToleration()
                .endSpec()
                .build();
        assertThat(PodConstraintsReader.read(
                        pod.getSpec(), "ns", "batch", k -> null, java.util.Set.of(WellKnown.DEDICATED_TAINT)))
                .isSameAs(PodConstraints.NONE);

        pod.getSpec()
                .getTolerations()
                .add(new io.fabric8.kubernetes.api.model.Toleration(
                        "NoSchedule", "nvidia.com/gpu", "Exists", null, null));
        assertThat(PodConstraintsReader.read(
                                pod.getSpec(), "ns", "batch", k -> null, java.util.Set.of(WellKnown.DEDICATED_TAINT))
                        .tolerations())
                .containsExactly(new io.joblane.scaler.plan.Toleration("nvidia.com/gpu", "Exists", null, "NoSchedule"));
    }
}
