package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.joblane.model.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The second kube-scheduler whose profile packs nodes (NodeResourcesFit MostAllocated), on by default. */
class PackingSchedulerChartTest {
    static final String NAME = "rel-joblane-packing-scheduler";

    /** Regression: the savings were behind an opt-in, so `helm install` with defaults got the spreading scheduler. */
    @Test
    void onByDefaultAndUsedByTheDefaultGroup() throws Exception {
        Chart.Rendered rendered = Chart.chart().render();
        assertThat(rendered.names()).contains("Deployment/" + NAME);
        ConfigMap configMap = rendered.one(ConfigMap.class, "rel-joblane-config");
        var config = ConfigLoader.parse(configMap.getData().get("config.yaml"), "rendered");
        assertThat(config.defaultGroup().schedulerName()).isEqualTo("joblane-packing-scheduler");
    }

    @Test
    void itsImageFollowsTheClustersMinorVersionUnlessATagIsGiven() {
        assertThat(image(Chart.chart().kube("v1.33.2").render())).isEqualTo("registry.k8s.io/kube-scheduler:v1.33.0");
        assertThat(image(Chart.chart().kube("v1.31.4-eks-1234567").render()))
                .isEqualTo("registry.k8s.io/kube-scheduler:v1.31.0");
        assertThat(image(Chart.chart()
                        .set("packingScheduler.image.tag", "v1.32.7")
                        .render()))
                .isEqualTo("registry.k8s.io/kube-scheduler:v1.32.7");
    }

    private static String image(Chart.Rendered rendered) {
        return rendered.one(Deployment.class, NAME)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage();
    }

    @Test
    void offItRendersNothingAndTheGroupUsesTheDefaultScheduler() throws Exception {
        Chart.Rendered rendered = Chart.chart().values("default-scheduler").render();
        assertThat(rendered.names()).noneMatch(n -> n.contains("packing-scheduler"));
        ConfigMap configMap = rendered.one(ConfigMap.class, "rel-joblane-config");
        var config = ConfigLoader.parse(configMap.getData().get("config.yaml"), "rendered");
        assertThat(config.defaultGroup().schedulerName()).isNullOrEmpty();
    }

    @Test
    void profileScoresWithMostAllocated() throws Exception {
        Chart.Rendered rendered = Chart.chart().values("packing-scheduler").render();

        ConfigMap configMap = rendered.one(ConfigMap.class, NAME);
        JsonNode config = Manifests.PLAIN.readTree(configMap.getData().get("scheduler-config.yaml"));
        assertThat(config.path("apiVersion").asString()).isEqualTo("kubescheduler.config.k8s.io/v1");
        assertThat(config.path("kind").asString()).isEqualTo("KubeSchedulerConfiguration");
        JsonNode profile = config.path("profiles").get(0);
        assertThat(profile.path("schedulerName").asString()).isEqualTo("joblane-packing-scheduler");
        JsonNode fit = profile.path("pluginConfig").get(0);
        assertThat(fit.path("name").asString()).isEqualTo("NodeResourcesFit");
        assertThat(fit.path("args").path("scoringStrategy").path("type").asString())
                .isEqualTo("MostAllocated");
        assertThat(fit.path("args").path("scoringStrategy").path("resources").findValuesAsString("name"))
                .containsExactly("cpu", "memory");
        assertThat(config.path("leaderElection").path("resourceNamespace").asString())
                .isEqualTo(Chart.NAMESPACE);
        assertThat(config.path("leaderElection").path("resourceName").asString())
                .isEqualTo("joblane-packing-scheduler");

        Deployment deployment = rendered.one(Deployment.class, NAME);
        assertThat(deployment
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getCommand())
                .contains("--config=/etc/kubernetes/scheduler/scheduler-config.yaml");
        assertThat(rendered.all(ClusterRoleBinding.class))
                .filteredOn(b -> b.getMetadata().getName().startsWith(NAME))
                .extracting(b -> b.getRoleRef().getName())
                .containsExactlyInAnyOrder("system:kube-scheduler", "system:volume-scheduler");
        assertThat(rendered.one(Role.class, NAME).getRules())
                .allSatisfy(r -> assertThat(r.getResources()).containsExactly("leases"));
    }

    @Test
    void groupsThatNameItGetItInTheSharedFile() throws Exception {
        ConfigMap configMap =
                Chart.chart().values("packing-scheduler").render().one(ConfigMap.class, "rel-joblane-config");
        var config = ConfigLoader.parse(configMap.getData().get("config.yaml"), "rendered");
        assertThat(config.defaultGroup().schedulerName()).isEqualTo("joblane-packing-scheduler");
    }
}
