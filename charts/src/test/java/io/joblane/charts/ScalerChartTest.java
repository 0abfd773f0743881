package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.joblane.model.WellKnown;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The scaler's Deployment, ServiceAccount (IRSA) and RBAC. */
class ScalerChartTest {
    static final String NAME = "rel-joblane-scaler";

    static Container container(Chart.Rendered rendered) {
        return rendered.one(Deployment.class, NAME)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
    }

    /** "group/resource" -> verbs, so the assertion reads like the list. */
    static Map<String, TreeSet<String>> grants(List<PolicyRule> rules) {
        Map<String, TreeSet<String>> out = new TreeMap<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    out.computeIfAbsent(group + "/" + resource, k -> new TreeSet<>())
                            .addAll(rule.getVerbs());
                }
            }
        }
        return out;
    }

    @Test
    void clusterRoleIsExactlyWhatTheScalerUses() {
        ClusterRole role = Chart.chart().render().one(ClusterRole.class, NAME);

        assertThat(grants(role.getRules()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "/nodes", new TreeSet<>(List.of("get", "list", "watch", "patch", "update")),
                        "/pods", new TreeSet<>(List.of("get", "list", "watch")),
                        "apps/daemonsets", new TreeSet<>(List.of("list", "watch")),
                        "/persistentvolumeclaims", new TreeSet<>(List.of("list", "watch")),
                        "/persistentvolumes", new TreeSet<>(List.of("list", "watch")),
                        "/events", new TreeSet<>(List.of("create", "patch"))));
    }

    @Test
    void leaseStatusAndLanesConfigMapsOnlyInItsNamespace() {
        Chart.Rendered rendered = Chart.chart().render();
        Role role = rendered.one(Role.class, NAME);

        assertThat(role.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
        assertThat(grants(role.getRules())).containsOnlyKeys("coordination.k8s.io/leases", "/configmaps");
        assertThat(role.getRules())
                .filteredOn(r ->
                        r.getResources().contains("leases") && !r.getVerbs().contains("create"))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.getResourceNames()).containsExactly(NAME);
                    assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "update", "patch");
                });
        assertThat(role.getRules())
                .filteredOn(r ->
                        r.getResources().contains("configmaps") && !r.getVerbs().contains("create"))
                .singleElement()
                .satisfies(r -> assertThat(r.getResourceNames())
                        .containsExactly("rel-joblane-scaler-status", WellKnown.LANES_CONFIGMAP));
        assertThat(container(rendered).getArgs())
                .contains(
                        "--lease-name=" + NAME,
                        "--lease-namespace=" + Chart.NAMESPACE,
                        "--status-configmap=rel-joblane-scaler-status");
    }

    @Test
    void twoReplicasWithLeaderElectionProbesAndPdb() {
        Chart.Rendered rendered = Chart.chart().render();
        Deployment deployment = rendered.one(Deployment.class, NAME);
        Container container = container(rendered);

        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(container.getArgs())
                .startsWith("run")
                .contains("--config=/etc/joblane/config.yaml")
                .doesNotContain("--dry-run");
        assertThat(container.getEnv())
                .extracting(EnvVar::getName)
                .contains("POD_NAME", "POD_NAMESPACE")
                .doesNotContain("AWS_REGION");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(rendered.one(PodDisruptionBudget.class, NAME)
                        .getSpec()
                        .getSelector()
                        .getMatchLabels())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void irsaAnnotationAndRegionWhenSet() {
        Chart.Rendered rendered = Chart.chart().values("aws-irsa").render();

        assertThat(rendered.one(ServiceAccount.class, NAME).getMetadata().getAnnotations())
                .containsEntry("eks.amazonaws.com/role-arn", "arn:aws:iam::111122223333:role/joblane-scaler");
        assertThat(container(rendered).getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("AWS_REGION");
            assertThat(e.getValue()).isEqualTo("eu-west-1");
        });
        assertThat(rendered.one(Deployment.class, NAME)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getServiceAccountName())
                .isEqualTo(NAME);
    }

    @Test
    void noAnnotationsOnTheServiceAccountByDefault() {
        assertThat(Chart.chart()
                        .render()
                        .one(ServiceAccount.class, NAME)
                        .getMetadata()
                        .getAnnotations())
                .isNullOrEmpty();
    }

    @Test
    void dryRunSwitch() {
        Chart.Rendered rendered = Chart.chart().set("scaler.dryRun", true).render();
        assertThat(container(rendered).getArgs()).contains("--dry-run");
    }

    @Test
    void scalerCanBeLeftOut() {
        Chart.Rendered rendered = Chart.chart().set("scaler.enabled", false).render();
        assertThat(rendered.names()).noneMatch(n -> n.contains("scaler"));
    }
}
