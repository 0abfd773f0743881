package io.joblane.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void lineShowsTheShareDoneTheTimeLeftAndEachRunningPolicy() {
        Map<String, Double> running = new LinkedHashMap<>();
        running.put("joblane", 0.5);
        running.put("karpenter", 0.25);
        String line = ProgressBar.line(0.25, 30_000_000_000L, running);
        assertThat(line)
                .startsWith("\r[######..................]")
                .contains(" 25.0%, 1m30s left, joblane 50%, karpenter 25%");
    }

    @Test
    void nothingDoneYetHasNoEstimate() {
        assertThat(ProgressBar.line(0, 1_000_000_000L, Map.of())).contains("0.0%, ? left");
    }

    /** Guards the total: finished runs count whole, running ones by their share, over every run expected. */
    @Test
    void shareCountsFinishedAndRunningRunsOverAllExpected() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        bar.expect(4);
        bar.finished("static");
        bar.update("joblane", 1.0);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains(" 50.0%,").contains("joblane 100%");
        bar.clear();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).endsWith("\r");
    }
}
