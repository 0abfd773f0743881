package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.joblane.scaler.loop.DecisionKind;
import io.joblane.scaler.loop.GroupSkip;
import io.joblane.scaler.loop.GroupStatus;
import io.joblane.scaler.loop.ScanResult;
import io.joblane.scaler.ops.MicrometerScalerMetrics;
import io.joblane.webhook.http.WebhookMetrics;
import io.joblane.webhook.mutation.Outcome;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Contract with the processes' metrics: every joblane_* series and label value the PrometheusRule's alerts
 * query is one the webhook's and the scaler's own metric classes export (scraped from a Prometheus registry
 * after recording one event of each kind the alerts look at). A renamed metric would silently never alert.
 */
class MetricsContractChartTest {
    static final Pattern SERIES = Pattern.compile("(joblane_[a-z_]+)(\\{[^}]*})?");
    static final Pattern MATCHER = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");

    static String webhookScrape() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WebhookMetrics metrics = new WebhookMetrics(registry);
        for (Outcome outcome : Outcome.values()) {
            metrics.request(outcome, "batch", false, 0, 2_000_000);
        }
        metrics.certificateServed(Instant.parse("2027-01-01T00:00:00Z"));
        metrics.namespaceInformer(() -> true);
        return registry.scrape();
    }

    static String scalerScrape() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerScalerMetrics metrics = new MicrometerScalerMetrics(registry, List.of("batch"));
        metrics.leader(true);
        for (DecisionKind kind : DecisionKind.values()) {
            metrics.decision("batch", kind);
        }
        metrics.cloudCall("batch", "setDesiredCapacity", "Throttling");
        metrics.groupSkipped("batch", GroupSkip.SCAN_FAILED);
        Instant now = Instant.now();
        GroupStatus batch = new GroupStatus(
                "batch",
                true,
                50,
                0,
                50,
                50,
                50,
                0,
                0,
                0,
                3,
                0,
                null,
                null,
                null,
                now.plusSeconds(60),
                List.of(),
                now.minusSeconds(90),
                0,
                List.of());
        metrics.scanCompleted(
                Duration.ofMillis(20),
                new ScanResult(now, Duration.ofMillis(20), false, Map.of("batch", batch), List.of(), List.of()));
        return registry.scrape();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everySeriesTheAlertsQueryIsExported() {
        GenericKubernetesResource rule = (GenericKubernetesResource) Chart.chart()
                .values("monitoring")
                .values("aws-irsa")
                .render()
                .ofKind("PrometheusRule")
                .get(0);
        List<String> exprs = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) rule.get("spec", "groups")) {
            for (Map<String, Object> r : (List<Map<String, Object>>) group.get("rules")) {
                exprs.add((String) r.get("expr"));
            }
        }
        Set<String> queried = assertExported(exprs);
        assertThat(queried)
                .contains(
                        "joblane_webhook_requests_total",
                        "joblane_webhook_request_duration_seconds_bucket",
                        "joblane_webhook_certificate_expiry_timestamp_seconds",
                        "joblane_webhook_certificate_in_sync",
                        "joblane_webhook_namespace_informer_up",
                        "joblane_scaler_leader",
                        "joblane_scaler_desired_nodes",
                        "joblane_scaler_pending_pods",
                        "joblane_scaler_group_skipped_scans_total",
                        "joblane_scaler_decisions_total");
    }

    @Test
    void everySeriesTheGrafanaDashboardQueriesIsExported() throws Exception {
        // Guards against: a dashboard panel that stays empty because its metric was renamed or never existed.
        io.fabric8.kubernetes.api.model.ConfigMap dashboard =
                Chart.chart().values("monitoring").render().ofKind("ConfigMap").stream()
                        .map(io.fabric8.kubernetes.api.model.ConfigMap.class::cast)
                        .filter(cm -> cm.getData() != null && cm.getData().containsKey("joblane.json"))
                        .findFirst()
                        .orElseThrow();
        tools.jackson.databind.JsonNode json =
                Manifests.PLAIN.readTree(dashboard.getData().get("joblane.json"));
        List<String> exprs = new ArrayList<>();
        json.findValues("expr").forEach(e -> exprs.add(e.asString()));
        json.findValues("query")
                .forEach(q ->
                        exprs.add(q.isString() ? q.asString() : q.path("query").asString()));

        Set<String> queried = assertExported(exprs);

        assertThat(queried)
                .contains(
                        "joblane_scaler_nodes",
                        "joblane_scaler_desired_nodes",
                        "joblane_scaler_pending_pods",
                        "joblane_scaler_pending_pod_wait_seconds",
                        "joblane_scaler_decisions_total",
                        "joblane_scaler_group_backoff_seconds",
                        "joblane_scaler_cloud_errors_total",
                        "joblane_webhook_request_duration_seconds_bucket");
    }

    /** Asserts every joblane_* series (and label value) named in {@code exprs} is in a real scrape; returns the names. */
    private static Set<String> assertExported(List<String> exprs) {
        String exported = webhookScrape() + scalerScrape();
        Set<String> queried = new TreeSet<>();
        for (String expr : exprs) {
            Matcher series = SERIES.matcher(expr);
            while (series.find()) {
                String name = series.group(1);
                queried.add(name);
                assertThat(exported)
                        .as("a series named %s (queried by %s)", name, expr)
                        .containsPattern("(?m)^" + name + "[{ ]");
                if (series.group(2) == null) {
                    continue;
                }
                Matcher label = MATCHER.matcher(series.group(2));
                while (label.find()) {
                    if (label.group(1).equals("namespace")) {
                        continue; // added by Prometheus from the scrape target
                    }
                    if (label.group(1).equals("group")) {
                        assertThat(exported).containsPattern("(?m)^" + name + "\\{[^}]*group=\"");
                        continue; // the values are the configured group names
                    }
                    assertThat(exported)
                            .as("%s with %s=\"%s\"", name, label.group(1), label.group(2))
                            .containsPattern(
                                    "(?m)^" + name + "\\{[^}]*" + label.group(1) + "=\"" + label.group(2) + "\"");
                }
            }
        }
        return queried;
    }
}
