package io.joblane.charts;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Parses `helm template` output into fabric8 model objects, rejecting any field the model does not know.
 * fabric8 classes collect unknown fields in an any-setter map; the modifier below removes that map so
 * FAIL_ON_UNKNOWN_PROPERTIES applies, and a typo such as `readinessProbe.httpGett` fails the test.
 * Kinds without a fabric8 model (Prometheus Operator, cert-manager) are read as GenericKubernetesResource.
 */
final class Manifests {
    static final Map<String, Class<? extends HasMetadata>> TYPED = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Namespace", io.fabric8.kubernetes.api.model.Namespace.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("batch/v1/Job", Job.class),
            Map.entry("batch/v1/CronJob", CronJob.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
            Map.entry(
                    "networking.k8s.io/v1/NetworkPolicy",
                    io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
            Map.entry(
                    "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy",
                    io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy.class),
            Map.entry(
                    "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding",
                    io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding.class),
            Map.entry(
                    "admissionregistration.k8s.io/v1/MutatingWebhookConfiguration",
                    MutatingWebhookConfiguration.class));

    /** Custom resources the chart may render; no fabric8 model exists for them in kubernetes-model. */
    static final List<String> GENERIC = List.of(
            "monitoring.coreos.com/v1/ServiceMonitor",
            "monitoring.coreos.com/v1/PrometheusRule",
            "cert-manager.io/v1/Issuer",
            "cert-manager.io/v1/Certificate");

    static final YAMLMapper STRICT = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new SimpleModule("strict-fabric8").setDeserializerModifier(new ValueDeserializerModifier() {
                @Override
                public BeanDeserializerBuilder updateBuilder(
                        DeserializationConfig config,
                        BeanDescription.Supplier description,
                        BeanDeserializerBuilder builder) {
                    Class<?> type = description.getBeanClass();
                    if (type.getName().startsWith("io.fabric8.") && type != GenericKubernetesResource.class) {
                        builder.setAnySetter(null);
                    }
                    return builder;
                }
            }))
            .build();

    static final YAMLMapper PLAIN = YAMLMapper.builder().build();

    private Manifests() {}

    /** Splits a multi-document stream and parses each non-empty document strictly by its apiVersion/kind. */
    static List<HasMetadata> parseAll(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            JsonNode node = PLAIN.readTree(doc);
            if (node == null || node.isNull() || node.isMissingNode() || node.isEmpty()) {
                continue;
            }
            out.add(parse(doc, node));
        }
        return out;
    }

    static HasMetadata parse(String doc, JsonNode node) {
        String key =
                node.path("apiVersion").asString() + "/" + node.path("kind").asString();
        Class<? extends HasMetadata> type = TYPED.get(key);
        if (type != null) {
            return STRICT.readValue(doc, type);
        }
        if (GENERIC.contains(key)) {
            return PLAIN.readValue(doc, GenericKubernetesResource.class);
        }
        throw new AssertionError("the chart rendered a kind the tests do not know: " + key);
    }
}
