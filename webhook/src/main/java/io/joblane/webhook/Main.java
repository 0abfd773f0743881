package io.joblane.webhook;

import io.joblane.model.cli.CommandLineConvention;
import io.joblane.model.cli.EnumConverter;
import io.joblane.model.cli.ExitCodes;
import io.joblane.model.cli.QuantityConverter;
import io.joblane.model.cli.StopSignal;
import io.joblane.model.config.InvalidConfigException;
import io.joblane.model.logging.LogOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Command line of the webhook process: parses flags (each also an environment variable), starts {@link Webhook}
 * and waits; SIGTERM runs the graceful shutdown from the JVM's shutdown hook.
 */
@Command(
        name = "joblane-webhook",
        mixinStandardHelpOptions = true,
        version = "joblane-webhook 0.1.0",
        description = "Mutating admission webhook that steers Job pods onto their dedicated node group.",
        sortOptions = false,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped by SIGTERM",
            "1:cannot start (TLS files, port, informer sync)",
            "2:bad command line, flag value or node-group file"
        })
public final class Main implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @Option(
            names = "--config",
            defaultValue = "${env:JOBLANE_CONFIG}",
            description = "Node-group file (env JOBLANE_CONFIG).")
    Path config;

    @Option(
            names = "--tls-cert",
            defaultValue = "${env:JOBLANE_TLS_CERT}",
            description = "PEM serving certificate, re-read when it changes (env JOBLANE_TLS_CERT).")
    Path tlsCert;

    @Option(
            names = "--tls-key",
            defaultValue = "${env:JOBLANE_TLS_KEY}",
            description = "PEM private key of the certificate (env JOBLANE_TLS_KEY).")
    Path tlsKey;

    @Option(
            names = "--port",
            defaultValue = "${env:JOBLANE_PORT:-8443}",
            description = "HTTPS port of POST /mutate (env JOBLANE_PORT, default ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--health-port",
            defaultValue = "${env:JOBLANE_HEALTH_PORT:-8080}",
            description =
                    "Plain HTTP port of /healthz, /readyz, /metrics (env JOBLANE_HEALTH_PORT, default ${DEFAULT-VALUE}).")
    int healthPort;

    @Option(
            names = "--host",
            defaultValue = "${env:JOBLANE_HOST:-0.0.0.0}",
            description = "Address both ports bind to (env JOBLANE_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--self-signed-dir",
            defaultValue = "${env:JOBLANE_SELF_SIGNED_DIR}",
            description = "Create (or keep, while valid) a CA and serving certificate in this directory and serve them,"
                    + " instead of --tls-cert/--tls-key (env JOBLANE_SELF_SIGNED_DIR).")
    Path selfSignedDir;

    @Option(
            names = "--service",
            defaultValue = "${env:JOBLANE_SERVICE}",
            description = "Service name the self-signed certificate is for (env JOBLANE_SERVICE).")
    String service;

    @Option(
            names = "--namespace",
            defaultValue = "${env:JOBLANE_NAMESPACE}",
            description = "Namespace of that Service (env JOBLANE_NAMESPACE).")
    String namespace;

    @Option(
            names = "--body-limit",
            defaultValue = "${env:JOBLANE_BODY_LIMIT:-3Mi}",
            converter = QuantityConverter.class,
            description =
                    "Largest accepted request body; larger gets 413 (env JOBLANE_BODY_LIMIT, default ${DEFAULT-VALUE}).")
    long bodyLimit;

    @Option(
            names = "--request-timeout",
            defaultValue = "${env:JOBLANE_REQUEST_TIMEOUT:-10s}",
            description =
                    "Time allowed to receive and answer one request (env JOBLANE_REQUEST_TIMEOUT, default ${DEFAULT-VALUE}).")
    Duration requestTimeout;

    @Option(
            names = "--reload-interval",
            defaultValue = "${env:JOBLANE_RELOAD_INTERVAL:-5s}",
            description =
                    "How often the config and TLS files are checked for changes (env JOBLANE_RELOAD_INTERVAL, default ${DEFAULT-VALUE}).")
    Duration reloadInterval;

    @Option(
            names = "--shutdown-timeout",
            defaultValue = "${env:JOBLANE_SHUTDOWN_TIMEOUT:-20s}",
            description =
                    "On SIGTERM, how long in-flight requests may take to finish (env JOBLANE_SHUTDOWN_TIMEOUT, default ${DEFAULT-VALUE}).")
    Duration shutdownTimeout;

    @Option(
            names = "--namespace-routing",
            defaultValue = "${env:JOBLANE_NAMESPACE_ROUTING:-auto}",
            converter = RoutingModes.class,
            completionCandidates = RoutingModes.class,
            description = "auto: read namespace annotations when a Kubernetes API is configured; off: never"
                    + " (env JOBLANE_NAMESPACE_ROUTING, default ${DEFAULT-VALUE}).")
    WebhookOptions.NamespaceRoutingMode namespaceRouting;

    @Option(
            names = "--informer-sync-timeout",
            defaultValue = "${env:JOBLANE_INFORMER_SYNC_TIMEOUT:-60s}",
            description =
                    "Start-up fails if the namespace informer has not synced by then (env JOBLANE_INFORMER_SYNC_TIMEOUT, default ${DEFAULT-VALUE}).")
    Duration informerSyncTimeout;

    @Option(
            names = "--listeners",
            defaultValue = "${env:JOBLANE_LISTENERS:-0}",
            description =
                    "HTTPS listeners (event loops) sharing the port; 0 = one per CPU (env JOBLANE_LISTENERS, default ${DEFAULT-VALUE}).")
    int listeners;

    @Option(
            names = "--lanes-namespace",
            defaultValue = "${env:JOBLANE_LANES_NAMESPACE}",
            description = "Namespace of the scaler's joblane-lanes ConfigMap (Job run times); Job pods then get a"
                    + " preferred node affinity to nodes whose Jobs end later. Empty: lanes off"
                    + " (env JOBLANE_LANES_NAMESPACE).")
    String lanesNamespace;

    @Mixin
    LogOptions logging;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line {@link #main} runs, with the shared convention; the chart's contract test parses with it. */
    public static CommandLine commandLine() {
        return commandLine(new Main());
    }

    static CommandLine commandLine(Main main) {
        return CommandLineConvention.apply(new CommandLine(main));
    }

    @Override
    public Integer call() {
        logging.apply();
        WebhookOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            LOG.error("invalid command line: {}", e.getMessage());
            return ExitCodes.USAGE;
        } catch (RuntimeException e) {
            LOG.error("cannot prepare the serving certificate: {}", e.getMessage());
            return ExitCodes.FAILED;
        }
        // SIGTERM is a stop, not a kill: taken before start so a signal during start-up is a stop too, and the
        // command returns 0 instead of the JVM's 143 after its hooks.
        CountDownLatch stopRequested = new CountDownLatch(1);
        try (StopSignal term = StopSignal.onTerm(stopRequested::countDown)) {
            Webhook webhook;
            try {
                webhook = Webhook.start(options);
            } catch (InvalidConfigException e) {
                LOG.error("refusing to start: {}", e.getMessage());
                return ExitCodes.USAGE;
            } catch (RuntimeException e) {
                LOG.error("refusing to start: {}", e.getMessage());
                return ExitCodes.FAILED;
            }
            // SIGINT, or SIGTERM when the JVM keeps the signal (-Xrs): the hook shuts down gracefully.
            Thread hook = new Thread(() -> shutDown(webhook), "shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                stopRequested.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            shutDown(webhook);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook ran or runs; close() is idempotent
            }
        }
        return ExitCodes.OK;
    }

    private static void shutDown(Webhook webhook) {
        LOG.info("shutting down: not ready, finishing in-flight requests");
        webhook.close();
        LOG.info("stopped");
    }

    WebhookOptions options() {
        if (config == null) {
            throw new IllegalArgumentException("--config (or JOBLANE_CONFIG) is required");
        }
        Path cert = tlsCert;
        Path key = tlsKey;
        if (selfSignedDir != null) {
            if (tlsCert != null || tlsKey != null) {
                throw new IllegalArgumentException("give either --self-signed-dir or --tls-cert/--tls-key, not both");
            }
            if (service == null || namespace == null) {
                throw new IllegalArgumentException("--self-signed-dir needs --service and --namespace");
            }
            SelfSignedFiles files = SelfSignedFiles.ensure(selfSignedDir, service, namespace);
            cert = files.cert();
            key = files.key();
        } else if (cert == null || key == null) {
            throw new IllegalArgumentException("--tls-cert and --tls-key (or --self-signed-dir) are required");
        }
        if (bodyLimit < 1024) {
            throw new IllegalArgumentException("--body-limit must be at least 1Ki");
        }
        return new WebhookOptions(
                config,
                cert,
                key,
                host,
                port,
                healthPort,
                bodyLimit,
                requestTimeout,
                reloadInterval,
                shutdownTimeout,
                namespaceRouting,
                informerSyncTimeout,
                listeners,
                lanesNamespace == null || lanesNamespace.isBlank() ? null : lanesNamespace);
    }

    /** {@code auto} or {@code off}. */
    static final class RoutingModes extends EnumConverter<WebhookOptions.NamespaceRoutingMode> {
        RoutingModes() {
            super(WebhookOptions.NamespaceRoutingMode.class);
        }
    }
}
