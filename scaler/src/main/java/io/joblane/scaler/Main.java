package io.joblane.scaler;

import io.joblane.model.cli.CommandLineConvention;
import io.joblane.model.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The scaler's entry point: {@code java -jar joblane-scaler.jar <run|...>}. Each subcommand is its own class;
 * {@code run} is the in-cluster process.
 */
@Command(
        name = "joblane-scaler",
        mixinStandardHelpOptions = true,
        description = "Scales Joblane's node groups for batch Job pods without interrupting a running Job.",
        subcommands = {RunCommand.class})
public final class Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private Main() {}

    /** Without a subcommand: print the usage and fail. */
    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return ExitCodes.USAGE;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line {@link #main} runs, with the shared convention; the chart's contract test parses with it. */
    public static CommandLine commandLine() {
        return CommandLineConvention.apply(new CommandLine(new Main()));
    }
}
