package io.joblane.scaler;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The scaler's entry point: {@code java -jar joblane-scaler.jar <run|...>}. Each subcommand is its own class;
 * {@code run} is the in-cluster process.
 */
@Command(name = "joblane-scaler", mixinStandardHelpOptions = true,
        description = "Scales Joblane's node groups for batch Job pods without interrupting a running Job.",
        subcommands = {RunCommand.class})
public final class Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private Main() {
    }

    /** Without a subcommand: print the usage and fail. */
    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main());
    }
}
