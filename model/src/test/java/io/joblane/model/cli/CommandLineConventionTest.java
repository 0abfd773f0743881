package io.joblane.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class CommandLineConventionTest {

    enum Mode {
        AUTO,
        OFF,
        LEAST_LOADED
    }

    static final class Modes extends EnumConverter<Mode> {
        Modes() {
            super(Mode.class);
        }
    }

    @Command(name = "probe")
    static final class Probe implements Callable<Integer> {
        @Option(names = "--timeout", defaultValue = "90s")
        Duration timeout;

        @Option(names = "--body-limit", defaultValue = "3Mi", converter = QuantityConverter.class)
        long bodyLimit;

        @Option(
                names = "--mode",
                defaultValue = "auto",
                converter = Modes.class,
                completionCandidates = Modes.class,
                description = "one of ${COMPLETION-CANDIDATES}")
        Mode mode;

        @Override
        public Integer call() {
            return ExitCodes.OK;
        }
    }

    private static Probe parse(String... args) {
        Probe probe = new Probe();
        CommandLineConvention.apply(new CommandLine(probe)).parseArgs(args);
        return probe;
    }

    private static String[] run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cmd =
                CommandLineConvention.apply(new CommandLine(new Probe())).setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new String[] {String.valueOf(code), err.toString()};
    }

    @Test
    void defaultsAndValuesConvertTheWayTheNodeGroupFileDoes() {
        Probe defaults = parse();
        assertThat(defaults.timeout).isEqualTo(Duration.ofSeconds(90));
        assertThat(defaults.bodyLimit).isEqualTo(3L << 20);
        assertThat(defaults.mode).isEqualTo(Mode.AUTO);

        Probe given = parse("--timeout", "1h30m", "--body-limit", "1500m", "--mode", "least-loaded");
        assertThat(given.timeout).isEqualTo(Duration.ofMinutes(90));
        assertThat(given.bodyLimit).as("rounded up to a whole unit").isEqualTo(2);
        assertThat(given.mode).isEqualTo(Mode.LEAST_LOADED);
        assertThat(parse("--mode", "OFF").mode).isEqualTo(Mode.OFF);
    }

    /** Guards against a lenient parser: fabric8's Duration reads "1.5h" as 5h and "-5s" as 5s. */
    @Test
    void fractionsAreExactAndSignsAreRefused() {
        assertThat(parse("--timeout", "1.5h").timeout).isEqualTo(Duration.ofMinutes(90));
        String[] negative = run("--timeout", "-5s");
        assertThat(negative[0]).isEqualTo(String.valueOf(ExitCodes.USAGE));
    }

    @Test
    void aBadValueIsOneErrorLineNamingTheFlagAndPointsToHelp() {
        String[] duration = run("--timeout", "10");
        assertThat(duration[0]).isEqualTo(String.valueOf(ExitCodes.USAGE));
        assertThat(duration[1])
                .startsWith("error: ")
                .contains("--timeout")
                .contains("not a duration: \"10\"")
                .contains("see: probe --help")
                .doesNotContain("Usage:");

        String[] quantity = run("--body-limit", "lots");
        assertThat(quantity[1]).contains("--body-limit").contains("not a quantity: \"lots\"");

        String[] mode = run("--mode", "on");
        assertThat(mode[1]).contains("--mode").contains("\"on\" is not one of auto, off, least-loaded");
    }

    @Test
    void helpListsTheEnumNames() {
        StringWriter out = new StringWriter();
        CommandLineConvention.apply(new CommandLine(new Probe())).usage(new PrintWriter(out));
        assertThat(out.toString()).contains("one of auto, off, least-loaded");
    }
}
