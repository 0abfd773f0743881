package io.joblane.simulator.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The SWF reader's own field splitting and number parsing must read every line as split("\\s+") and parseDouble did. */
class SwfFieldsTest {

    @Test
    void wholeNumbersAreReadAsFloorOfTheDoubleValue() {
        for (String text : new String[] {
            "0", "-1", "42", "007", "3600.00", "12.9", "-0.5", "1e3", "+5", "123456789012345", "1234567890123456789"
        }) {
            assertThat(wholeNumber(text)).as(text).isEqualTo((long) Math.floor(Double.parseDouble(text)));
        }
        assertThat(wholeNumber("x1")).isEqualTo(Long.MIN_VALUE);
        assertThat(wholeNumber("-")).isEqualTo(Long.MIN_VALUE);
        assertThat(SwfTraceReader.wholeNumber("x -42 7", 2, 5)).isEqualTo(-42); // a field read where it stands
        assertThat(SwfTraceReader.wholeNumber("9 3600.50", 2, 9)).isEqualTo(3600);
    }

    /** The reader's parse of a whole text as one field. */
    private static long wholeNumber(String text) {
        return SwfTraceReader.wholeNumber(text, 0, text.length());
    }

    @Test
    void fieldsSplitAtRunsOfWhitespaceLikeTheRegex() {
        for (String line : new String[] {"1 2  3\t4", "a", "", "1 \t 2 \u000B3"}) {
            String[] expected = line.split("\\s+");
            int[] starts = new int[8];
            int[] ends = new int[8];
            int count = SwfTraceReader.split(line, starts, ends);
            assertThat(count).as(line).isEqualTo(expected.length);
            if (!line.isEmpty()) {
                for (int i = 0; i < count; i++) {
                    assertThat(line.substring(starts[i], ends[i])).isEqualTo(expected[i]);
                }
            }
        }
    }
}
