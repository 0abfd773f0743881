package io.joblane.scaler.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.plan.LabelRequirement.Operator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeFitTest {
    private static final String ZONE = "topology.kubernetes.io/zone";
    private static final Map<String, String> NODE_A = Map.of(ZONE, "eu-west-1a", "kubernetes.io/arch", "amd64");

    private static PodConstraints terms(List<List<LabelRequirement>> terms) {
        return PodConstraints.of(Map.of(), List.of(new PodConstraints.NodeTerms("node affinity", terms)), null, null);
    }

    @Test
    void nodeSelectorMustMatchEveryEntry() {
        PodConstraints c = PodConstraints.of(Map.of("kubernetes.io/arch", "arm64"), null, null, null);
        assertThat(NodeFit.labelsMatch(c, NODE_A)).isFalse();
        assertThat(NodeFit.unmet(c, NODE_A, false)).isEqualTo("nodeSelector kubernetes.io/arch=arm64");
        assertThat(NodeFit.labelsMatch(c, Map.of("kubernetes.io/arch", "arm64")))
                .isTrue();
    }

    @Test
    void termsAreOredAndRequirementsInsideATermAnded() {
        PodConstraints c = terms(List.of(
                List.of(LabelRequirement.in(ZONE, "eu-west-1b"), LabelRequirement.in("kubernetes.io/arch", "amd64")),
                List.of(
                        LabelRequirement.in(ZONE, "eu-west-1a"),
                        new LabelRequirement("gpu", Operator.DOES_NOT_EXIST, null))));
        assertThat(NodeFit.labelsMatch(c, NODE_A)).isTrue(); // second term
        assertThat(NodeFit.labelsMatch(c, Map.of(ZONE, "eu-west-1a", "gpu", "1")))
                .isFalse();
    }

    @Test
    void everySourceMustMatch() {
        // Guards against: a volume's zone ignored when the pod also has node affinity of its own.
        PodConstraints c = PodConstraints.of(
                Map.of(),
                List.of(
                        new PodConstraints.NodeTerms(
                                "node affinity", List.of(List.of(LabelRequirement.in("kubernetes.io/arch", "amd64")))),
                        new PodConstraints.NodeTerms(
                                "volume data (PersistentVolume pv-1)",
                                List.of(List.of(LabelRequirement.in(ZONE, "eu-west-1b"))))),
                null,
                null);
        assertThat(NodeFit.labelsMatch(c, NODE_A)).isFalse();
        assertThat(NodeFit.unmet(c, NODE_A, false)).startsWith("volume data (PersistentVolume pv-1)");
        assertThat(NodeFit.labelsMatch(c, Map.of(ZONE, "eu-west-1b", "kubernetes.io/arch", "amd64")))
                .isTrue();
    }

    @Test
    void anEmptyTermMatchesNothing() {
        assertThat(NodeFit.labelsMatch(terms(List.of(List.of())), NODE_A)).isFalse();
    }

    @Test
    void zoneRequirementsPassWhileTheZoneIsUnknownButOthersStillCount() {
        PodConstraints c = terms(List.of(
                List.of(LabelRequirement.in(ZONE, "eu-west-1b"), LabelRequirement.in("kubernetes.io/arch", "amd64"))));
        assertThat(NodeFit.labelsMatch(c, Map.of("kubernetes.io/arch", "amd64"), true))
                .isTrue();
        assertThat(NodeFit.labelsMatch(c, Map.of("kubernetes.io/arch", "arm64"), true))
                .isFalse();
        assertThat(NodeFit.labelsMatch(c, Map.of("kubernetes.io/arch", "amd64"), false))
                .isFalse();
    }

    @Test
    void operators() {
        Map<String, String> l = Map.of("size", "8", "tier", "batch");
        assertThat(new LabelRequirement("size", Operator.GT, List.of("4")).matches(l))
                .isTrue();
        assertThat(new LabelRequirement("size", Operator.LT, List.of("4")).matches(l))
                .isFalse();
        assertThat(new LabelRequirement("tier", Operator.GT, List.of("4")).matches(l))
                .isFalse();
        assertThat(new LabelRequirement("tier", Operator.NOT_IN, List.of("web")).matches(l))
                .isTrue();
        assertThat(new LabelRequirement("absent", Operator.NOT_IN, List.of("web")).matches(l))
                .isTrue();
        assertThat(new LabelRequirement("tier", Operator.EXISTS, null).matches(l))
                .isTrue();
        assertThat(LabelRequirement.Operator.parse("NotIn")).isEqualTo(Operator.NOT_IN);
        assertThat(LabelRequirement.Operator.parse("Near")).isNull();
    }

    @Test
    void noneIsOneSharedInstance() {
        assertThat(PodConstraints.of(Map.of(), List.of(), List.of(), List.of())).isSameAs(PodConstraints.NONE);
    }
}
