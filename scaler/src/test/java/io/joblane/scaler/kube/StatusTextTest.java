package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.loop.GroupStatus;
import io.joblane.scaler.loop.ScanResult;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusTextTest {
    static final Instant AT = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void rendersEachGroupWithItsFiguresLastActionAndProblems() {
        Map<String, GroupStatus> groups = new LinkedHashMap<>();
        groups.put(
                "batch",
                new GroupStatus(
                        "batch",
                        true,
                        3,
                        0,
                        50,
                        2,
                        2,
                        1,
                        1,
                        0,
                        4,
                        1,
                        "scale eks-batch from 2 to 3",
                        "4 pending pods need 1 more node",
                        AT,
                        null,
                        List.of("AZRebalance is active"),
                        null,
                        0,
                        List.of()));
        groups.put(
                "gpu",
                new GroupStatus(
                        "gpu",
                        false,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        null,
                        null,
                        null,
                        null,
                        List.of("cloud group gpu-asg was not found"),
                        null,
                        0,
                        List.of()));
        Map<String, String> data = StatusText.render(
                new ScanResult(AT, Duration.ofMillis(5), true, groups, List.of(), List.of()), "scaler-0");

        assertThat(data).containsOnlyKeys("scaler", "batch", "gpu");
        assertThat(data.get("scaler")).isEqualTo("leader: scaler-0\ndryRun: true\n");
        assertThat(data.get("batch")).isEqualTo("""
                desired: 3  # min 0, max 50
                ready: 2
                registered: 2
                launching: 1
                draining: 1
                cordoned: 0
                pendingJobPods: 4
                podsThatNeverFit: 1
                spotNoticed: 0
                lastAction: "scale eks-batch from 2 to 3"
                lastActionReason: "4 pending pods need 1 more node"
                lastActionAt: 2026-11-27T10:00:00Z
                problems:
                  - "AZRebalance is active"
                """);
        assertThat(data.get("gpu")).startsWith("described: false").contains("- \"cloud group gpu-asg was not found\"");
    }

    @Test
    void theSameScanRendersTheSameTextSoNothingIsRewritten() {
        GroupStatus g = new GroupStatus(
                "batch", true, 1, 0, 5, 1, 1, 0, 0, 0, 0, 0, null, null, null, null, List.of(), null, 0, List.of());
        ScanResult a = new ScanResult(AT, Duration.ofMillis(5), false, Map.of("batch", g), List.of(), List.of());
        ScanResult b = new ScanResult(
                AT.plusSeconds(10),
                Duration.ofMillis(9),
                false,
                Map.of("batch", g),
                List.of(),
                List.of("group batch: nothing"));
        assertThat(StatusText.render(a, "x")).isEqualTo(StatusText.render(b, "x"));
    }
}
