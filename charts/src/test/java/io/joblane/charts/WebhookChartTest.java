package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.joblane.model.WellKnown;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The webhook's Deployment, Service, RBAC and MutatingWebhookConfiguration. */
class WebhookChartTest {
    static final String NAME = "rel-joblane-webhook";

    static MutatingWebhook webhook(Chart.Rendered rendered) {
        return rendered.only(MutatingWebhookConfiguration.class).getWebhooks().get(0);
    }

    @Test
    void webhookConfigurationIsNarrowAndSafe() {
        Chart.Rendered rendered = Chart.chart().render();
        MutatingWebhookConfiguration configuration = rendered.only(MutatingWebhookConfiguration.class);
        assertThat(configuration.getWebhooks()).hasSize(1);
        MutatingWebhook webhook = configuration.getWebhooks().get(0);

        assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1");
        assertThat(webhook.getSideEffects()).isEqualTo("None");
        assertThat(webhook.getTimeoutSeconds()).isEqualTo(5);
        assertThat(webhook.getReinvocationPolicy()).isEqualTo("IfNeeded");
        assertThat(webhook.getFailurePolicy())
                .as("no caBundle yet: Ignore until the patch Job")
                .isEqualTo("Ignore");
        assertThat(webhook.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getOperations()).containsExactly("CREATE");
            assertThat(rule.getResources()).containsExactly("pods");
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getApiVersions()).containsExactly("v1");
        });
        assertThat(webhook.getClientConfig().getService().getName()).isEqualTo(NAME);
        assertThat(webhook.getClientConfig().getService().getNamespace()).isEqualTo(Chart.NAMESPACE);
        assertThat(webhook.getClientConfig().getService().getPath()).isEqualTo("/mutate");
        assertThat(webhook.getClientConfig().getService().getPort()).isEqualTo(443);
        // Injected, never templated: a templated caBundle would show as drift in GitOps tools.
        assertThat(webhook.getClientConfig().getCaBundle()).isNull();
    }

    @Test
    void namespaceSelectorRequiresOptInAndNeverMatchesSystemOrOwnNamespace() {
        List<LabelSelectorRequirement> expressions =
                webhook(Chart.chart().render()).getNamespaceSelector().getMatchExpressions();

        assertThat(expressions).anySatisfy(e -> {
            assertThat(e.getKey()).isEqualTo(WellKnown.NAMESPACE_INJECT_LABEL);
            assertThat(e.getOperator()).isEqualTo("In");
            assertThat(e.getValues()).containsExactly(WellKnown.INJECT_ENABLED);
        });
        assertThat(expressions).anySatisfy(e -> {
            assertThat(e.getKey()).isEqualTo("kubernetes.io/metadata.name");
            assertThat(e.getOperator()).isEqualTo("NotIn");
            assertThat(e.getValues()).containsExactlyInAnyOrder("kube-system", Chart.NAMESPACE);
        });
    }

    // Regression: the configuration was live with Fail before the patch Job put the CA in, so a reinstall into
    // labelled namespaces refused Job pods, and a failed patch Job left them refused.
    @ParameterizedTest
    @ValueSource(strings = {"hook", "provided"})
    void failurePolicyStartsAtIgnoreAndThePatchJobSetsTheConfiguredOneWithTheCa(String mode) {
        Chart chart = Chart.chart().set("certificates.mode", mode).set("webhook.failurePolicy", "Fail");
        if (mode.equals("provided")) {
            chart.set("certificates.provided.existingSecret", "mine");
        }
        Chart.Rendered rendered = chart.render();

        assertThat(webhook(rendered).getFailurePolicy()).isEqualTo("Ignore");
        assertThat(rendered.one(io.fabric8.kubernetes.api.model.batch.v1.Job.class, "rel-joblane-certs-patch")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getArgs())
                .contains("patch", "--failure-policy=Fail");
    }

    @Test
    void certManagerInjectsOnlyTheCaSoItsModeRendersTheConfiguredPolicy() {
        MutatingWebhook webhook = webhook(Chart.chart()
                .set("certificates.mode", "certManager")
                .set("webhook.timeoutSeconds", 3)
                .render());
        assertThat(webhook.getFailurePolicy()).isEqualTo("Fail");
        assertThat(webhook.getTimeoutSeconds()).isEqualTo(3);
    }

    // Regression: matchConditions rendered only from 1.30 although on by default from 1.28, and `helm template`
    // without a version silently dropped them.
    @ParameterizedTest
    @ValueSource(strings = {"1.28.0", "1.29.9", "1.30.0", "1.31.2", "v1.33.1-eks-1234"})
    void matchConditionsOnKubernetesWhereTheyAreOnByDefault(String kube) {
        List<MatchCondition> conditions =
                webhook(Chart.chart().kube(kube).render()).getMatchConditions();

        assertThat(conditions).extracting(MatchCondition::getName).containsExactly("job-pods-only", "not-opted-out");
        assertThat(conditions.get(0).getExpression())
                .contains("has(object.metadata.ownerReferences)")
                .contains("r.kind == 'Job'")
                .contains("'" + WellKnown.JOB_NAME_LABEL + "' in object.metadata.labels")
                .contains("'" + WellKnown.LEGACY_JOB_NAME_LABEL + "' in object.metadata.labels");
        assertThat(conditions.get(1).getExpression()).contains("'" + WellKnown.POD_INJECT_ANNOTATION + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.25.0", "1.27.5"})
    void noMatchConditionsBeforeKubernetes128(String kube) {
        assertThat(webhook(Chart.chart().kube(kube).render()).getMatchConditions())
                .isNullOrEmpty();
    }

    @Test
    void kubeVersionValueDecidesWhenHelmOnlyAssumesOne() {
        assertThat(webhook(Chart.chart().kube("1.25.0").render()).getMatchConditions())
                .isNullOrEmpty();
        assertThat(webhook(Chart.chart()
                                .kube("1.25.0")
                                .set("kubeVersion", "1.31.0")
                                .render())
                        .getMatchConditions())
                .hasSize(2);
    }

    @Test
    void webhookRunsAtSystemClusterCriticalPriorityByDefault() {
        assertThat(Chart.chart()
                        .render()
                        .one(Deployment.class, NAME)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getPriorityClassName())
                .isEqualTo("system-cluster-critical");
    }

    // Regression: with hostNetwork the health and metrics port listened on 0.0.0.0, every address of the node.
    @Test
    void inTheHostNetworkBothPortsBindThePodIpOnly() {
        Container container = Chart.chart()
                .set("webhook.hostNetwork", true)
                .render()
                .one(Deployment.class, NAME)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);

        assertThat(container.getArgs()).contains("--host=$(POD_IP)");
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("POD_IP");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
        });
        assertThat(Chart.chart()
                        .render()
                        .one(Deployment.class, NAME)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getArgs())
                .noneMatch(a -> a.startsWith("--host="));
    }

    @Test
    void optionalNetworkPolicyAdmitsTheApiServerOnTheHttpsPortAndScrapersOnTheHealthPort() {
        assertThat(Chart.chart().render().all(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class))
                .isEmpty();
        var policy = Chart.chart()
                .set("webhook.networkPolicy.enabled", true)
                .set("webhook.networkPolicy.apiServerCidrs[0]", "10.0.0.0/16")
                .set("webhook.networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.team", "monitoring")
                .render()
                .only(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);

        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getIngress()).hasSize(2);
        assertThat(policy.getSpec()
                        .getIngress()
                        .get(0)
                        .getPorts()
                        .get(0)
                        .getPort()
                        .getStrVal())
                .isEqualTo("https");
        assertThat(policy.getSpec()
                        .getIngress()
                        .get(0)
                        .getFrom()
                        .get(0)
                        .getIpBlock()
                        .getCidr())
                .isEqualTo("10.0.0.0/16");
        assertThat(policy.getSpec()
                        .getIngress()
                        .get(1)
                        .getPorts()
                        .get(0)
                        .getPort()
                        .getStrVal())
                .isEqualTo("health");
        assertThat(policy.getSpec()
                        .getIngress()
                        .get(1)
                        .getFrom()
                        .get(0)
                        .getNamespaceSelector()
                        .getMatchLabels())
                .containsEntry("team", "monitoring");
    }

    @Test
    void matchConditionsCanBeTurnedOff() {
        assertThat(webhook(Chart.chart().set("webhook.matchConditions", false).render())
                        .getMatchConditions())
                .isNullOrEmpty();
    }

    /** Guards against the prefilter hiding pods that the webhook's configured extra rules would steer. */
    @Test
    void matchConditionsAdmitConfiguredExtraOwnersAndLabels() {
        String expression = webhook(Chart.chart().values("packing-scheduler").render())
                .getMatchConditions()
                .get(0)
                .getExpression();

        assertThat(expression)
                .contains("r.kind == 'Job'")
                .contains("r.kind == 'Workflow'")
                .contains("'spark-role' in object.metadata.labels")
                .contains("'batch.kubernetes.io/job-name' in object.metadata.labels");
    }

    @Test
    void deploymentIsHighlyAvailableAndProbed() {
        Chart.Rendered rendered = Chart.chart().render();
        Deployment deployment = rendered.one(Deployment.class, NAME);
        var pod = deployment.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);

        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("health");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("health");
        assertThat(container.getPorts())
                .anySatisfy(p -> {
                    assertThat(p.getName()).isEqualTo("health");
                    assertThat(p.getContainerPort()).isEqualTo(8080);
                })
                .anySatisfy(p -> {
                    assertThat(p.getName()).isEqualTo("https");
                    assertThat(p.getContainerPort()).isEqualTo(8443);
                });
        assertThat(pod.getTopologySpreadConstraints())
                .extracting(TopologySpreadConstraint::getTopologyKey)
                .containsExactly("kubernetes.io/hostname", "topology.kubernetes.io/zone");
        assertThat(pod.getTopologySpreadConstraints())
                .allSatisfy(t -> assertThat(t.getLabelSelector().getMatchLabels())
                        .containsEntry("app.kubernetes.io/component", "webhook")
                        .containsEntry("app.kubernetes.io/instance", Chart.RELEASE));
        assertThat(pod.getServiceAccountName()).isEqualTo(NAME);
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/etc/joblane");
            assertThat(m.getSubPath())
                    .as("subPath mounts never see ConfigMap updates")
                    .isNull();
        });
        assertThat(pod.getVolumes())
                .anySatisfy(v -> assertThat(v.getConfigMap().getName()).isEqualTo("rel-joblane-config"));

        PodDisruptionBudget pdb = rendered.one(PodDisruptionBudget.class, NAME);
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getUnhealthyPodEvictionPolicy()).isEqualTo("AlwaysAllow");
        assertThat(pdb.getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void serviceTargetsTheWebhookPods() {
        Chart.Rendered rendered = Chart.chart().render();
        Service service = rendered.one(Service.class, NAME);
        Deployment deployment = rendered.one(Deployment.class, NAME);

        assertThat(service.getSpec().getSelector())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(service.getSpec().getPorts()).anySatisfy(p -> {
            assertThat(p.getPort()).isEqualTo(443);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("https");
        });
    }

    @Test
    void webhookMayOnlyReadNamespaces() {
        Chart.Rendered rendered = Chart.chart().render();
        ClusterRole role = rendered.one(ClusterRole.class, NAME);

        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("namespaces");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
        });
        ClusterRoleBinding binding = rendered.one(ClusterRoleBinding.class, NAME);
        assertThat(binding.getRoleRef().getName()).isEqualTo(NAME);
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo(NAME);
            assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
        });
    }

    @Test
    void preDeleteHookRemovesTheWebhookConfiguration() {
        Chart.Rendered rendered = Chart.chart().render();
        String configuration =
                rendered.only(MutatingWebhookConfiguration.class).getMetadata().getName();
        var job = rendered.one(io.fabric8.kubernetes.api.model.batch.v1.Job.class, "rel-joblane-cleanup");

        assertThat(job.getMetadata().getAnnotations())
                .containsEntry("helm.sh/hook", "pre-delete")
                .containsEntry("helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded");
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
                .containsSubsequence("delete", "mutatingwebhookconfiguration", configuration);
        ClusterRole role = rendered.one(ClusterRole.class, "rel-joblane-cleanup");
        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getResourceNames()).containsExactly(configuration);
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "delete");
        });
        for (HasMetadata object : rendered.objects()) {
            if (object.getMetadata().getName().equals("rel-joblane-cleanup")) {
                assertThat(object.getMetadata().getAnnotations())
                        .as(object.getKind())
                        .containsEntry("helm.sh/hook", "pre-delete");
            }
        }
        assertThat(Chart.chart().set("cleanup.enabled", false).render().has("Job", "rel-joblane-cleanup"))
                .isFalse();
    }

    @Test
    void userAffinityAddsToTheNodeAffinityThatKeepsOffJobNodes() {
        Deployment deployment = Chart.chart()
                .set("webhook.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight", 50)
                .set(
                        "webhook.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey",
                        "kubernetes.io/hostname")
                .render()
                .one(Deployment.class, NAME);
        var affinity = deployment.getSpec().getTemplate().getSpec().getAffinity();

        assertThat(affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
                .hasSize(1);
        assertThat(affinity.getNodeAffinity()
                        .getRequiredDuringSchedulingIgnoredDuringExecution()
                        .getNodeSelectorTerms()
                        .get(0)
                        .getMatchExpressions()
                        .get(0)
                        .getOperator())
                .isEqualTo("DoesNotExist");
    }

    @Test
    void hostNetworkForClustersWhoseApiServerCannotReachPods() {
        var pod = Chart.chart()
                .set("webhook.hostNetwork", true)
                .render()
                .one(Deployment.class, NAME)
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
        assertThat(Chart.chart()
                        .render()
                        .one(Deployment.class, NAME)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getHostNetwork())
                .isNull();
    }

    /** Guards against pods refused during rollouts: the endpoint must be removed before the server stops. */
    @Test
    void stoppingPodsKeepServingBrieflyWhereTheKubeletCanSleep() {
        Container on131 = Chart.chart()
                .render()
                .one(Deployment.class, NAME)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        assertThat(on131.getLifecycle().getPreStop().getSleep().getSeconds()).isEqualTo(5L);
        assertThat(on131.getLifecycle().getPreStop().getExec())
                .as("the distroless image has no shell")
                .isNull();
        assertThat(Chart.chart()
                        .kube("1.29.0")
                        .render()
                        .one(Deployment.class, NAME)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getLifecycle())
                .isNull();
        assertThat(Chart.chart()
                        .render()
                        .one(Deployment.class, NAME)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getTerminationGracePeriodSeconds())
                .isEqualTo(35L);
    }
}
