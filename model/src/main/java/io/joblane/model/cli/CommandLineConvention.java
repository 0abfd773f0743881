package io.joblane.model.cli;

import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine;

/**
 * The command-line convention every Joblane tool applies to its root {@link CommandLine} (after its subcommands
 * are added): Go-style {@link Duration} options, and a bad command line answered with one {@code error:} line,
 * a pointer to {@code --help} and {@link ExitCodes#USAGE}, never a wall of usage text in a pod's log.
 */
public final class CommandLineConvention {
    private CommandLineConvention() {}

    public static CommandLine apply(CommandLine cmd) {
        cmd.registerConverter(Duration.class, new DurationConverter());
        cmd.setParameterExceptionHandler(CommandLineConvention::usageError);
        return cmd;
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        PrintWriter err = failed.getErr();
        err.println("error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("see: " + failed.getCommandSpec().qualifiedName() + " --help");
        err.flush();
        return ExitCodes.USAGE;
    }
}
