package io.joblane.webhook;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.joblane.model.config.ConfigFile;
import io.joblane.model.config.InvalidConfigException;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.webhook.admission.AdmissionReviewer;
import io.joblane.webhook.http.WebhookMetrics;
import io.joblane.webhook.http.WebhookServer;
import io.joblane.webhook.kube.KubeAccess;
import io.joblane.webhook.kube.LanesTable;
import io.joblane.webhook.kube.NamespaceRouting;
import io.joblane.webhook.mutation.LanePreference;
import io.joblane.webhook.mutation.NamespaceAnnotations;
import io.joblane.webhook.mutation.PodMutator;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running webhook: config file, metrics, namespace informer, lanes table, HTTPS and health servers, wired in
 * start-up order and torn down in reverse (a LIFO stack, as Strimzi does). Started by {@link Main}, by HTTP tests
 * and by the benchmark; {@link #close()} is the graceful shutdown (not ready, drain, close).
 */
public final class Webhook implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Webhook.class);

    private final Deque<AutoCloseable> teardown = new ArrayDeque<>();
    private final WebhookOptions options;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private WebhookServer server;
    private ConfigFile configFile;
    private boolean closed;

    private final KubernetesClient givenClient;
    private KubernetesClient builtClient;

    private Webhook(WebhookOptions options, KubernetesClient givenClient) {
        this.options = options;
        this.givenClient = givenClient;
    }

    /**
     * Starts everything or fails with the reason (invalid config, unusable tls files, informer not synced);
     * whatever had started is stopped again before the exception leaves.
     */
    public static Webhook start(WebhookOptions options) throws InvalidConfigException {
        return start(options, null);
    }

    /**
     * As {@link #start(WebhookOptions)}, reading namespaces through {@code client} (owned by the caller) instead of
     * the auto-detected API server; tests pass the fabric8 mock server's client.
     */
    public static Webhook start(WebhookOptions options, KubernetesClient client) throws InvalidConfigException {
        Webhook webhook = new Webhook(options, client);
        try {
            webhook.startAll();
            return webhook;
        } catch (InvalidConfigException | RuntimeException e) {
            webhook.close();
            throw e;
        }
    }

    private void startAll() throws InvalidConfigException {
        WebhookMetrics metrics = new WebhookMetrics(registry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        teardown.push(gc); // its listeners on the JVM's collectors would outlive this webhook and keep recording
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        configFile = ConfigFile.watch(options.config(), options.reloadInterval(), new ConfigFile.Listener() {
            @Override
            public void reloaded(JoblaneConfig config) {
                metrics.configReload(true);
            }

            @Override
            public void rejected(InvalidConfigException error) {
                metrics.configReload(false);
            }
        });
        teardown.push(configFile);
        LOG.info(
                "config {}: {} node groups, default {}",
                options.config(),
                configFile.current().nodeGroups().size(),
                configFile.current().defaultGroup().name());

        NamespaceAnnotations namespaces = startNamespaceRouting();
        LanePreference lanes = startLanes();

        // No Vert.x metrics SPI: the webhook's own meters cover requests, and Vert.x's per-server gauges clash
        // when several listeners share a port.
        Vertx vertx = Vertx.vertx();
        teardown.push(
                () -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));

        AdmissionReviewer reviewer = new AdmissionReviewer(new PodMutator(configFile::current, namespaces, lanes));
        int listeners = options.listeners() > 0
                ? options.listeners()
                : Runtime.getRuntime().availableProcessors();
        server = new WebhookServer(
                vertx,
                new WebhookServer.Settings(
                        options.host(),
                        options.port(),
                        options.healthPort(),
                        options.tlsCert(),
                        options.tlsKey(),
                        options.bodyLimitBytes(),
                        options.requestTimeout(),
                        options.reloadInterval(),
                        listeners),
                reviewer,
                metrics,
                registry::scrape,
                () -> namespaces instanceof NamespaceRouting routing && !routing.isRunning()
                        ? "namespace informer has stopped; namespace annotations are not followed"
                        : null);
        if (namespaces instanceof NamespaceRouting routing) {
            metrics.namespaceInformer(routing::isRunning);
        }
        await(server.start(), "start the servers");
        teardown.push(() -> await(server.stop(options.shutdownTimeout()), "stop the servers"));
    }

    private NamespaceAnnotations startNamespaceRouting() {
        if (options.namespaceRouting() == WebhookOptions.NamespaceRoutingMode.OFF) {
            LOG.info("namespace annotation routing is off (--namespace-routing=off)");
            return NamespaceAnnotations.NONE;
        }
        KubernetesClient client = kubeClient();
        if (client == null) {
            LOG.warn("no Kubernetes API configured (no in-cluster service account, no kubeconfig):"
                    + " namespace annotation routing is off");
            return NamespaceAnnotations.NONE;
        }
        NamespaceRouting routing = NamespaceRouting.start(client, options.informerSyncTimeout());
        teardown.push(routing);
        return routing;
    }

    /** Lanes when a namespace is given and an API server is configured; never waited for, never a readiness check. */
    private LanePreference startLanes() {
        String namespace = options.lanesNamespace();
        if (namespace == null || namespace.isBlank()) {
            LOG.info("lanes are off (no --lanes-namespace)");
            return LanePreference.OFF;
        }
        KubernetesClient client = kubeClient();
        if (client == null) {
            LOG.warn("no Kubernetes API configured: lanes are off");
            return LanePreference.OFF;
        }
        LanesTable table = LanesTable.start(client, namespace);
        teardown.push(table);
        Gauge.builder("joblane_webhook_lanes_table_readable", table, t -> t.readable() ? 1 : 0)
                .description("1 when the scaler's family table (ConfigMap joblane-lanes) has been read; 0 while it is"
                        + " absent or unreadable (pods then get lanes from their annotation or deadline only)")
                .register(registry);
        Gauge.builder("joblane_webhook_lanes_families", table, t -> t.table().size())
                .description("Job families whose run times the webhook knows from the scaler's table")
                .register(registry);
        return new LanePreference(table::table, System::currentTimeMillis);
    }

    /** The client given by a test, else one for the detected API server (built once), else null when there is none. */
    private KubernetesClient kubeClient() {
        if (givenClient != null) {
            return givenClient;
        }
        if (builtClient == null) {
            Optional<String> access = KubeAccess.detect();
            if (access.isEmpty()) {
                return null;
            }
            builtClient = new KubernetesClientBuilder().build();
            teardown.push(builtClient);
            LOG.info("reading the Kubernetes API through {} ({})", access.get(), builtClient.getMasterUrl());
        }
        return builtClient;
    }

    public int port() {
        return server.port();
    }

    public int healthPort() {
        return server.healthPort();
    }

    public WebhookServer server() {
        return server;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public ConfigFile configFile() {
        return configFile;
    }

    /** Graceful shutdown: not ready, in-flight requests finish, listeners close, then the rest in reverse order. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!teardown.isEmpty()) {
            AutoCloseable step = teardown.pop();
            try {
                step.close();
            } catch (Exception e) {
                LOG.warn("shutdown step failed: {}", e.toString());
            }
        }
    }

    private static <T> T await(io.vertx.core.Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r
                    ? r
                    : new IllegalStateException("cannot " + what + ": " + cause, cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot " + what + ": timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        }
    }
}
