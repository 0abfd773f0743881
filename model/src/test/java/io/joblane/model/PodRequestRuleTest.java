package io.joblane.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PodRequestRuleTest {

    @Test
    void appContainersAddUp() {
        Map<String, Long> total = new PodRequestRule()
                .container(Map.of("cpu", 500L, "memory", 1000L))
                .container(Map.of("cpu", 250L))
                .total(Map.of(), Map.of());
        assertThat(total).isEqualTo(Map.of("cpu", 750L, "memory", 1000L));
    }

    @Test
    void aClassicInitContainerCountsOnlyWhenLargerThanTheApps() {
        Map<String, Long> total = new PodRequestRule()
                .container(Map.of("cpu", 500L))
                .initContainer(Map.of("cpu", 2000L, "memory", 10L), false)
                .total(Map.of(), Map.of());
        assertThat(total).isEqualTo(Map.of("cpu", 2000L, "memory", 10L));
    }

    @Test
    void aSidecarAddsToTheAppsAndToLaterInitContainers() {
        Map<String, Long> total = new PodRequestRule()
                .initContainer(Map.of("cpu", 100L), true)
                .initContainer(Map.of("cpu", 1000L), false)
                .container(Map.of("cpu", 500L))
                .total(Map.of(), Map.of());
        // apps 500 + sidecar 100 = 600; init phase peak: sidecar 100 + init 1000 = 1100.
        assertThat(total).isEqualTo(Map.of("cpu", 1100L));
    }

    @Test
    void podLevelRequestsWinOnlyForCpuAndMemoryAndOverheadAdds() {
        Map<String, Long> total = new PodRequestRule()
                .container(Map.of("cpu", 500L, "nvidia.com/gpu", 1000L))
                .total(Map.of("cpu", 4000L, "nvidia.com/gpu", 9000L), Map.of("cpu", 100L, "memory", 5L));
        assertThat(total).isEqualTo(Map.of("cpu", 4100L, "memory", 5L, "nvidia.com/gpu", 1000L));
    }

    @Test
    void requestsDefaultToLimitsAndHugeValuesSaturate() {
        assertThat(PodRequestRule.requestsOrLimits(Map.of("cpu", 1L), Map.of("cpu", 9L, "memory", 7L)))
                .isEqualTo(Map.of("cpu", 1L, "memory", 7L));
        Map<String, Long> total = new PodRequestRule()
                .container(Map.of("cpu", Long.MAX_VALUE - 1))
                .container(Map.of("cpu", 10L))
                .total(Map.of(), Map.of());
        assertThat(total.get("cpu")).isEqualTo(Long.MAX_VALUE);
    }
}
