package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonSetPlacementTest {
    static final Map<String, String> LABELS = Map.of("joblane.io/node-group", "batch", "kubernetes.io/os", "linux");
    static final List<Taint> TAINTS = List.of(new Taint("NoSchedule", "joblane.io/dedicated", null, "batch"));

    static DaemonSet ds(String name, String cpu, Map<String, String> selector, List<Toleration> tolerations) {
        return new DaemonSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("kube-system")
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewSpec()
                .withNodeSelector(selector)
                .withTolerations(tolerations)
                .addToContainers(PodRequestsTest.container("c", cpu, "100Mi"))
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** Summed requests (milli-units, one {@code pods} slot each) of the DaemonSet pods a node would run. */
    static Map<String, Long> overhead(List<DaemonSet> daemonSets, Map<String, String> nodeLabels, List<Taint> taints) {
        Map<String, Long> total = new HashMap<>();
        for (DaemonSet ds : daemonSets) {
            PodSpec spec = ds.getSpec().getTemplate().getSpec();
            if (DaemonSetPlacement.landsOn(spec, nodeLabels, taints)) {
                PodRequests.of(spec).forEach((k, v) -> total.merge(k, v, Long::sum));
            }
        }
        return total;
    }

    static Toleration tol(String key, String op, String value, String effect) {
        return new Toleration(effect, key, op, null, value);
    }

    @Test
    void countsOnlyDaemonSetsThatTolerateTheGroupTaintsAndMatchItsLabels() {
        DaemonSet everywhere = ds("node-exporter", "100m", null, List.of(tol(null, "Exists", null, null)));
        DaemonSet linuxOnly = ds(
                "kube-proxy",
                "200m",
                Map.of("kubernetes.io/os", "linux"),
                List.of(tol("joblane.io/dedicated", "Equal", "batch", "NoSchedule")));
        DaemonSet untolerated = ds("fluentd", "400m", null, List.of());
        DaemonSet windows =
                ds("win", "800m", Map.of("kubernetes.io/os", "windows"), List.of(tol(null, "Exists", null, null)));
        Map<String, Long> overhead = overhead(List.of(everywhere, linuxOnly, untolerated, windows), LABELS, TAINTS);
        assertThat(overhead.get("cpu")).isEqualTo(300L);
        assertThat(overhead.get("pods")).isEqualTo(2000L);
    }

    @Test
    void preferNoScheduleTaintsDoNotKeepDaemonSetsOff() {
        assertThat(DaemonSetPlacement.tolerates(
                        List.of(), List.of(new Taint("PreferNoSchedule", "joblane.io/draining", null, ""))))
                .isTrue();
    }

    @Test
    void tolerationMatchingFollowsKubernetesRules() {
        Taint t = TAINTS.get(0);
        assertThat(DaemonSetPlacement.toleratesOne(tol("joblane.io/dedicated", "Exists", null, null), t))
                .isTrue();
        assertThat(DaemonSetPlacement.toleratesOne(tol("joblane.io/dedicated", "Equal", "gpu", null), t))
                .isFalse();
        assertThat(DaemonSetPlacement.toleratesOne(tol("joblane.io/dedicated", null, "batch", "NoExecute"), t))
                .isFalse();
        assertThat(DaemonSetPlacement.toleratesOne(tol("joblane.io/dedicated", null, "batch", null), t))
                .isTrue();
        assertThat(DaemonSetPlacement.toleratesOne(tol("", "Equal", null, null), t))
                .isFalse();
    }

    @Test
    void requiredNodeAffinityTermsAreOredAndExpressionsAnded() {
        DaemonSet ds = ds("gpu-plugin", "50m", null, List.of(tol(null, "Exists", null, null)));
        ds.getSpec()
                .getTemplate()
                .getSpec()
                .setAffinity(new io.fabric8.kubernetes.api.model.AffinityBuilder()
                        .withNewNodeAffinity()
                        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                        .addNewNodeSelectorTerm()
                        .addToMatchExpressions(req("nvidia.com/gpu.present", "Exists"))
                        .endNodeSelectorTerm()
                        .addNewNodeSelectorTerm()
                        .addToMatchExpressions(
                                req("joblane.io/node-group", "In", "batch", "gpu"),
                                req("kubernetes.io/os", "NotIn", "windows"))
                        .endNodeSelectorTerm()
                        .endRequiredDuringSchedulingIgnoredDuringExecution()
                        .endNodeAffinity()
                        .build());
        assertThat(overhead(List.of(ds), LABELS, TAINTS).get("cpu")).isEqualTo(50L);
        assertThat(overhead(List.of(ds), Map.of("joblane.io/node-group", "highmem"), TAINTS))
                .isEmpty();
    }

    @Test
    void numericOperatorsCompareIntegers() {
        assertThat(DaemonSetPlacement.requirementMatches(req("cores", "Gt", "8"), Map.of("cores", "16")))
                .isTrue();
        assertThat(DaemonSetPlacement.requirementMatches(req("cores", "Lt", "8"), Map.of("cores", "16")))
                .isFalse();
        assertThat(DaemonSetPlacement.requirementMatches(req("cores", "Gt", "8"), Map.of("cores", "x")))
                .isFalse();
    }

    static NodeSelectorRequirement req(String key, String op, String... values) {
        return new NodeSelectorRequirement(key, op, List.of(values));
    }
}
