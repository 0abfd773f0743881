package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every name one rendered object uses to point at another resolves: ServiceAccounts, RBAC roles and subjects,
 * ConfigMap and Secret volumes, Service selectors and target ports. A dangling reference only fails in a cluster.
 */
class ReferencesChartTest {
    /** Objects that exist in a cluster without the chart (built-in roles) or that another tool creates. */
    static final Set<String> EXTERNAL_ROLES =
            Set.of("system:kube-scheduler", "system:volume-scheduler", "extension-apiserver-authentication-reader");

    static Stream<Path> scenarios() {
        return Chart.scenarios().stream();
    }

    static List<PodTemplateSpec> templates(Chart.Rendered rendered) {
        List<PodTemplateSpec> out = new ArrayList<>();
        rendered.all(Deployment.class).forEach(d -> out.add(d.getSpec().getTemplate()));
        rendered.all(Job.class).forEach(j -> out.add(j.getSpec().getTemplate()));
        rendered.all(CronJob.class)
                .forEach(c -> out.add(c.getSpec().getJobTemplate().getSpec().getTemplate()));
        return out;
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyReferenceResolves(Path scenario) {
        Chart.Rendered rendered = Chart.chart().values(scenario).render();

        for (PodTemplateSpec template : templates(rendered)) {
            String sa = template.getSpec().getServiceAccountName();
            assertThat(rendered.has("ServiceAccount", sa))
                    .as("ServiceAccount %s", sa)
                    .isTrue();
            for (Volume volume : template.getSpec().getVolumes() == null
                    ? List.<Volume>of()
                    : template.getSpec().getVolumes()) {
                if (volume.getConfigMap() != null) {
                    assertThat(rendered.has("ConfigMap", volume.getConfigMap().getName()))
                            .as("ConfigMap %s", volume.getConfigMap().getName())
                            .isTrue();
                }
                if (volume.getSecret() != null) {
                    String secret = volume.getSecret().getSecretName();
                    boolean made = rendered.has("Secret", secret)
                            || rendered.ofKind("Certificate").stream()
                                    .anyMatch(c -> secret.equals(
                                            ((io.fabric8.kubernetes.api.model.GenericKubernetesResource) c)
                                                    .get("spec", "secretName")))
                            || rendered.all(Job.class).stream()
                                    .anyMatch(j -> j.getSpec()
                                            .getTemplate()
                                            .getSpec()
                                            .getContainers()
                                            .get(0)
                                            .getArgs()
                                            .contains("--secret-name=" + secret));
                    assertThat(made)
                            .as("Secret %s is created or at least read by a hook Job", secret)
                            .isTrue();
                }
            }
        }
        for (RoleBinding binding : rendered.all(RoleBinding.class)) {
            String role = binding.getRoleRef().getName();
            assertThat(rendered.has(binding.getRoleRef().getKind(), role) || EXTERNAL_ROLES.contains(role))
                    .as("%s of RoleBinding %s", role, binding.getMetadata().getName())
                    .isTrue();
            assertSubjects(rendered, binding.getSubjects());
        }
        for (ClusterRoleBinding binding : rendered.all(ClusterRoleBinding.class)) {
            String role = binding.getRoleRef().getName();
            assertThat(rendered.has("ClusterRole", role) || EXTERNAL_ROLES.contains(role))
                    .as(
                            "%s of ClusterRoleBinding %s",
                            role, binding.getMetadata().getName())
                    .isTrue();
            assertSubjects(rendered, binding.getSubjects());
        }
        for (Service service : rendered.all(Service.class)) {
            List<PodTemplateSpec> selected = rendered.all(Deployment.class).stream()
                    .map(d -> d.getSpec().getTemplate())
                    .filter(t -> t.getMetadata()
                            .getLabels()
                            .entrySet()
                            .containsAll(service.getSpec().getSelector().entrySet()))
                    .toList();
            assertThat(selected)
                    .as("pods of Service %s", service.getMetadata().getName())
                    .hasSize(1);
            for (var port : service.getSpec().getPorts()) {
                assertThat(selected.get(0).getSpec().getContainers().get(0).getPorts())
                        .as(
                                "target port %s of %s",
                                port.getTargetPort(), service.getMetadata().getName())
                        .anySatisfy(p -> assertThat(p.getName())
                                .isEqualTo(port.getTargetPort().getStrVal()));
            }
        }
        for (Deployment deployment : rendered.all(Deployment.class)) {
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        }
        ConfigMap config = rendered.one(ConfigMap.class, "rel-joblane-config");
        assertThat(config).isNotNull();
    }

    static void assertSubjects(Chart.Rendered rendered, List<Subject> subjects) {
        for (Subject subject : subjects) {
            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
            assertThat(subject.getNamespace()).isEqualTo(Chart.NAMESPACE);
            HasMetadata sa = rendered.one(ServiceAccount.class, subject.getName());
            assertThat(sa.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
        }
    }
}
