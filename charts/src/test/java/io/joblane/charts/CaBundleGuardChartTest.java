package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.CelAbstractSyntaxTree;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The ValidatingAdmissionPolicy that lets the certificate Jobs' ServiceAccounts change only caBundle and
 * failurePolicy of the chart's webhook configuration (RBAC cannot grant one field), its CEL evaluated with cel-java on
 * the configuration the chart renders. Guards against a leaked rotate token rewriting where pod creations are sent.
 */
class CaBundleGuardChartTest {
    private static final String ROTATE_SA = "system:serviceaccount:joblane:rel-joblane-certs";

    @SuppressWarnings("unchecked")
    private static Map<String, Object> plain(Object fabric8) throws Exception {
        return Manifests.PLAIN.readValue(Serialization.asJson(fabric8), Map.class);
    }

    private static boolean allowed(
            ValidatingAdmissionPolicy policy, Map<String, Object> oldObject, Map<String, Object> object, String user)
            throws Exception {
        Map<String, Object> vars = Map.of(
                "object", object, "oldObject", oldObject, "request", Map.of("userInfo", Map.of("username", user)));
        for (var condition : policy.getSpec().getMatchConditions()) {
            if (!Boolean.TRUE.equals(eval(condition.getExpression(), vars))) {
                return true; // the policy does not apply to this user
            }
        }
        for (Validation validation : policy.getSpec().getValidations()) {
            if (!Boolean.TRUE.equals(eval(validation.getExpression(), vars))) {
                return false;
            }
        }
        return true;
    }

    private static Object eval(String expression, Map<String, Object> vars) throws Exception {
        CelAbstractSyntaxTree ast =
                MatchConditionsChartTest.COMPILER.compile(expression).getAst();
        return MatchConditionsChartTest.RUNTIME.createProgram(ast).eval(vars);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> changed(Map<String, Object> original, Consumer<Map<String, Object>> change)
            throws Exception {
        Map<String, Object> copy = Manifests.PLAIN.readValue(Manifests.PLAIN.writeValueAsString(original), Map.class);
        change.accept(copy);
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> entry(Map<String, Object> configuration) {
        return ((List<Map<String, Object>>) configuration.get("webhooks")).get(0);
    }

    @SuppressWarnings("unchecked")
    @Test
    void certificateJobsMayChangeOnlyCaBundleAndFailurePolicy() throws Exception {
        Chart.Rendered rendered = Chart.chart().render();
        ValidatingAdmissionPolicy policy = rendered.only(ValidatingAdmissionPolicy.class);
        ValidatingAdmissionPolicyBinding binding = rendered.only(ValidatingAdmissionPolicyBinding.class);
        Map<String, Object> old = plain(rendered.only(MutatingWebhookConfiguration.class));

        assertThat(binding.getSpec().getPolicyName())
                .isEqualTo(policy.getMetadata().getName());
        assertThat(binding.getSpec().getValidationActions()).containsExactly("Deny");
        assertThat(policy.getSpec()
                        .getMatchConstraints()
                        .getResourceRules()
                        .get(0)
                        .getResourceNames())
                .containsExactly("rel-joblane-webhook");
        Map<String, Object> patched = changed(old, c -> {
            ((Map<String, Object>) entry(c).get("clientConfig")).put("caBundle", "Y2E=");
            entry(c).put("failurePolicy", "Fail");
        });
        assertThat(allowed(policy, old, patched, ROTATE_SA)).isTrue();
        assertThat(allowed(policy, old, patched, "system:serviceaccount:joblane:rel-joblane-certs-hook"))
                .isTrue();

        List<Map<String, Object>> forbidden = new ArrayList<>();
        forbidden.add(changed(
                patched,
                c -> ((Map<String, Object>) ((Map<String, Object>) entry(c).get("clientConfig")).get("service"))
                        .put("name", "attacker")));
        forbidden.add(changed(patched, c -> entry(c).put("rules", List.of())));
        forbidden.add(changed(patched, c -> entry(c).put("objectSelector", Map.of("matchLabels", Map.of("x", "y")))));
        forbidden.add(changed(patched, c -> entry(c).remove("namespaceSelector")));
        forbidden.add(changed(patched, c -> ((List<Object>) c.get("webhooks")).add(new LinkedHashMap<>(entry(c)))));
        forbidden.add(changed(
                patched, c -> ((Map<String, Object>) c.get("metadata")).put("annotations", Map.of("a", "b"))));
        for (Map<String, Object> change : forbidden) {
            assertThat(allowed(policy, old, change, ROTATE_SA))
                    .as(change.toString())
                    .isFalse();
            assertThat(allowed(policy, old, change, "kubernetes-admin"))
                    .as("others are not this policy's business")
                    .isTrue();
        }
    }

    @Test
    void onlyWhereValidatingAdmissionPolicyIsGaAndACertificateJobWrites() {
        assertThat(Chart.chart().kube("1.29.5").render().all(ValidatingAdmissionPolicy.class))
                .isEmpty();
        assertThat(Chart.chart()
                        .set("certificates.mode", "certManager")
                        .render()
                        .all(ValidatingAdmissionPolicy.class))
                .isEmpty();
    }
}
