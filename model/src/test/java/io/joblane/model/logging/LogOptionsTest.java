package io.joblane.model.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class LogOptionsTest {

    @Command(name = "probe")
    static final class Probe implements Callable<Integer> {
        @Mixin
        LogOptions logging;

        @Override
        public Integer call() {
            return 0;
        }
    }

    @Test
    void parsesBothOptions() {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs("--log-format", "json", "--log-level", "debug");
        assertThat(probe.logging.format).isEqualTo(LogOptions.Format.json);
        assertThat(probe.logging.level).isEqualTo("debug");
    }

    @Test
    void anUnknownFormatIsAUsageErrorNamingTheChoices() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Probe()).setErr(new PrintWriter(err)).execute("--log-format", "xml");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--log-format").contains("text, json");
    }
}
