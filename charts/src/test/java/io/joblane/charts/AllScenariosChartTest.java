package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Properties every render must have, whatever the scenario and Kubernetes version. */
class AllScenariosChartTest {

    static Stream<Arguments> renders() {
        List<Arguments> out = new ArrayList<>();
        for (String kube : List.of("1.28.0", "1.31.0")) {
            out.add(Arguments.of("defaults", kube));
            for (Path scenario : Chart.scenarios()) {
                String name = scenario.getFileName().toString().replace("-values.yaml", "");
                out.add(Arguments.of(name, kube));
            }
        }
        return out.stream();
    }

    static Chart.Rendered render(String scenario, String kube) {
        Chart chart = Chart.chart().kube(kube);
        if (!scenario.equals("defaults")) {
            chart.values(scenario);
        }
        return chart.render();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("renders")
    void everyDocumentIsAKnownKindWithOnlyKnownFields(String scenario, String kube) {
        Chart.Rendered rendered = render(scenario, kube);

        assertThat(rendered.objects()).isNotEmpty();
        for (HasMetadata object : rendered.objects()) {
            assertThat(object.getMetadata().getName())
                    .as("name of %s", object.getKind())
                    .isNotBlank();
            assertThat(object.getMetadata().getName().length())
                    .as(object.getMetadata().getName())
                    .isLessThanOrEqualTo(63);
            assertThat(object.getMetadata().getLabels())
                    .as("labels of %s", object.getMetadata().getName())
                    .containsEntry("app.kubernetes.io/instance", Chart.RELEASE)
                    .containsEntry("app.kubernetes.io/managed-by", "Helm");
        }
        // Injected, never templated, in every mode: GitOps tools then show no drift.
        assertThat(rendered.only(MutatingWebhookConfiguration.class).getWebhooks())
                .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isNull());
    }

    /** Guards against GitOps drift: no random or time-dependent value in any template. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("renders")
    void renderIsDeterministic(String scenario, String kube) {
        Chart chart = Chart.chart().kube(kube);
        if (!scenario.equals("defaults")) {
            chart.values(scenario);
        }
        assertThat(chart.template()).isEqualTo(chart.template());
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("renders")
    void rbacHasNoWildcards(String scenario, String kube) {
        Chart.Rendered rendered = render(scenario, kube);
        List<PolicyRule> rules = new ArrayList<>();
        rendered.all(ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));
        rendered.all(Role.class).forEach(r -> rules.addAll(r.getRules()));

        assertThat(rules).isNotEmpty();
        for (PolicyRule rule : rules) {
            assertThat(rule.getVerbs()).as("%s", rule).isNotEmpty().doesNotContain("*");
            assertThat(rule.getResources())
                    .as("%s", rule)
                    .isNotEmpty()
                    .doesNotContain("*")
                    .allSatisfy(r -> assertThat(r).doesNotContain("*"));
            assertThat(rule.getApiGroups()).as("%s", rule).doesNotContain("*");
            assertThat(rule.getNonResourceURLs()).as("%s", rule).isNullOrEmpty();
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("renders")
    void joblaneContainersAreRestricted(String scenario, String kube) {
        Chart.Rendered rendered = render(scenario, kube);
        List<PodSpec> pods = new ArrayList<>();
        rendered.all(Deployment.class)
                .forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));
        rendered.all(Job.class).forEach(j -> pods.add(j.getSpec().getTemplate().getSpec()));
        rendered.all(CronJob.class)
                .forEach(c -> pods.add(
                        c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec()));

        assertThat(pods).isNotEmpty();
        for (PodSpec pod : pods) {
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getAffinity()
                            .getNodeAffinity()
                            .getRequiredDuringSchedulingIgnoredDuringExecution()
                            .getNodeSelectorTerms())
                    .singleElement()
                    .satisfies(term -> assertThat(term.getMatchExpressions()).anySatisfy(e -> {
                        assertThat(e.getKey()).isEqualTo(io.joblane.model.WellKnown.NODE_GROUP_LABEL);
                        assertThat(e.getOperator()).isEqualTo("DoesNotExist");
                    }));
            for (Container container : pod.getContainers()) {
                var sc = container.getSecurityContext();
                assertThat(sc.getRunAsNonRoot()).as(container.getName()).isTrue();
                assertThat(sc.getReadOnlyRootFilesystem())
                        .as(container.getName())
                        .isTrue();
                assertThat(sc.getAllowPrivilegeEscalation())
                        .as(container.getName())
                        .isFalse();
                assertThat(sc.getCapabilities().getDrop())
                        .as(container.getName())
                        .containsExactly("ALL");
                assertThat(sc.getCapabilities().getAdd())
                        .as(container.getName())
                        .isNullOrEmpty();
                assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
                assertThat(container.getResources().getRequests())
                        .as(container.getName())
                        .containsKeys("cpu", "memory");
                assertThat(container.getResources().getLimits())
                        .as(container.getName())
                        .containsKey("memory");
                assertThat(container.getImage())
                        .as(container.getName())
                        .doesNotEndWith(":")
                        .doesNotEndWith(":latest");
            }
        }
    }

    @Test
    void aLongReleaseNameKeepsEverySuffix() {
        String release = "a-release-name-at-helms-limit-of-fifty-three-chars-xy";
        Chart.Rendered rendered =
                Chart.chart().release(release).values("packing-scheduler").render();

        for (HasMetadata object : rendered.objects()) {
            assertThat(object.getMetadata().getName().length())
                    .as(object.getMetadata().getName())
                    .isLessThanOrEqualTo(63);
        }
        assertThat(rendered.names())
                .anyMatch(n -> n.startsWith("Deployment/") && n.endsWith("-webhook"))
                .anyMatch(n -> n.startsWith("Deployment/") && n.endsWith("-scaler"))
                .anyMatch(n -> n.startsWith("Deployment/") && n.endsWith("-packing-scheduler"))
                .anyMatch(n -> n.startsWith("ConfigMap/") && n.endsWith("-config"));
    }

    @Test
    void theStrictParserRejectsAFieldTheModelDoesNotKnow() {
        String doc = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  template:
                    spec:
                      containers:
                        - name: c
                          readinessProbe: {httpGett: {path: /readyz}}
                """;
        assertThatThrownBy(() -> Manifests.parseAll(doc)).hasMessageContaining("httpGett");
    }
}
