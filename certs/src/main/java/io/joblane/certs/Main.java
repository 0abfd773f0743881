package io.joblane.certs;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.joblane.certs.kube.KubeFailures;
import io.joblane.model.cli.CommandLineConvention;
import io.joblane.model.logging.LogOptions;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The {@code joblane-certs} command line: {@code create}, {@code patch} and {@code rotate}. Runs once on the main
 * thread (as a Helm hook Job or by hand) and exits with a code that says what went wrong. Tests build it with
 * {@link #commandLine(Supplier, Clock)} to inject a Kubernetes client and a clock.
 */
@Command(
        name = "joblane-certs",
        mixinStandardHelpOptions = true,
        version = "joblane-certs 0.1.0",
        description = "Creates, injects and rotates the Joblane webhook's serving certificate.",
        subcommands = {CreateCommand.class, PatchCommand.class, RotateCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done (kept or changed, see output)",
            "1:failed (API error, unusable Secret, ...)",
            "2:bad command line or flag value",
            "3:a named object does not exist (namespace, Secret, webhook configuration)",
            "4:permission denied (RBAC)",
            "5:conflicting concurrent changes persisted after retries"
        })
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @Mixin
    LogOptions logging;

    private final Supplier<KubernetesClient> clients;
    final Clock clock;
    private KubernetesClient client;

    Main(Supplier<KubernetesClient> clients, Clock clock) {
        this.clients = clients;
        this.clock = clock;
    }

    public static void main(String[] args) {
        Main main = new Main(() -> new KubernetesClientBuilder().build(), Clock.systemUTC());
        int code;
        try {
            code = commandLine(main).execute(args);
        } finally {
            if (main.client != null) {
                main.client.close();
            }
        }
        System.exit(code);
    }

    /** The command line with an injected client source (opened at most once, never closed here) and clock. */
    public static CommandLine commandLine(Supplier<KubernetesClient> clients, Clock clock) {
        return commandLine(new Main(clients, clock));
    }

    private static CommandLine commandLine(Main main) {
        CommandLine cmd = CommandLineConvention.apply(new CommandLine(main));
        cmd.setExecutionStrategy(parseResult -> {
            main.logging.apply();
            return new CommandLine.RunLast().execute(parseResult);
        });
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            int code = exitCodeFor(e);
            commandLine.getErr().println("error: " + messageOf(e));
            if (code == CertsException.USAGE && e instanceof ParameterException) {
                commandLine
                        .getErr()
                        .println("see: " + commandLine.getCommandSpec().qualifiedName() + " --help");
            }
            LOG.debug("command failed", e);
            return code;
        });
        return cmd;
    }

    KubernetesClient client() {
        if (client == null) {
            client = clients.get();
        }
        return client;
    }

    private static int exitCodeFor(Exception e) {
        if (e instanceof CertsException c) {
            return c.exitCode();
        }
        if (e instanceof KubernetesClientException k) {
            return KubeFailures.translate(k, "call the Kubernetes API").exitCode();
        }
        if (e instanceof ParameterException || e instanceof IllegalArgumentException) {
            return CertsException.USAGE;
        }
        return CertsException.FAILED;
    }

    private static String messageOf(Exception e) {
        if (e instanceof KubernetesClientException k) {
            return KubeFailures.translate(k, "call the Kubernetes API").getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static String required(CommandSpec spec, String value, String flag, String env, String what) {
        if (value == null || value.isBlank()) {
            throw new ParameterException(spec.commandLine(), "missing " + flag + " (or env " + env + "): " + what);
        }
        return value.trim();
    }
}
