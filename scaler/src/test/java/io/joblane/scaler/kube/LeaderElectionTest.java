package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {
    private static final Instant NOW = Instant.parse("2026-11-27T21:00:00Z");
    private static final LeaderElection.Timing TIMING = LeaderElection.Timing.DEFAULT; // 15 s lease, 10 s deadline

    @Test
    void stillLeadingOnlyWhileTheLastRenewalIsWithinTheLeaseMinusTheMargin() {
        // Guards against acting on a Lease another replica may already hold (renewal older than lease - margin).
        assertThat(LeaderElection.stillLeading(true, NOW.minusSeconds(2), NOW, TIMING))
                .isTrue();
        assertThat(LeaderElection.stillLeading(true, NOW.minus(Duration.ofMillis(9_999)), NOW, TIMING))
                .isTrue();
        assertThat(LeaderElection.stillLeading(true, NOW.minusSeconds(10), NOW, TIMING))
                .isFalse();
        assertThat(LeaderElection.stillLeading(true, NOW.minusSeconds(14), NOW, TIMING))
                .isFalse();
        assertThat(LeaderElection.stillLeading(false, NOW.minusSeconds(1), NOW, TIMING))
                .isFalse();
        assertThat(LeaderElection.stillLeading(true, null, NOW, TIMING)).isFalse();
    }
}
