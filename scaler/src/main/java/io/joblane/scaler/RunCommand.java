package io.joblane.scaler;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.joblane.model.cli.ExitCodes;
import io.joblane.model.cli.StopSignal;
import io.joblane.model.config.ConfigFile;
import io.joblane.model.config.InvalidConfigException;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.NodeGroup;
import io.joblane.model.config.Scaling;
import io.joblane.model.lanes.FamilyHistory;
import io.joblane.model.logging.LogOptions;
import io.joblane.scaler.cloud.AsgSets;
import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.cloud.NodeGroupProvider;
import io.joblane.scaler.cloud.aws.AwsNodeGroupProvider;
import io.joblane.scaler.cloud.fake.FakeNodeGroupProvider;
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
import io.joblane.scaler.loop.ScalerMetrics;
import io.joblane.scaler.loop.ScanResult;
import io.joblane.scaler.ops.HealthServer;
import io.joblane.scaler.ops.MicrometerScalerMetrics;
import io.joblane.scaler.ops.Readiness;
import io.joblane.scaler.plan.GroupSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code run}: the scaler process. Starts, in order, the health server, the Kubernetes client, the informers (waiting
 * for sync at most {@code --informer-sync-timeout}), leader election, and on winning the Lease the scan loop. SIGTERM
 * undoes this in reverse (not ready, stop the loop, release the Lease, stop informers, close the client, stop serving)
 * and exits 0. Losing the Lease while not shutting down exits the process so a fresh start re-elects.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run the scaler: watch Job pods and nodes, scale the node groups (leader-elected).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped by SIGTERM",
            "1:failed (unexpected error at start-up)",
            "2:bad command line, flag value or node-group file",
            "6:lost the Lease while not shutting down (restart as a standby)"
        })
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    static final String SERVICE_ACCOUNT_NAMESPACE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
    static final int EXIT_CONFIG = ExitCodes.USAGE;
    static final int EXIT_LOST_LEADERSHIP = ExitCodes.LOST_LEASE;

    @Option(
            names = "--config",
            required = true,
            defaultValue = "${env:JOBLANE_CONFIG}",
            description = "Node-group file (env JOBLANE_CONFIG).")
    Path config;

    @Option(
            names = "--dry-run",
            defaultValue = "${env:JOBLANE_DRY_RUN:-false}",
            fallbackValue = "true",
            arity = "0..1",
            description = "Log every action it would take and change nothing (env JOBLANE_DRY_RUN).")
    boolean dryRun;

    @Option(
            names = "--health-port",
            defaultValue = "${env:JOBLANE_HEALTH_PORT:-8080}",
            description = "Port of /healthz, /readyz and /metrics (env JOBLANE_HEALTH_PORT, default ${DEFAULT-VALUE}).")
    int healthPort;

    @Option(
            names = "--lease-name",
            defaultValue = "${env:JOBLANE_LEASE_NAME:-joblane-scaler}",
            description = "Lease used for leader election (env JOBLANE_LEASE_NAME, default ${DEFAULT-VALUE}).")
    String leaseName;

    @Option(
            names = "--lease-namespace",
            defaultValue = "${env:POD_NAMESPACE}",
            description = "Namespace of the Lease and the status ConfigMap (env POD_NAMESPACE; else the service "
                    + "account's namespace, else the kubeconfig's).")
    String leaseNamespace;

    @Option(
            names = "--status-configmap",
            defaultValue = "${env:JOBLANE_STATUS_CONFIGMAP:-joblane-scaler-status}",
            description = "Human-readable status ConfigMap (env JOBLANE_STATUS_CONFIGMAP, default ${DEFAULT-VALUE}).")
    String statusConfigMap;

    @Option(
            names = "--lanes",
            defaultValue = "${env:JOBLANE_LANES:-true}",
            fallbackValue = "true",
            arity = "0..1",
            description = "Lanes: learn Job run times, label group nodes joblane.io/lane-end and publish the family "
                    + "table in the ConfigMap joblane-lanes (env JOBLANE_LANES, default ${DEFAULT-VALUE}).")
    boolean lanes;

    @Option(
            names = "--identity",
            defaultValue = "${env:POD_NAME}",
            description = "Leader-election identity (env POD_NAME, else the host name).")
    String identity;

    @Option(
            names = "--informer-sync-timeout",
            defaultValue = "${env:JOBLANE_INFORMER_SYNC_TIMEOUT:-2m}",
            description = "Longest wait for the informers' first sync before start-up carries on not ready "
                    + "(env JOBLANE_INFORMER_SYNC_TIMEOUT, default ${DEFAULT-VALUE}).")
    Duration informerSyncTimeout;

    @Option(
            names = "--lease-duration",
            defaultValue = "${env:JOBLANE_LEASE_DURATION:-15s}",
            description = "How long a standby waits after the leader's last renewal before it takes the Lease "
                    + "(env JOBLANE_LEASE_DURATION, default ${DEFAULT-VALUE}).")
    Duration leaseDuration;

    @Option(
            names = "--lease-renew-deadline",
            defaultValue = "${env:JOBLANE_LEASE_RENEW_DEADLINE:-10s}",
            description = "How long the leader keeps trying to renew before it stops leading and exits "
                    + "(env JOBLANE_LEASE_RENEW_DEADLINE, default ${DEFAULT-VALUE}).")
    Duration leaseRenewDeadline;

    @Option(
            names = "--lease-retry-period",
            defaultValue = "${env:JOBLANE_LEASE_RETRY_PERIOD:-2s}",
            description = "Time between tries to take or renew the Lease "
                    + "(env JOBLANE_LEASE_RETRY_PERIOD, default ${DEFAULT-VALUE}).")
    Duration leaseRetryPeriod;

    @Mixin
    LogOptions logging;

    /** Replaced in tests; the process exits through it when leadership is lost. */
    IntConsumer exit = System::exit;
    /** Replaced in tests; in the cluster the client configures itself (service account, or KUBECONFIG locally). */
    Supplier<KubernetesClient> clientFactory = () -> new KubernetesClientBuilder().build();

    volatile int boundHealthPort;

    private final ShutdownStack shutdown = new ShutdownStack();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    final Readiness readiness = new Readiness();
    private volatile Instant lastScanEnd;
    private volatile Supplier<Duration> scanInterval;

    @Override
    public Integer call() throws Exception {
        logging.apply();
        // Any other way out of the JVM (the lost-Lease exit, SIGINT) still tears down through the shutdown hook.
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "shutdown"));
        return runUntilStopped();
    }

    /** Starts, then runs until SIGTERM (or {@link #stop()}) has torn everything down: a graceful stop exits 0. */
    int runUntilStopped() throws Exception {
        try (StopSignal term = StopSignal.onTerm(this::stop)) {
            try {
                start(informerSyncTimeout);
            } catch (Exception e) {
                if (stopping) {
                    // SIGTERM during start-up closed what start() was about to use: a stop, not a failure.
                    LOG.info("stopped during start-up: {}", e.toString());
                } else if (e instanceof InvalidConfigException || e instanceof IllegalStateException) {
                    LOG.error("refusing to start: {}", e.getMessage());
                    stop();
                    return EXIT_CONFIG;
                } else {
                    throw e;
                }
            }
            stopped.await();
            return ExitCodes.OK;
        }
    }

    /** Starts the parts in dependency order; each step pushes its own undo onto the shutdown stack. */
    void start(Duration syncTimeout) throws Exception {
        // Checked before anything starts: a timing the elector would reject refuses start-up naming the flags.
        LeaderElection.Timing leaseTiming =
                LeaderElection.Timing.of(leaseDuration, leaseRenewDeadline, leaseRetryPeriod);
        Clock clock = Clock.systemUTC();
        Parts parts = new Parts();
        ConfigFile configFile = watchConfig(parts);
        JoblaneConfig initial = configFile.current();
        announceDryRun(initial);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerScalerMetrics metrics = new MicrometerScalerMetrics(registry, groupNames(initial));
        int port = serveHealthAndMetrics(registry, parts);
        parts.providers = startProviders(initial, clock, registry);

        KubernetesClient client = connectToKubernetes();
        String namespace = namespace(client);
        String me = leaderIdentity();
        ClusterCache cache = startInformers(client, syncTimeout, parts::triggerScan);
        KubeClusterAccess cluster = clusterAccess(client, cache, configFile, clock, me);
        parts.loop =
                new ScaleLoop(initial, cluster, parts.providers.byGroup, clock, metrics, dryRun, parts::stillLeading);
        addLanes(parts.loop, client, cache, namespace, clock, metrics);
        parts.scans = scanScheduler(
                parts.loop, new StatusConfigMap(client, namespace, statusConfigMap, parts::stillLeading), me);
        parts.election = leaderElection(client, namespace, me, leaseTiming, metrics, parts.scans);
        parts.election.start();
        LOG.info(
                "scaler started: {} scaled group(s), health port {}, Lease {}/{} as {}",
                initial.scaledGroups().size(),
                port,
                namespace,
                leaseName,
                me);
    }

    /**
     * The parts that call back into each other once built: a config reload reaches the providers, the loop and the
     * scans; informer events trigger a scan; the loop and the status ConfigMap ask the elector whether this replica
     * still leads. Each is set once, in start-up order, and read from
     * other threads; until it is set its callers get the start-up answer (nothing to reload, no scan, not leading).
     */
    private static final class Parts {
        volatile List<String> configProblems = List.of();
        volatile Providers providers;
        volatile ScaleLoop loop;
        volatile ScanScheduler scans;
        volatile LeaderElection election;

        void triggerScan() {
            ScanScheduler s = scans;
            if (s != null) {
                s.trigger(); // a no-op until this replica leads and the scans start
            }
        }

        boolean stillLeading() {
            LeaderElection e = election;
            return e != null && e.stillLeading();
        }

        void reloaded(JoblaneConfig c) {
            configProblems = List.of();
            Providers p = providers;
            ScaleLoop l = loop;
            if (p == null || l == null) {
                return; // still starting: the parts about to be built read the file themselves
            }
            List<String> unsupported = p.unsupported(c);
            if (!unsupported.isEmpty()) {
                configProblems = unsupported;
            }
            if (p.aws != null) {
                p.aws.reconfigure(c);
            }
            l.reconfigure(c);
            triggerScan();
        }
    }

    private ConfigFile watchConfig(Parts parts) throws InvalidConfigException {
        ConfigFile configFile = ConfigFile.watch(config, Duration.ofSeconds(5), new ConfigFile.Listener() {
            @Override
            public void reloaded(JoblaneConfig c) {
                parts.reloaded(c);
            }

            @Override
            public void rejected(InvalidConfigException error) {
                parts.configProblems = List.of("last change of " + config + " rejected, running on the previous "
                        + "version: " + error.getMessage());
            }
        });
        shutdown.push("stop watching the config file", configFile::close);
        scanInterval = () -> configFile.current().scaler().scanIntervalDuration();
        return configFile;
    }

    private void announceDryRun(JoblaneConfig initial) {
        if (dryRun || initial.scaler().dryRun()) {
            LOG.info("dry-run: every action is logged, nothing is changed");
        }
    }

    private static List<String> groupNames(JoblaneConfig c) {
        return c.scaledGroups().stream().map(NodeGroup::name).toList();
    }

    /** Starts the health server, ready once the config is good; returns its port. */
    private int serveHealthAndMetrics(PrometheusMeterRegistry registry, Parts parts) throws Exception {
        readiness.blocking("config", () -> parts.configProblems);
        HealthServer health = new HealthServer(healthPort, readiness, this::liveness, registry).start();
        shutdown.push("stop serving health and metrics", health::close);
        boundHealthPort = health.port();
        return health.port();
    }

    /** Providers only read on their own; the loop alone decides dry-run per scan (flag or file, reloads included). */
    private Providers startProviders(JoblaneConfig initial, Clock clock, MeterRegistry registry)
            throws InvalidConfigException {
        Providers providers = providers(initial, clock, registry);
        checkNodeShapes(providers, initial);
        return providers;
    }

    private KubernetesClient connectToKubernetes() {
        KubernetesClient client = clientFactory.get();
        shutdown.push("close the Kubernetes client", client::close);
        return client;
    }

    private String leaderIdentity() throws UnknownHostException {
        return identity != null && !identity.isBlank()
                ? identity
                : InetAddress.getLocalHost().getHostName();
    }

    private static KubeClusterAccess clusterAccess(
            KubernetesClient client, ClusterCache cache, ConfigFile configFile, Clock clock, String me) {
        return new KubeClusterAccess(
                client,
                cache,
                new BoundPods(client, BoundPods.Lookup.FIELD_SELECTOR),
                new EventRecorder(client, clock, me),
                configFile::current,
                clock);
    }

    /** Starts the informers and waits for their first sync at most {@code syncTimeout}, then carries on regardless. */
    private ClusterCache startInformers(KubernetesClient client, Duration syncTimeout, Runnable onChange) {
        ClusterCache cache = new ClusterCache(client, onChange);
        shutdown.push("stop the informers", cache::close);
        readiness.blocking("informers", cache::problems);
        List<String> syncProblems = cache.start(syncTimeout);
        if (!syncProblems.isEmpty()) {
            LOG.error("carrying on not ready; check the RBAC rules and the API server: {}", syncProblems);
        }
        return cache;
    }

    /** Lanes' step after each scan, through the scan's gate (dry-run, Lease); nothing with {@code --lanes=false}. */
    private void addLanes(
            ScaleLoop loop,
            KubernetesClient client,
            ClusterCache cache,
            String namespace,
            Clock clock,
            ScalerMetrics metrics) {
        if (!lanes) {
            LOG.info("lanes are off (--lanes=false)");
            return;
        }
        LanesStep step = new LanesStep(
                new KubeLanes(client, cache, namespace),
                clock,
                LanesStep.DEFAULT_PUBLISH_INTERVAL,
                FamilyHistory.DEFAULT_MAX_FAMILIES,
                metrics);
        loop.afterScan(step::run);
        loop.expectedEnds(step::expectedEnds);
    }

    /**
     * The scans, started once this replica leads: each runs the loop once (lanes, when on, after its scan), and
     * publishes the status.
     */
    private ScanScheduler scanScheduler(ScaleLoop loop, StatusConfigMap status, String me) {
        readiness.warning("groups", () -> groupWarnings(loop.lastResult()));
        return new ScanScheduler(
                () -> {
                    ScanResult r = loop.runOnce();
                    lastScanEnd = Instant.now();
                    status.publish(StatusText.render(r, me));
                },
                scanInterval,
                Duration.ofSeconds(1),
                Duration.ofSeconds(2));
    }

    /**
     * The run for the Lease, not started yet: winning it starts the scans; losing it stops them and, unless shutting
     * down, exits the process so a fresh start re-elects. Pushes the rest of the teardown: release the Lease, stop the
     * loop, report not ready.
     */
    private LeaderElection leaderElection(
            KubernetesClient client,
            String namespace,
            String me,
            LeaderElection.Timing leaseTiming,
            MicrometerScalerMetrics metrics,
            ScanScheduler scans) {
        LeaderElection election = new LeaderElection(
                client,
                namespace,
                leaseName,
                me,
                leaseTiming,
                () -> {
                    metrics.leader(true);
                    lastScanEnd = Instant.now();
                    scans.start();
                },
                () -> {
                    metrics.leader(false);
                    stopScans(scans); // the loop's own Lease check already stops a scan in progress
                    if (!readiness.isShuttingDown()) {
                        LOG.error(
                                "lost the Lease {}/{}: exiting so that a fresh start re-elects", namespace, leaseName);
                        new Thread(() -> exit.accept(EXIT_LOST_LEADERSHIP), "exit").start();
                    }
                });
        shutdown.push("release the Lease", election::close);
        shutdown.push("stop the loop", scans::close);
        shutdown.push("report not ready", readiness::shuttingDown);
        readiness.warning(
                "leader",
                () -> election.isLeader()
                        ? List.of()
                        : List.of("standby; the leader is "
                                + (election.leader().isEmpty() ? "unknown" : election.leader())));
        return election;
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
        stopping = true;
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
            return c.scaledGroups().stream()
                    .filter(g -> !byGroup.containsKey(g.name()))
                    .map(g -> "group " + g.name() + " was added by a config change; restart the scaler to manage it")
                    .toList();
        }
    }

    static Providers providers(JoblaneConfig config, Clock clock, MeterRegistry registry) {
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
                    p.aws = AwsNodeGroupProvider.create(config, registry);
                }
                p.byGroup.put(g.name(), p.aws);
            } else {
                throw new IllegalStateException(
                        "nodeGroups[" + g.name() + "].scaling.provider: unknown provider " + kind);
            }
        }
        wrapSets(config, p);
        return p;
    }

    /** Groups over several Auto Scaling groups get their provider wrapped in {@link AsgSets}, one per provider. */
    private static void wrapSets(JoblaneConfig config, Providers p) {
        Map<NodeGroupProvider, Map<String, List<String>>> setsByProvider = new IdentityHashMap<>();
        for (NodeGroup g : config.scaledGroups()) {
            if (g.scaling().severalAsgs()) {
                setsByProvider
                        .computeIfAbsent(p.byGroup.get(g.name()), k -> new HashMap<>())
                        .put(GroupSpec.cloudGroupId(g), g.scaling().asgNames());
            }
        }
        Map<NodeGroupProvider, NodeGroupProvider> wrapped = new IdentityHashMap<>();
        setsByProvider.forEach((provider, sets) -> wrapped.put(provider, new AsgSets(provider, sets)));
        p.byGroup.replaceAll((name, provider) -> wrapped.getOrDefault(provider, provider));
    }
}
