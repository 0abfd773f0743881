package io.joblane.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {

    @Test
    void parsesTheFormsUsersWrite() {
        assertThat(GoDuration.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDuration.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void refusesANumberWithoutUnit() {
        assertThatThrownBy(() -> GoDuration.parse("10")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> GoDuration.parse("10x")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> GoDuration.parse("")).hasMessageContaining("empty");
    }

    @Test
    void formatsRoundTrip() {
        assertThat(GoDuration.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(GoDuration.parse(GoDuration.format(Duration.ofMillis(3_723_004))))
                .isEqualTo(Duration.ofMillis(3_723_004));
    }
}
