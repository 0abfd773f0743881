package io.joblane.scaler.cloud.fake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Guards the simulator's memory: a bounded call log keeps only the newest calls. */
class FakeCallLimitTest {

    @Test
    void keepsOnlyTheLastCallsWhenLimited() throws Exception {
        FakeNodeGroupProvider p = new FakeNodeGroupProvider(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
                .addGroup("g", 0, 10, 0, Duration.ZERO);
        p.setDesiredCapacity("g", 1);
        p.keepCalls(2);
        p.describe(List.of("g"));
        p.setDesiredCapacity("g", 2);
        p.describe(List.of("g"));
        assertThat(p.calls())
                .extracting(FakeNodeGroupProvider.Call::operation)
                .containsExactly(FakeNodeGroupProvider.SET_DESIRED, FakeNodeGroupProvider.DESCRIBE);
        p.keepCalls(0);
        assertThat(p.calls()).isEmpty();
        p.setDesiredCapacity("g", 3);
        assertThat(p.calls()).isEmpty();
        assertThat(p.peek("g").instances()).hasSize(3);
    }
}
