package io.joblane.scaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.joblane.model.WellKnown;
import io.joblane.model.cli.ExitCodes;
import io.joblane.scaler.kube.EnableCrudApiServer;
import io.joblane.scaler.kube.KubeFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;

@EnableCrudApiServer
class RunCommandCrudTest {
    static final String CONFIG = """
            nodeGroups:
              - name: batch
                default: true
                taints: [{key: joblane.io/dedicated, value: batch, effect: NoSchedule}]
                scaling: {provider: memory, minNodes: 0, maxNodes: 5, node: {cpu: "16", memory: 64Gi, pods: "110"}}
            scaler: {scanInterval: 1s}
            """;
    KubernetesClient client;

    @TempDir
    Path dir;

    RunCommand run;
    AtomicInteger exitCode = new AtomicInteger(-1);

    @BeforeEach
    void setUp() throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, CONFIG);
        run = new RunCommand();
        run.config = config;
        run.healthPort = 0;
        run.leaseName = "joblane-scaler";
        run.leaseNamespace = "joblane";
        run.statusConfigMap = "joblane-scaler-status";
        run.identity = "scaler-0";
        run.exit = exitCode::set;
        // Generous: a starved CI machine must not cost the replica its Lease mid-test (the end-to-end test does the
        // same).
        run.leaseDuration = Duration.ofSeconds(15);
        run.leaseRenewDeadline = Duration.ofSeconds(10);
        run.leaseRetryPeriod = Duration.ofMillis(200);
        // A client of its own: the scaler closes it at shutdown, the test's client must stay usable.
        run.clientFactory = () -> new KubernetesClientBuilder()
                .withConfig(client.getConfiguration())
                .build();
    }

    @AfterEach
    void tearDown() {
        run.stop();
    }

    String get(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + run.boundHealthPort + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void leadsScansWritesStatusAndReleasesTheLeaseOnShutdown() throws Exception {
        run.start(Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> run.readiness.report().ready());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> client.configMaps()
                                .inNamespace("joblane")
                                .withName("joblane-scaler-status")
                                .get()
                        != null);
        ConfigMap status = client.configMaps()
                .inNamespace("joblane")
                .withName("joblane-scaler-status")
                .get();
        assertThat(status.getData().get("scaler")).contains("leader: scaler-0").contains("dryRun: false");
        assertThat(status.getData().get("batch")).contains("desired: 0").contains("pendingJobPods: 0");
        assertThat(client.leases()
                        .inNamespace("joblane")
                        .withName("joblane-scaler")
                        .get()
                        .getSpec()
                        .getHolderIdentity())
                .isEqualTo("scaler-0");
        assertThat(get("/metrics"))
                .contains("joblane_scaler_leader 1.0")
                .contains("joblane_scaler_pods_at_termination_total{group=\"batch\"} 0.0");
        assertThat(get("/readyz")).startsWith("ready");

        run.stop();

        assertThat(run.readiness.report().problems()).contains("shutting down");
        Lease lease = client.leases()
                .inNamespace("joblane")
                .withName("joblane-scaler")
                .get();
        // fabric8 releases by shortening the lease to one second, so a standby takes over at once.
        assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(1);
        assertThat(exitCode.get()).isEqualTo(-1);
    }

    // Guards against lanes built but not wired: the leader learns, publishes and labels after its scans.
    @Test
    void withLanesTheLeaderPublishesRunTimesAndLabelsTheNodeOfAPredictedPod() throws Exception {
        client.nodes().resource(KubeFixtures.node("n1", "batch", "i-1")).create();
        Pod done = KubeFixtures.jobPod("ml", "nightly-29412345-x", "batch", "n1", "1");
        done.getMetadata().getLabels().put(WellKnown.JOB_NAME_LABEL, "nightly-29412345");
        done.getStatus().setPhase("Succeeded");
        done.getStatus().setStartTime("2026-01-01T10:00:00Z");
        done.getStatus()
                .getContainerStatuses()
                .get(0)
                .setState(new ContainerStateBuilder()
                        .withNewTerminated()
                        .withExitCode(0)
                        .withFinishedAt("2026-01-01T10:10:00Z")
                        .endTerminated()
                        .build());
        client.pods().inNamespace("ml").resource(done).create();
        Pod running = KubeFixtures.jobPod("ml", "train", "batch", "n1", "1");
        running.getMetadata().getAnnotations().put(WellKnown.EXPECTED_DURATION_ANNOTATION, "1h");
        running.getStatus().setStartTime("2026-01-01T11:00:00Z");
        client.pods().inNamespace("ml").resource(running).create();
        run.lanes = true;

        run.start(Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> client.configMaps()
                                .inNamespace("joblane")
                                .withName(WellKnown.LANES_CONFIGMAP)
                                .get()
                        != null);
        assertThat(client.configMaps()
                        .inNamespace("joblane")
                        .withName(WellKnown.LANES_CONFIGMAP)
                        .get()
                        .getData()
                        .get(WellKnown.LANES_CONFIGMAP_KEY))
                .contains("ml/nightly 600000 -1 ");
        long end = java.time.Instant.parse("2026-01-01T12:00:00Z").toEpochMilli() / 60_000;
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Long.toString(end)
                        .equals(client.nodes()
                                .withName("n1")
                                .get()
                                .getMetadata()
                                .getLabels()
                                .get(WellKnown.LANE_END_LABEL)));
    }

    // Guards against exit code 143 after a graceful SIGTERM: the JVM's default handler reports a clean stop as killed.
    @Test
    void sigtermReleasesTheLeaseAndEndsTheRunWithExitCodeZero() throws Exception {
        run.informerSyncTimeout = Duration.ofSeconds(30);
        FutureTask<Integer> running = new FutureTask<>(run::runUntilStopped);
        new Thread(running, "run").start();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> run.readiness.report().ready()
                        && client.configMaps()
                                        .inNamespace("joblane")
                                        .withName("joblane-scaler-status")
                                        .get()
                                != null);

        Signal.raise(new Signal("TERM")); // without the scaler's handler this ends the test JVM with 143

        assertThat(running.get(60, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
        assertThat(run.readiness.report().problems()).contains("shutting down");
        Lease lease = client.leases()
                .inNamespace("joblane")
                .withName("joblane-scaler")
                .get();
        assertThat(lease.getSpec().getLeaseDurationSeconds())
                .as("Lease released")
                .isEqualTo(1);
        assertThat(exitCode.get()).as("no lost-Lease exit").isEqualTo(-1);
    }

    // Guards against a lease timing the elector rejects only once start-up is under way.
    @Test
    void aLeaseTimingTheElectorWouldRejectRefusesToStart() throws Exception {
        run.leaseDuration = Duration.ofSeconds(5);
        run.leaseRenewDeadline = Duration.ofSeconds(10);
        run.leaseRetryPeriod = Duration.ofSeconds(2);
        assertThat(run.runUntilStopped()).isEqualTo(RunCommand.EXIT_CONFIG);
        assertThat(client.leases()
                        .inNamespace("joblane")
                        .withName("joblane-scaler")
                        .get())
                .as("no Lease taken")
                .isNull();
    }

    @Test
    void aRejectedConfigChangeMakesItNotReadyNamingTheFieldUntilFixed() throws Exception {
        run.start(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> run.readiness.report().ready());

        Files.writeString(run.config, CONFIG.replace("maxNodes: 5", "maxNodes: -5"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !run.readiness.report().ready());
        assertThat(get("/readyz"))
                .startsWith("not ready")
                .contains("config: ")
                .contains("maxNodes")
                .contains("running on the previous version");

        Files.writeString(run.config, CONFIG.replace("maxNodes: 5", "maxNodes: 6"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> run.readiness.report().ready());
    }

    // Guards against a start-up that hangs, or claims readiness, when the API server cannot be reached.
    @Test
    void startsNotReadyNamingTheInformersWhenTheApiServerIsUnreachable() throws Exception {
        // Port 1 (tcpmux) is privileged and never served here: refused, where a port freed by the test could be reused.
        String unreachable = "http://127.0.0.1:1";
        run.clientFactory = () -> new KubernetesClientBuilder()
                .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                        .withMasterUrl(unreachable)
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build();

        run.start(Duration.ofSeconds(2));

        String readyz = get("/readyz");
        assertThat(readyz)
                .startsWith("not ready")
                .contains("problem: informers: informer nodes not synced: ConnectException")
                .contains("informer pods not synced")
                .contains("informer daemonsets not synced");
        assertThat(get("/healthz")).startsWith("ok");
    }

    // Guards against two leaders: a replica that loses its Lease must stop acting by exiting.
    @Test
    void exitsWhenTheLeaseIsLostWhileRunning() throws Exception {
        run.start(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> client.leases()
                                .inNamespace("joblane")
                                .withName("joblane-scaler")
                                .get()
                        != null);

        // A merge patch without resourceVersion: the elector renews every 200 ms and would win an optimistic race.
        client.leases()
                .inNamespace("joblane")
                .withName("joblane-scaler")
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"holderIdentity\":\"someone-else\",\"leaseDurationSeconds\":3600,\"renewTime\":\""
                                + ZonedDateTime.now(java.time.ZoneOffset.UTC)
                                        .format(java.time.format.DateTimeFormatter.ofPattern(
                                                "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX"))
                                + "\"}}");

        await().atMost(Duration.ofSeconds(30)).until(() -> exitCode.get() == RunCommand.EXIT_LOST_LEADERSHIP);
    }
}
