package io.joblane.scaler.cloud.aws;

import static io.joblane.model.Quantity.MI;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.NodeTemplate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The EKS AMI's max pods and kubelet reserves, checked against figures the AMI publishes. */
class EksNodeShapeTest {

    @Test
    void maxPodsFollowTheEniFormulaAsInTheAmisTable() {
        // amazon-eks-ami eni-max-pods.txt: m5.large 29, m5.xlarge 58, t3.medium 17, m5.24xlarge 737.
        assertThat(EksNodeShape.eniMaxPods(3, 10)).isEqualTo(29);
        assertThat(EksNodeShape.eniMaxPods(4, 15)).isEqualTo(58);
        assertThat(EksNodeShape.eniMaxPods(3, 6)).isEqualTo(17);
        assertThat(EksNodeShape.eniMaxPods(15, 50)).isEqualTo(737);
        assertThat(EksNodeShape.eniMaxPods(0, 0)).isEqualTo(110); // unknown: the kubelet's default
    }

    @Test
    void cpuReserveIsBandedAsTheAmiComputesIt() {
        assertThat(EksNodeShape.reservedCpuMillis(1000)).isEqualTo(60);
        assertThat(EksNodeShape.reservedCpuMillis(2000)).isEqualTo(70);
        assertThat(EksNodeShape.reservedCpuMillis(4000)).isEqualTo(80);
        assertThat(EksNodeShape.reservedCpuMillis(16000)).isEqualTo(110);
        assertThat(EksNodeShape.reservedMemoryMiB(58)).isEqualTo(893);
    }

    @Test
    void aGpuTypesShapeAndTheTagsThatReplaceItsFigures() {
        InstanceTypeFacts g5 = new InstanceTypeFacts("g5.xlarge", 4, 16384, Map.of("nvidia.com/gpu", 1), 4, 15);

        NodeTemplate.Shape plain = EksNodeShape.of(g5, Map.of());
        assertThat(plain.allocatableMillis())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "cpu", 3920L, "memory", (16384 - 893 - 100) * MI, "pods", 58_000L, "nvidia.com/gpu", 1000L));

        NodeTemplate.Shape tagged =
                EksNodeShape.of(g5, Map.of("pods", "20", "nvidia.com/gpu", "0", "ephemeral-storage", "50Gi"));
        assertThat(tagged.allocatableMillis())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "cpu",
                        3920L,
                        "memory",
                        (16384 - (11 * 20 + 255) - 100) * MI,
                        "pods",
                        20_000L,
                        "ephemeral-storage",
                        50L * 1024 * MI));
    }
}
