package io.joblane.scaler;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.joblane.model.cli.ExitCodes;
import io.joblane.model.config.ConfigFile;
import io.joblane.model.config.InvalidConfigException;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.NodeGroup;
import io.joblane.model.config.Scaling;
import io.joblane.model.lanes.FamilyHistory;
import io.joblane.model.logging.LogOptions;
import io.joblane.scaler.cloud.fake.FakeNodeGroupProvider;
import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.cloud.NodeGroupProvider;
import io.joblane.scaler.cloud.aws.AwsNodeGroupProvider;
import io.joblane.scaler.kube.BoundPods;
import io.joblane.scaler.kube.ClusterCache;
import io.joblane.scaler.kube.EventRecorder;
import io.joblane.scaler.kube.KubeClusterAccess;
import io.joblane.scaler.kube.KubeLanes;
import io.joblane.scaler.kube.LeaderElection;
import io.joblane.scaler.kube.StatusConfigMap;
import io.joblane.scaler.kube.StatusText;
import io.joblane.scaler.lanes.LanesStep;
import io.joblane.scaler.loop.GroupStatus;
import io.joblane.scaler.loop.ScaleLoop;
import io.joblane.scaler.loop.ScanResult;
import io.joblane.scaler.ops.HealthServer;
import io.joblane.scaler.ops.MicrometerScalerMetrics;
import io.joblane.scaler.ops.Readiness;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code run}: the scaler process. Starts, in order, the health server, the Kubernetes client, the informers (waiting
 * for sync at most {@code --informer-sync-timeout}), leader election, and on winning the Lease the scan loop; the
 * shutdown hook undoes this in reverse (not ready, stop the loop, release the Lease, stop informers, close the client,
 * stop serving). Losing the Lease while not shutting down exits the process so a fresh start re-elects.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the scaler: watch Job pods and nodes, scale the node groups (leader-elected).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by SIGTERM", "1:failed (unexpected error at start-up)",
                "2:bad command line, flag value or node-group file",
                "6:lost the Lease while not shutting down (restart as a standby)"})
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    static final String SERVICE_ACCOUNT_NAMESPACE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
    static final int EXIT_CONFIG = ExitCodes.USAGE;
    static final int EXIT_LOST_LEADERSHIP = ExitCodes.LOST_LEASE;

    @Option(names = "--config", required = true, defaultValue = "${env:JOBLANE_CONFIG}",
            description = "Node-group file (env JOBLANE_CONFIG).")
    Path config;

    @Option(names = "--dry-run", defaultValue = "${env:JOBLANE_DRY_RUN:-false}", fallbackValue = "true", arity = "0..1",
            description = "Log every action it would take and change nothing (env JOBLANE_DRY_RUN).")
    boolean dryRun;

    @Option(names = "--health-port", defaultValue = "${env:JOBLANE_HEALTH_PORT:-8080}",
            description = "Port of /healthz, /readyz and /metrics (env JOBLANE_HEALTH_PORT, default ${DEFAULT-VALUE}).")
    int healthPort;

    @Option(names = "--lease-name", defaultValue = "${env:JOBLANE_LEASE_NAME:-joblane-scaler}",
            description = "Lease used for leader election (env JOBLANE_LEASE_NAME, default ${DEFAULT-VALUE}).")
    String leaseName;

    @Option(names = "--lease-namespace", defaultValue = "${env:POD_NAMESPACE}",
            description = "Namespace of the Lease and the status ConfigMap (env POD_NAMESPACE; else the service "
                    + "account's namespace, else the kubeconfig's).")
    String leaseNamespace;

    @Option(names = "--status-configmap", defaultValue = "${env:JOBLANE_STATUS_CONFIGMAP:-joblane-scaler-status}",
            description = "Human-readable status ConfigMap (env JOBLANE_STATUS_CONFIGMAP, default ${DEFAULT-VALUE}).")
    String statusConfigMap;

    @Option(names = "--lanes", defaultValue = "${env:JOBLANE_LANES:-true}", fallbackValue = "true", arity = "0..1",
            description = "Lanes: learn Job run times, label group nodes joblane.io/lane-end and publish the family "
                    + "table in the ConfigMap joblane-lanes (env JOBLANE_LANES, default ${DEFAULT-VALUE}).")
    boolean lanes;

    @Option(names = "--identity", defaultValue = "${env:POD_NAME}",
            description = "Leader-election identity (env POD_NAME, else the host name).")
    String identity;

    @Option(names = "--informer-sync-timeout", defaultValue = "${env:JOBLANE_INFORMER_SYNC_TIMEOUT:-2m}",
            description = "Longest wait for the informers' first sync before start-up carries on not ready "
                    + "(env JOBLANE_INFORMER_SYNC_TIMEOUT, default ${DEFAULT-VALUE}).")
    Duration informerSyncTimeout;

    @Mixin
    LogOptions logging;

    /** Replaced in tests; the process exits through it when leadership is lost. */
    IntConsumer exit = System::exit;
    /** Replaced in tests; in the cluster the client configures itself (service account, or KUBECONFIG locally). */
    Supplier<KubernetesClient> clientFactory = () -> new KubernetesClientBuilder().build();
    LeaderElection.Timing leaseTiming = LeaderElection.Timing.DEFAULT;
    volatile int boundHealthPort;

    private final ShutdownStack shutdown = new ShutdownStack();
    private final CountDownLatch stopped = new CountDownLatch(1);
    final Readiness readiness = new Readiness();
    private volatile Instant lastScanEnd;
    private volatile Supplier<Duration> scanInterval;

    @Override
    public Integer call() throws Exception {
        logging.apply();
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "shutdown"));
        try {
            start(informerSyncTimeout);
        } catch (InvalidConfigException e) {
            LOG.error("refusing to start: {}", e.getMessage());
            stop();
            return EXIT_CONFIG;
        } catch (IllegalStateException e) {
            LOG.error("refusing to start: {}", e.getMessage());
            stop();
            return EXIT_CONFIG;
        }
        stopped.await();
        return 0;
    }

    void start(Duration syncTimeout) throws Exception {
        Clock clock = Clock.systemUTC();
        AtomicReference<List<String>> configProblems = new AtomicReference<>(List.of());
        AtomicReference<Runnable> onReload = new AtomicReference<>(() -> { });
        ConfigFile configFile = ConfigFile.watch(config, Duration.ofSeconds(5), new ConfigFile.Listener() {
            @Override
            public void reloaded(JoblaneConfig c) {
                configProblems.set(List.of());
                onReload.get().run();
            }

            @Override
            public void rejected(InvalidConfigException error) {
                configProblems.set(List.of("last change of " + config + " rejected, running on the previous "
                        + "version: " + error.getMessage()));
            }
        });
        shutdown.push("stop watching the config file", configFile::close);
        JoblaneConfig initial = configFile.current();
        scanInterval = () -> configFile.current().scaler().scanIntervalDuration();
        boolean dry = dryRun || initial.scaler().dryRun();
        if (dry) {
            LOG.info("dry-run: every action is logged, nothing is changed");
        }

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<String> groupNames = initial.scaledGroups().stream().map(NodeGroup::name).toList();
        MicrometerScalerMetrics metrics = new MicrometerScalerMetrics(registry, groupNames);
        readiness.blocking("config", configProblems::get);
        HealthServer health = new HealthServer(healthPort, readiness, this::liveness, registry).start();
        shutdown.push("stop serving health and metrics", health::close);
        boundHealthPort = health.port();

        AtomicReference<ScaleLoop> loopRef = new AtomicReference<>();
        // The loop decides dry-run per scan (flag or file, reloads included); providers ask it, so both agree.
        BooleanSupplier dryNow = () -> {
            ScaleLoop l = loopRef.get();
            return l == null ? dry : l.scanDryRun();
        };
        Providers providers = providers(initial, clock, dryNow, registry);
        checkNodeShapes(providers, initial);

        KubernetesClient client = clientFactory.get();
        shutdown.push("close the Kubernetes client", client::close);
        String namespace = namespace(client);
        String me = identity != null && !identity.isBlank() ? identity : InetAddress.getLocalHost().getHostName();

        AtomicReference<ScanScheduler> scheduler = new AtomicReference<>();
        ClusterCache cache = new ClusterCache(client, () -> {
            ScanScheduler s = scheduler.get();
            if (s != null) {
                s.trigger();
            }
        });
        shutdown.push("stop the informers", cache::close);
        readiness.blocking("informers", cache::problems);
        List<String> syncProblems = cache.start(syncTimeout);
        if (!syncProblems.isEmpty()) {
            LOG.error("carrying on not ready; check the RBAC rules and the API server: {}", syncProblems);
        }

        KubeClusterAccess cluster = new KubeClusterAccess(client, cache,
                new BoundPods(client, BoundPods.Lookup.FIELD_SELECTOR), new EventRecorder(client, clock, me),
                configFile::current, clock);
        LeaderElection[] election = new LeaderElection[1];
        BooleanSupplier stillLeading = () -> election[0] != null && election[0].stillLeading();
        ScaleLoop loop = new ScaleLoop(initial, cluster, providers.byGroup, clock, metrics, dryRun, stillLeading);
        loopRef.set(loop);
        onReload.set(() -> {
            JoblaneConfig c = configFile.current();
            List<String> unsupported = providers.unsupported(c);
            if (!unsupported.isEmpty()) {
                configProblems.set(unsupported);
            }
            if (providers.aws != null) {
                providers.aws.reconfigure(c);
            }
            loop.reconfigure(c);
            ScanScheduler s = scheduler.get();
            if (s != null) {
                s.trigger();
            }
        });
        StatusConfigMap status = new StatusConfigMap(client, namespace, statusConfigMap, stillLeading);
        Consumer<Boolean> lanesAfterScan = lanesAfterScan(client, cache, namespace, clock, stillLeading);
        AtomicReference<ScanResult> lastResult = new AtomicReference<>();
        readiness.warning("groups", () -> groupWarnings(lastResult.get()));

        ScanScheduler scans = new ScanScheduler(() -> {
            ScanResult r = loop.runOnce();
            lanesAfterScan.accept(loop.scanDryRun());
            lastResult.set(r);
            lastScanEnd = Instant.now();
            status.publish(StatusText.render(r, me));
        }, scanInterval, Duration.ofSeconds(1), Duration.ofSeconds(2));
        election[0] = new LeaderElection(client, namespace, leaseName, me, leaseTiming,
                () -> {
                    metrics.leader(true);
                    lastScanEnd = Instant.now();
                    scheduler.set(scans);
                    scans.start();
                },
                () -> {
                    metrics.leader(false);
                    stopScans(scans); // the loop's own Lease check already stops a scan in progress
                    if (!readiness.isShuttingDown()) {
                        LOG.error("lost the Lease {}/{}: exiting so that a fresh start re-elects", namespace, leaseName);
                        new Thread(() -> exit.accept(EXIT_LOST_LEADERSHIP), "exit").start();
                    }
                });
        shutdown.push("release the Lease", election[0]::close);
        shutdown.push("stop the loop", scans::close);
        shutdown.push("report not ready", readiness::shuttingDown);
        readiness.warning("leader", () -> election[0].isLeader() ? List.of()
                : List.of("standby; the leader is " + (election[0].leader().isEmpty() ? "unknown" : election[0].leader())));
        election[0].start();
        LOG.info("scaler started: {} scaled group(s), health port {}, Lease {}/{} as {}", groupNames.size(),
                health.port(), namespace, leaseName, me);
    }

    /** Lanes' step after each scan, with the scan's dry-run; nothing with {@code --lanes=false}. */
    private Consumer<Boolean> lanesAfterScan(KubernetesClient client, ClusterCache cache, String namespace, Clock clock,
                                             BooleanSupplier stillLeading) {
        if (!lanes) {
            LOG.info("lanes are off (--lanes=false)");
            return dry -> { };
        }
        LanesStep step = new LanesStep(new KubeLanes(client, cache, namespace), clock, stillLeading,
                LanesStep.DEFAULT_PUBLISH_INTERVAL, FamilyHistory.DEFAULT_MAX_FAMILIES);
        return step::run;
    }

    private static void stopScans(ScanScheduler scans) {
        try {
            scans.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The loop is stuck when the leader has not finished a scan for ten intervals (at least five minutes). */
    private String liveness() {
        Instant last = lastScanEnd;
        Supplier<Duration> interval = scanInterval;
        if (last == null || interval == null) {
            return null;
        }
        Duration limit = interval.get().multipliedBy(10);
        if (limit.compareTo(Duration.ofMinutes(5)) < 0) {
            limit = Duration.ofMinutes(5);
        }
        Duration since = Duration.between(last, Instant.now());
        return since.compareTo(limit) > 0 ? "no scan finished for " + since.toSeconds() + "s" : null;
    }

    private static List<String> groupWarnings(ScanResult r) {
        if (r == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(r.problems());
        for (GroupStatus g : r.groups().values()) {
            g.problems().forEach(p -> out.add("group " + g.group() + ": " + p));
        }
        return out;
    }

    void stop() {
        shutdown.close();
        stopped.countDown();
    }

    private String namespace(KubernetesClient client) throws Exception {
        if (leaseNamespace != null && !leaseNamespace.isBlank()) {
            return leaseNamespace;
        }
        Path sa = Path.of(SERVICE_ACCOUNT_NAMESPACE);
        if (Files.isReadable(sa)) {
            return Files.readString(sa).trim();
        }
        Config c = client.getConfiguration();
        if (c.getNamespace() != null && !c.getNamespace().isBlank()) {
            return c.getNamespace();
        }
        throw new IllegalStateException("no namespace for the Lease: set --lease-namespace or POD_NAMESPACE");
    }

    /**
     * Refuses to start when an aws group has neither {@code scaling.node} cpu and memory nor a node template from its
     * Auto Scaling group. AWS unreachable is no config error: logged, and each scan reads the templates again.
     */
    private void checkNodeShapes(Providers providers, JoblaneConfig initial) throws InvalidConfigException {
        if (providers.aws == null) {
            return;
        }
        List<String> missing;
        try {
            missing = providers.aws.missingNodeShapes(initial);
        } catch (CloudException e) {
            LOG.warn("node templates not checked at start, each scan reads them: {}", e.getMessage());
            return;
        }
        if (!missing.isEmpty()) {
            providers.aws.close();
            throw new InvalidConfigException(config.toString(), missing);
        }
    }

    /** The provider of each scaled group: one in-memory provider and one AWS provider, shared by their groups. */
    static final class Providers {
        final Map<String, NodeGroupProvider> byGroup = new HashMap<>();
        AwsNodeGroupProvider aws;
        FakeNodeGroupProvider memory;

        /** Groups of a reloaded config whose provider this process did not start with (needs a restart). */
        List<String> unsupported(JoblaneConfig c) {
            return c.scaledGroups().stream().filter(g -> !byGroup.containsKey(g.name()))
                    .map(g -> "group " + g.name() + " was added by a config change; restart the scaler to manage it")
                    .toList();
        }
    }

    static Providers providers(JoblaneConfig config, Clock clock, BooleanSupplier dryRun, MeterRegistry registry) {
        Providers p = new Providers();
        for (NodeGroup g : config.scaledGroups()) {
            String kind = g.scaling().provider();
            if (Scaling.PROVIDER_MEMORY.equals(kind)) {
                if (p.memory == null) {
                    p.memory = FakeNodeGroupProvider.fromConfig(config, clock);
                }
                p.byGroup.put(g.name(), p.memory);
            } else if (Scaling.PROVIDER_AWS.equals(kind)) {
                if (p.aws == null) {
                    p.aws = AwsNodeGroupProvider.create(config, dryRun, registry);
                }
                p.byGroup.put(g.name(), p.aws);
            } else {
                throw new IllegalStateException("nodeGroups[" + g.name() + "].scaling.provider: unknown provider "
                        + kind);
            }
        }
        return p;
    }
}
