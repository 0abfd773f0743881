package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ServiceMonitors and the PrometheusRule (custom resources, parsed generically and checked by structure). */
class MonitoringChartTest {

    @Test
    void offByDefault() {
        Chart.Rendered rendered = Chart.chart().render();
        assertThat(rendered.ofKind("ServiceMonitor")).isEmpty();
        assertThat(rendered.ofKind("PrometheusRule")).isEmpty();
        assertThat(rendered.ofKind("ConfigMap"))
                .noneMatch(cm -> cm.getMetadata().getName().endsWith("-dashboard"));
    }

    @Test
    void theGrafanaDashboardIsAConfigMapTheKubePrometheusStackSidecarPicksUp() throws Exception {
        Chart.Rendered rendered = Chart.chart().values("monitoring").render();
        io.fabric8.kubernetes.api.model.ConfigMap cm =
                rendered.one(io.fabric8.kubernetes.api.model.ConfigMap.class, "rel-joblane-dashboard");
        assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(cm.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Joblane");
        tools.jackson.databind.JsonNode dashboard =
                Manifests.PLAIN.readTree(cm.getData().get("joblane.json"));
        assertThat(dashboard.path("uid").asString()).isEqualTo("joblane");
        List<String> titles = new ArrayList<>();
        dashboard.path("panels").forEach(p -> titles.add(p.path("title").asString()));
        assertThat(titles)
                .contains(
                        "Nodes by state against desired",
                        "Pending Job pods and the longest wait",
                        "Draining and cordoned nodes",
                        "Decisions",
                        "Scale-up back-off",
                        "Cloud call errors",
                        "Webhook latency",
                        "Lane label writes");
        assertThat(dashboard.path("panels").get(0).path("repeat").asString()).isEqualTo("group"); // a row per group

        io.fabric8.kubernetes.api.model.ConfigMap elsewhere = Chart.chart()
                .values("monitoring")
                .set("monitoring.grafanaDashboard.namespace", "monitoring")
                .render()
                .one(io.fabric8.kubernetes.api.model.ConfigMap.class, "rel-joblane-dashboard");
        assertThat(elsewhere.getMetadata().getNamespace()).isEqualTo("monitoring");
    }

    @Test
    @SuppressWarnings("unchecked")
    void serviceMonitorsScrapeTheMetricsPortOfBothProcesses() {
        Chart.Rendered rendered = Chart.chart().values("monitoring").render();
        List<HasMetadata> monitors = rendered.ofKind("ServiceMonitor");

        assertThat(monitors)
                .extracting(m -> m.getMetadata().getName())
                .containsExactlyInAnyOrder("rel-joblane-webhook", "rel-joblane-scaler");
        for (HasMetadata m : monitors) {
            GenericKubernetesResource monitor = (GenericKubernetesResource) m;
            assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
            Map<String, String> selector = monitor.get("spec", "selector", "matchLabels");
            Service service = rendered.one(Service.class, m.getMetadata().getName());
            assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(selector);
            List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
            assertThat(endpoints).singleElement().satisfies(e -> {
                assertThat(e).containsEntry("port", "metrics").containsEntry("path", "/metrics");
                assertThat(service.getSpec().getPorts())
                        .anySatisfy(p -> assertThat(p.getName()).isEqualTo("metrics"));
            });
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusRuleHasTheAlertsThatMatter() {
        GenericKubernetesResource rule = (GenericKubernetesResource) Chart.chart()
                .values("monitoring")
                .values("aws-irsa")
                .render()
                .ofKind("PrometheusRule")
                .get(0);
        List<Map<String, Object>> groups = rule.get("spec", "groups");
        List<Map<String, Object>> rules = new ArrayList<>();
        groups.forEach(g -> rules.addAll((List<Map<String, Object>>) g.get("rules")));

        assertThat(rules)
                .extracting(r -> r.get("alert"))
                .containsExactlyInAnyOrder(
                        "JoblaneWebhookErrors",
                        "JoblaneWebhookSlow",
                        "JoblaneWebhookRejections",
                        "JoblaneCertificateExpiringSoon",
                        "JoblaneWebhookCertificateNotLoaded",
                        "JoblaneWebhookNamespaceInformerDown",
                        "JoblaneScalerNotLeading",
                        "JoblaneGroupAtMaxWithPendingJobs",
                        "JoblaneGroupAtMaxWithPendingJobs",
                        "JoblaneGroupAtMaxWithPendingJobs",
                        "JoblaneGroupNotPlanned",
                        "JoblaneInstancesNeverJoined",
                        "JoblanePodsFoundAtTermination");
        Map<String, String> exprs = new java.util.HashMap<>();
        rules.forEach(r -> exprs.put((String) r.get("alert"), (String) r.get("expr")));
        // One at-max rule per scaled group, with that group's maxNodes from the values.
        assertThat(rules)
                .filteredOn(r -> "JoblaneGroupAtMaxWithPendingJobs".equals(r.get("alert")))
                .extracting(r -> (String) r.get("expr"))
                .anySatisfy(e -> assertThat(e)
                        .contains("joblane_scaler_desired_nodes{namespace=\"joblane\",group=\"batch\"}) >= 50")
                        .contains("joblane_scaler_pending_pods{namespace=\"joblane\",group=\"batch\"}) > 0"))
                .anySatisfy(e -> assertThat(e).contains("group=\"gpu\"}) >= 8"));
        assertThat(exprs.get("JoblaneScalerNotLeading")).contains("joblane_scaler_leader");
        assertThat(exprs.get("JoblanePodsFoundAtTermination")).contains("joblane_scaler_pods_at_termination_total");
        assertThat(exprs.get("JoblaneGroupNotPlanned"))
                .contains("sum by (group) (increase(joblane_scaler_group_skipped_scans_total{namespace=\"joblane\"}")
                .contains("joblane_scaler_loop_duration_seconds_count{namespace=\"joblane\"}")
                .endsWith("> 0.5");
        assertThat(exprs.get("JoblaneInstancesNeverJoined"))
                .contains("joblane_scaler_decisions_total")
                .contains("kind=\"instance_unregistered\"");
        assertThat(exprs.get("JoblaneWebhookErrors"))
                .contains("joblane_webhook_requests_total")
                .contains("outcome=\"error\"");
        assertThat(exprs.get("JoblaneWebhookSlow"))
                .contains("histogram_quantile(0.99")
                .contains("joblane_webhook_request_duration_seconds_bucket")
                .endsWith("> 1");
        assertThat(exprs.get("JoblaneWebhookRejections")).contains("apiserver_admission_webhook_rejection_count");
        assertThat(exprs.get("JoblaneCertificateExpiringSoon"))
                .contains("joblane_webhook_certificate_expiry_timestamp_seconds")
                .contains("14 * 86400");
        rules.forEach(r -> {
            assertThat((Map<String, String>) r.get("labels")).containsKey("severity");
            assertThat((Map<String, String>) r.get("annotations")).containsKeys("summary", "description");
        });
    }
}
