package io.joblane.scaler.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The loop's memory of its own terminations: forgotten after the hour, whatever order the clock gave. */
class GroupStateTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);

    /** Guards the pruning from the head: an instance asked again moves to the tail and is kept from its new time. */
    @Test
    void terminationsAreForgottenAnHourAfterTheLastAskInOrder() {
        GroupState state = new GroupState();
        state.terminatedByUs("i-a", T0);
        state.terminatedByUs("i-b", T0.plusSeconds(60));
        state.terminatedByUs("i-a", T0.plusSeconds(120)); // asked again
        state.forgetTerminatedBefore(T0.plus(HOUR).plusSeconds(61), HOUR);
        assertThat(state.terminatedByUs).containsOnlyKeys("i-a");
        state.forgetTerminatedBefore(T0.plus(HOUR).plusSeconds(121), HOUR);
        assertThat(state.terminatedByUs).isEmpty();
    }

    /** Guards a clock that steps back: the expired entry behind a later one is still forgotten. */
    @Test
    void aClockSteppingBackStillForgetsEveryExpiredTermination() {
        GroupState state = new GroupState();
        state.terminatedByUs("i-late", T0.plusSeconds(600));
        state.terminatedByUs("i-early", T0);
        state.forgetTerminatedBefore(T0.plus(HOUR).plusSeconds(1), HOUR);
        assertThat(state.terminatedByUs).containsOnlyKeys("i-late");
        state.terminatedByUs("i-next", T0.plusSeconds(700));
        state.forgetTerminatedBefore(T0.plus(HOUR).plusSeconds(601), HOUR);
        assertThat(state.terminatedByUs).containsOnlyKeys("i-next");
    }
}
