package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.joblane.model.WellKnown;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Lanes: on by default, both processes told, the webhook may read exactly the one ConfigMap; off turns it all off. */
class LanesChartTest {
    private static final String WEBHOOK = "rel-joblane-webhook";
    private static final String WEBHOOK_LANES = WEBHOOK + "-lanes";

    private static Container webhook(Chart.Rendered rendered) {
        return rendered.one(Deployment.class, WEBHOOK)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
    }

    @Test
    void onByDefaultTheWebhookReadsOnlyTheLanesConfigMapOfTheReleaseNamespace() {
        Chart.Rendered rendered = Chart.chart().render();
        assertThat(webhook(rendered).getArgs()).contains("--lanes-namespace=" + Chart.NAMESPACE);
        assertThat(ScalerChartTest.container(rendered).getArgs()).contains("--lanes=true");

        Role role = rendered.one(Role.class, WEBHOOK_LANES);
        assertThat(role.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
        assertThat(ScalerChartTest.grants(role.getRules()))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("/configmaps", new TreeSet<>(List.of("get", "list", "watch"))));
        assertThat(role.getRules())
                .singleElement()
                .satisfies(r -> assertThat(r.getResourceNames()).containsExactly(WellKnown.LANES_CONFIGMAP));
        RoleBinding binding = rendered.one(RoleBinding.class, WEBHOOK_LANES);
        assertThat(binding.getRoleRef().getName()).isEqualTo(WEBHOOK_LANES);
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo(WEBHOOK);
            assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
        });
    }

    @Test
    void offLeavesTheWebhookWithoutTheFlagOrTheRoleAndTheScalerWithoutTheConfigMap() {
        Chart.Rendered rendered = Chart.chart().set("lanes.enabled", false).render();
        assertThat(webhook(rendered).getArgs()).noneMatch(a -> a.startsWith("--lanes"));
        assertThat(ScalerChartTest.container(rendered).getArgs()).contains("--lanes=false");
        assertThat(rendered.names()).doesNotContain("Role/" + WEBHOOK_LANES, "RoleBinding/" + WEBHOOK_LANES);
        assertThat(rendered.one(Role.class, ScalerChartTest.NAME).getRules())
                .filteredOn(r ->
                        r.getResources().contains("configmaps") && !r.getVerbs().contains("create"))
                .singleElement()
                .satisfies(r -> assertThat(r.getResourceNames()).containsExactly("rel-joblane-scaler-status"));
    }

    @Test
    void aValueThatIsNotABooleanOrAnUnknownKeyIsRefused() {
        assertThatThrownBy(() -> Chart.chart().set("lanes.enabled", "yes").template())
                .hasMessageContaining("lanes");
        assertThatThrownBy(() -> Chart.chart().set("lanes.weight", 3).template())
                .hasMessageContaining("weight");
    }
}
