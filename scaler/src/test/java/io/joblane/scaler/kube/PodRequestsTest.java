package io.joblane.scaler.kube;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodRequestsTest {

    static Container container(String name, String cpu, String memory) {
        return new ContainerBuilder()
                .withName(name)
                .withResources(new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity(cpu))
                        .addToRequests("memory", new Quantity(memory))
                        .build())
                .build();
    }

    static Container sidecar(String name, String cpu, String memory) {
        Container c = container(name, cpu, memory);
        c.setRestartPolicy("Always");
        return c;
    }

    @Test
    void sumsAppContainersAndCountsOnePodSlot() {
        PodSpec spec = new PodSpecBuilder()
                .withContainers(container("a", "500m", "1Gi"), container("b", "250m", "512Mi"))
                .build();
        assertThat(PodRequests.of(spec))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("cpu", 750L, "memory", 1536L * 1024 * 1024 * 1000, "pods", 1000L));
    }

    @Test
    void largestInitContainerWinsWhenAboveTheAppSum() {
        PodSpec spec = new PodSpecBuilder()
                .withContainers(container("a", "1", "1Gi"))
                .withInitContainers(container("i1", "3", "512Mi"), container("i2", "2", "256Mi"))
                .build();
        Map<String, Long> r = PodRequests.of(spec);
        assertThat(r.get("cpu")).isEqualTo(3000L);
        assertThat(r.get("memory")).isEqualTo(GI);
    }

    @Test
    void sidecarsAddToAppsAndToLaterInitContainers() {
        // sidecar 1 cpu; then an init container of 2.5 cpu runs beside it (3.5); apps 1 cpu + sidecar 1 = 2.
        PodSpec spec = new PodSpecBuilder()
                .withContainers(container("a", "1", "1Gi"))
                .withInitContainers(sidecar("proxy", "1", "128Mi"), container("migrate", "2500m", "64Mi"))
                .build();
        assertThat(PodRequests.of(spec).get("cpu")).isEqualTo(3500L);
        assertThat(PodRequests.of(spec).get("memory")).isEqualTo((1024L + 128) * 1024 * 1024 * 1000);

        PodSpec later = new PodSpecBuilder()
                .withContainers(container("a", "1", "1Gi"))
                .withInitContainers(container("migrate", "2500m", "64Mi"), sidecar("proxy", "1", "128Mi"))
                .build();
        assertThat(PodRequests.of(later).get("cpu")).isEqualTo(2500L);
    }

    @Test
    void requestsDefaultToLimitsAndOverheadIsAdded() {
        Container c = new ContainerBuilder()
                .withName("gpu")
                .withResources(new ResourceRequirementsBuilder()
                        .addToLimits("nvidia.com/gpu", new Quantity("1"))
                        .addToLimits("cpu", new Quantity("2"))
                        .addToRequests("cpu", new Quantity("1"))
                        .build())
                .build();
        PodSpec spec = new PodSpecBuilder()
                .withContainers(c)
                .withOverhead(Map.of("cpu", new Quantity("250m")))
                .build();
        Map<String, Long> r = PodRequests.of(spec);
        assertThat(r.get("nvidia.com/gpu")).isEqualTo(1000L);
        assertThat(r.get("cpu")).isEqualTo(1250L);
    }

    @Test
    void podLevelResourcesReplaceTheContainerSumForCpuAndMemory() {
        PodSpec spec = new PodSpecBuilder()
                .withContainers(container("a", "1", "1Gi"), container("b", "1", "1Gi"))
                .withResources(new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity("1500m"))
                        .build())
                .build();
        assertThat(PodRequests.of(spec).get("cpu")).isEqualTo(1500L);
        assertThat(PodRequests.of(spec).get("memory")).isEqualTo(2048L * 1024 * 1024 * 1000);
    }

    @Test
    void podWithoutResourcesTakesOnlyAPodSlot() {
        PodSpec spec = new PodSpecBuilder()
                .withContainers(new ContainerBuilder().withName("x").build())
                .build();
        assertThat(PodRequests.of(spec)).containsExactly(Map.entry("pods", 1000L));
    }

    @Test
    void hugeButValidQuantitiesSaturateInsteadOfFailingTheSnapshot() {
        // Guards against: one labelled pod asking cpu 10P or memory 100E throwing in every snapshot (scaler frozen).
        PodSpec spec = new PodSpecBuilder()
                .withContainers(container("a", "10P", "100E"), container("b", "10P", "1Gi"))
                .build();
        Map<String, Long> r = PodRequests.of(spec);
        assertThat(r).containsEntry("cpu", PodRequests.SATURATED).containsEntry("memory", PodRequests.SATURATED);

        io.fabric8.kubernetes.api.model.Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName("huge")
                .withNamespace("ns")
                .withUid("u")
                .addToLabels(io.joblane.model.WellKnown.NODE_GROUP_LABEL, "batch")
                .endMetadata()
                .withSpec(spec)
                .build();
        assertThat(ModelTranslator.podInfo(pod).requests().get("cpu")).isEqualTo(PodRequests.SATURATED);
    }
}
