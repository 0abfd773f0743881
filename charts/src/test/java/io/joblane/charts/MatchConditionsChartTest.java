package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Evaluates the rendered matchConditions with a real CEL implementation (cel-java) on realistic pods, the way
 * the API server does before calling the webhook. All conditions must be true for the call to happen; an
 * evaluation error would apply the failurePolicy (Fail: the pod is refused), so every pod shape must
 * evaluate cleanly, including pods with no labels, annotations or owners.
 */
class MatchConditionsChartTest {
    static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("object", SimpleType.DYN)
            .addVar("oldObject", SimpleType.DYN)
            .addVar("request", SimpleType.DYN)
            .build();
    static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().build();

    static List<MatchCondition> conditions(String scenario) {
        Chart chart = Chart.chart();
        if (!scenario.equals("defaults")) {
            chart.values(scenario);
        }
        return chart.render()
                .only(MutatingWebhookConfiguration.class)
                .getWebhooks()
                .get(0)
                .getMatchConditions();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> pod(String file) throws Exception {
        // The public captures live once in the project, in the webhook's test resources (with their SOURCE.md).
        Path path = file.startsWith("public:")
                ? Path.of(
                        "..",
                        "webhook",
                        "src",
                        "test",
                        "resources",
                        "admission",
                        "public",
                        file.substring("public:".length()))
                : Path.of("src", "test", "resources", "pods", file);
        Map<String, Object> json = Manifests.PLAIN.readValue(Files.readString(path), Map.class);
        Object request = json.get("request");
        return request instanceof Map<?, ?> r ? (Map<String, Object>) r.get("object") : json;
    }

    static boolean callsWebhook(List<MatchCondition> conditions, Map<String, Object> pod) throws Exception {
        boolean all = true;
        for (MatchCondition condition : conditions) {
            CelAbstractSyntaxTree ast =
                    COMPILER.compile(condition.getExpression()).getAst();
            Object result = RUNTIME.createProgram(ast)
                    .eval(Map.of("object", pod, "oldObject", Map.of(), "request", Map.of("operation", "CREATE")));
            assertThat(result).as(condition.getName()).isInstanceOf(Boolean.class);
            all &= (Boolean) result;
        }
        return all;
    }

    @ParameterizedTest(name = "{0} with {1} values: webhook called = {2}")
    @CsvSource({
        "job-controller-pod.json, defaults, true",
        "legacy-label-only-pod.json, defaults, true",
        "opted-out-job-pod.json, defaults, false",
        "bare-pod.json, defaults, false",
        "argo-workflow-pod.json, defaults, false",
        "spark-executor-pod.json, defaults, false",
        "argo-workflow-pod.json, packing-scheduler, true",
        "spark-executor-pod.json, packing-scheduler, true",
        "job-controller-pod.json, packing-scheduler, true",
        "bare-pod.json, packing-scheduler, false",
        "public:01-v1-pod-create-generateName-replicaset-controller.salesforce-generic-sidecar-injector.json, defaults, false",
        "public:03-no-apiVersion-pod-create-named.eks-pod-identity-webhook.json, defaults, false",
        "public:04-v1beta1-pod-create-named-java-fabric8.kubernetes-client.json, defaults, false",
    })
    void onlyPodsTheWebhookCouldSteerReachIt(String podFile, String scenario, boolean expected) throws Exception {
        List<MatchCondition> conditions = conditions(scenario);
        assertThat(conditions).hasSize(2);

        assertThat(callsWebhook(conditions, pod(podFile))).isEqualTo(expected);
    }
}
