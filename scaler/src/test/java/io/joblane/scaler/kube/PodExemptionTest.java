package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.joblane.scaler.plan.PodInfo;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which bound pods do not keep a node alive, from the pod as the API server sends it and as the cache trims it. */
class PodExemptionTest {

    private static OwnerReference owner(String apiVersion, String kind, boolean controller) {
        return new OwnerReferenceBuilder()
                .withApiVersion(apiVersion)
                .withKind(kind)
                .withName("x")
                .withUid("uid-x")
                .withController(controller)
                .build();
    }

    private static Pod pod(boolean mirrorAnnotation, OwnerReference... owners) {
        PodBuilder b = new PodBuilder()
                .withNewMetadata()
                .withName("p")
                .withNamespace("ns")
                .withUid("uid-p")
                .withOwnerReferences(List.of(owners))
                .endMetadata()
                .withNewSpec()
                .withNodeName("n1")
                .addNewContainer()
                .withName("c")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .endStatus();
        if (mirrorAnnotation) {
            b.editMetadata()
                    .addToAnnotations("kubernetes.io/config.mirror", "abc")
                    .endMetadata();
        }
        return b.build();
    }

    // Guards against exempting pods (a Job pod above all) that merely claim a DaemonSet or mirror identity.
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "DaemonSet controller (apps/v1), false",
        "DaemonSet owner that is not the controller, true",
        "DaemonSet of another API group, true",
        "Job pod that also has a DaemonSet controller, true",
        "mirror annotation and Node owner, false",
        "mirror annotation without Node owner, true",
        "Job pod with mirror annotation and Node owner, true",
    })
    void onlyRealDaemonSetAndMirrorPodsAreExempt(String kind, boolean blocks) {
        Pod p = switch (kind) {
            case "DaemonSet controller (apps/v1)" -> pod(false, owner("apps/v1", "DaemonSet", true));
            case "DaemonSet owner that is not the controller" -> pod(false, owner("apps/v1", "DaemonSet", false));
            case "DaemonSet of another API group" -> pod(false, owner("example.com/v1", "DaemonSet", true));
            case "Job pod that also has a DaemonSet controller" ->
                pod(false, owner("batch/v1", "Job", false), owner("apps/v1", "DaemonSet", true));
            case "mirror annotation and Node owner" -> pod(true, owner("v1", "Node", true));
            case "mirror annotation without Node owner" -> pod(true);
            default -> pod(true, owner("batch/v1", "Job", true), owner("v1", "Node", false));
        };
        PodInfo live = ModelTranslator.podInfo(p);
        assertThat(live.blocksScaleIn()).as("live pod: " + kind).isEqualTo(blocks);
        if (!kind.startsWith("mirror") && !kind.contains("mirror")) {
            // The cache drops foreign annotations, so only the DaemonSet cases survive trimming unchanged.
            PodInfo cached = ModelTranslator.podInfo(Lean.pod(p));
            assertThat(cached.blocksScaleIn()).as("cached pod: " + kind).isEqualTo(blocks);
        }
    }
}
