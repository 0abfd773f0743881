package io.joblane.scaler.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.loop.DecisionKind;
import io.joblane.scaler.loop.GroupStatus;
import io.joblane.scaler.loop.ScanResult;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthServerHttpTest {
    PrometheusMeterRegistry registry;
    Readiness readiness;
    AtomicReference<String> dead = new AtomicReference<>();
    HealthServer server;
    HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() throws Exception {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        readiness = new Readiness();
        server = new HealthServer(0, readiness, dead::get, registry).start();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessFailsWithTheBlockingProblemsAndListsWarnings() throws Exception {
        AtomicReference<List<String>> informers = new AtomicReference<>(List.of("informer pods not synced: 403"));
        readiness.blocking("informers", informers::get);
        readiness.warning("groups", () -> List.of("group batch: AZRebalance is active"));

        HttpResponse<String> notReady = get("/readyz");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body())
                .startsWith("not ready\n")
                .contains("problem: informers: informer pods not synced: 403")
                .contains("warning: groups: group batch: AZRebalance is active");

        informers.set(List.of());
        HttpResponse<String> ready = get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).startsWith("ready\n").contains("AZRebalance");

        readiness.shuttingDown();
        assertThat(get("/readyz").body()).contains("shutting down");
    }

    @Test
    void livenessReportsAStuckLoop() throws Exception {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        dead.set("no scan finished for 600s");
        HttpResponse<String> r = get("/healthz");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("no scan finished");
        assertThat(get("/healthz/other").statusCode()).isEqualTo(404);
    }

    @Test
    void metricsUseTheAgreedNamesAndStartAtZero() throws Exception {
        MicrometerScalerMetrics metrics = new MicrometerScalerMetrics(registry, List.of("batch"));
        metrics.decision("batch", DecisionKind.SCALE_UP);
        metrics.cloudCall("batch", "describe", null);
        metrics.cloudCall("batch", "setDesiredCapacity", "Throttling");
        metrics.nodeRegistered("batch", Duration.ofSeconds(95));
        GroupStatus g = new GroupStatus(
                "batch", true, 3, 0, 10, 2, 2, 1, 0, 0, 4, 0, null, null, null, null, List.of(), null, 0, List.of());
        metrics.scanCompleted(
                Duration.ofMillis(12),
                new ScanResult(Instant.now(), Duration.ofMillis(12), false, Map.of("batch", g), List.of(), List.of()));

        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(r.body())
                .contains("joblane_scaler_pods_at_termination_total{group=\"batch\"} 0.0")
                .contains("joblane_scaler_pods_bound_after_check_total{group=\"batch\"} 0.0")
                .contains("joblane_scaler_decisions_total{group=\"batch\",kind=\"scale_up\"} 1.0")
                .contains("joblane_scaler_loop_duration_seconds_count 1")
                .contains("joblane_scaler_lane_label_writes_total 0.0")
                .contains("joblane_scaler_nodes{group=\"batch\",state=\"launching\"} 1.0")
                .contains("joblane_scaler_desired_nodes{group=\"batch\"} 3.0")
                .contains("joblane_scaler_pending_pods{group=\"batch\"} 4.0")
                .contains(
                        "joblane_scaler_cloud_errors_total{code=\"Throttling\",group=\"batch\",operation=\"setDesiredCapacity\"} 1.0")
                .contains("joblane_scaler_node_registration_lag_seconds_count{group=\"batch\"} 1");
    }

    @Test
    void backOffAndTheLongestWaitArePerGroupGauges() throws Exception {
        // Guards against: back-off and pod wait visible only in the status ConfigMap, never on a dashboard or alert.
        MicrometerScalerMetrics metrics = new MicrometerScalerMetrics(registry, List.of("batch", "gpu"));
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        GroupStatus batch = new GroupStatus(
                "batch",
                true,
                3,
                0,
                10,
                2,
                2,
                1,
                0,
                0,
                4,
                0,
                null,
                null,
                null,
                at.plusSeconds(120),
                List.of(),
                at.minusSeconds(300),
                0,
                List.of());
        GroupStatus gpu = new GroupStatus(
                "gpu", false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null, null, List.of(), null, 0, List.of());
        metrics.scanCompleted(
                Duration.ofMillis(12),
                new ScanResult(
                        at, Duration.ofMillis(12), false, Map.of("batch", batch, "gpu", gpu), List.of(), List.of()));

        assertThat(get("/metrics").body())
                .contains("joblane_scaler_group_backoff_seconds{group=\"batch\"} 120.0")
                .contains("joblane_scaler_group_backoff_seconds{group=\"gpu\"} 0.0")
                .contains("joblane_scaler_pending_pod_wait_seconds{group=\"batch\"} 300.0");
    }
}
