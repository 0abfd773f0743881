package io.joblane.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantityTest {

    @ParameterizedTest
    @CsvSource({
        "500m, 500",
        "2, 2000",
        "0.5, 500",
        "1Ki, 1024000",
        "64Gi, 68719476736000",
        "1G, 1000000000000",
        "1e3, 1000000",
        "1.5Gi, 1610612736000",
        "100u, 1",
        "0, 0",
    })
    void parsesToMilliUnits(String text, long expected) {
        assertThat(Quantity.toMillis(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"abc", "1Zi", "-1", "'  '", "Gi", "1.2.3"})
    void refusesWhatKubernetesRefuses(String text) {
        assertThatThrownBy(() -> Quantity.toMillis(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatsBackToTheShortestExactForm() {
        assertThat(Quantity.format(Quantity.toMillis("64Gi"), "memory")).isEqualTo("64Gi");
        assertThat(Quantity.format(500, "cpu")).isEqualTo("500m");
        assertThat(Quantity.format(16_000, "cpu")).isEqualTo("16");
        assertThat(Quantity.format(Quantity.toMillis("1000"), "memory")).isEqualTo("1000");
    }
}
