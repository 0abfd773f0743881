package io.joblane.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantityTest {
    /** Only a hang guard: each case below takes microseconds; the broken parser never returned. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(10);

    @ParameterizedTest
    @CsvSource({
        "500m, 500",
        "2, 2000",
        "0.5, 500",
        ".5, 500",
        "5., 5000",
        "+2, 2000",
        "-0, 0",
        "1Ki, 1024000",
        "64Gi, 68719476736000",
        "1G, 1000000000000",
        "1e3, 1000000",
        "1E3, 1000000",
        "1e+3, 1000000",
        "1e-3, 1",
        "2P, 2000000000000000000",
        "1.5Gi, 1610612736000",
        "100u, 1",
        "1n, 1",
        "0, 0",
        "0.0000000000000000000000000000000000000000001, 1",
        "6.8719476736e+10, 68719476736000",
        "9223372036854775.807, 9223372036854775807",
    })
    void parsesToMilliUnits(String text, long expected) {
        assertThat(Quantity.toMillis(text)).isEqualTo(expected);
        assertThat(Quantity.toMillisSaturating(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "abc",
        "1Zi",
        "-1",
        "'  '",
        "Gi",
        "1.2.3",
        "1K",
        "1e",
        "1e1.5",
        ".",
        "+",
        "1 Gi",
        "1e99999999999",
        "--1",
        "1ei"
    })
    void refusesWhatKubernetesRefuses(String text) {
        assertThatThrownBy(() -> Quantity.toMillis(text)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Quantity.toMillisSaturating(text)).isInstanceOf(IllegalArgumentException.class);
    }

    // Regression: "1e300000000" was expanded to a 300-million-digit integer before any range check (the webhook
    // froze on one pod, the scaler on one snapshot).
    @ParameterizedTest
    @ValueSource(
            strings = {
                "1e300000000",
                "1E2147483647",
                "9223372036854775.808",
                "8Ei",
                "1e16",
                "123456789012345678901234567890",
                "99999999999999999999999Ei"
            })
    void hugeValidQuantitiesSaturateOrAreRefusedAtOnce(String text) {
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            assertThat(Quantity.toMillisSaturating(text)).isEqualTo(Long.MAX_VALUE);
            assertThatThrownBy(() -> Quantity.toMillis(text)).hasMessageContaining("quantity too large");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e-2147483648", "1e-300000000", "0.000000000000000000000000000000000001n"})
    void tinyNonZeroQuantitiesRoundUpToOneMilliAtOnce(String text) {
        assertTimeoutPreemptively(
                HANG_GUARD, () -> assertThat(Quantity.toMillis(text)).isEqualTo(1));
    }

    /** The constants memory is written in are what the parser gives for 1Mi and 1Gi. */
    @Test
    void oneMiAndOneGiAreTheConstants() {
        assertThat(Quantity.toMillis("1Mi")).isEqualTo(Quantity.MI);
        assertThat(Quantity.toMillis("1Gi")).isEqualTo(Quantity.GI);
        assertThat(Quantity.toMillis("16Gi")).isEqualTo(16 * Quantity.GI);
    }

    @Test
    void aMillionDigitsAreReadWithoutBigIntegerArithmeticOnThemAll() {
        String ones = "1".repeat(1_000_000);
        String small = "0." + "0".repeat(1_000_000) + "1";
        String exact = "1." + "0".repeat(1_000_000) + "1";
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            assertThat(Quantity.toMillisSaturating(ones)).isEqualTo(Long.MAX_VALUE);
            assertThat(Quantity.toMillis(small)).isEqualTo(1);
            assertThat(Quantity.toMillis(exact)).isEqualTo(1001);
            assertThat(Quantity.toMillis(ones + "e-999990")).isEqualTo(1111111111112L);
        });
    }

    /** The bounded parser against plain BigDecimal arithmetic on values small enough for the latter. */
    @Test
    void agreesWithExactArithmeticOnRandomQuantities() {
        long seed = Long.getLong("seed", System.nanoTime());
        Random random = new Random(seed);
        String[] suffixes = {"", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
        for (int i = 0; i < 20_000; i++) {
            String number = randomDigits(random, random.nextInt(25))
                    + (random.nextBoolean() ? "." + randomDigits(random, random.nextInt(30)) : "");
            if (number.isEmpty() || number.equals(".")) {
                number = "0";
            }
            String suffix = random.nextInt(4) == 0
                    ? "e" + (random.nextInt(61) - 30)
                    : suffixes[random.nextInt(suffixes.length)];
            String text = number + suffix;
            BigDecimal exact = new BigDecimal(number.startsWith(".") ? "0" + number : number)
                    .multiply(multiplier(suffix))
                    .setScale(0, RoundingMode.CEILING);
            long expected =
                    exact.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE : exact.longValue();
            assertThat(Quantity.toMillisSaturating(text))
                    .as("%s (seed %d)", text, seed)
                    .isEqualTo(expected);
        }
    }

    @Test
    void formatsBackToTheShortestExactForm() {
        assertThat(Quantity.format(Quantity.toMillis("64Gi"), "memory")).isEqualTo("64Gi");
        assertThat(Quantity.format(500, "cpu")).isEqualTo("500m");
        assertThat(Quantity.format(16_000, "cpu")).isEqualTo("16");
        assertThat(Quantity.format(Quantity.toMillis("1000"), "memory")).isEqualTo("1000");
    }

    private static String randomDigits(Random random, int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append((char) ('0' + random.nextInt(10)));
        }
        return out.toString();
    }

    private static BigDecimal multiplier(String suffix) {
        BigDecimal thousand = BigDecimal.valueOf(1000);
        if (suffix.startsWith("e")) {
            return thousand.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
        }
        int decimal = switch (suffix) {
            case "n" -> -9;
            case "u" -> -6;
            case "m" -> -3;
            case "k" -> 3;
            case "M" -> 6;
            case "G" -> 9;
            case "T" -> 12;
            case "P" -> 15;
            case "E" -> 18;
            default -> 0;
        };
        int binary = switch (suffix) {
            case "Ki" -> 10;
            case "Mi" -> 20;
            case "Gi" -> 30;
            case "Ti" -> 40;
            case "Pi" -> 50;
            case "Ei" -> 60;
            default -> 0;
        };
        return thousand.scaleByPowerOfTen(decimal).multiply(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(binary)));
    }
}
