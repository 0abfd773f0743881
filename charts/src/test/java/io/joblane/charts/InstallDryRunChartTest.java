package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.Release;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** `helm install --dry-run` (client only) for every scenario, and what NOTES.txt tells the user next. */
class InstallDryRunChartTest {

    static InstallCommand install(String kube) {
        return new Helm(Chart.DIR)
                .install()
                .withName(Chart.RELEASE)
                .withNamespace(Chart.NAMESPACE)
                .withKubeVersion(kube)
                .dryRun()
                .clientOnly();
    }

    static Stream<Path> scenarios() {
        return Chart.scenarios().stream();
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void installsInEveryScenario(Path scenario) {
        Release release = install(Chart.KUBE_VERSION).withValuesFile(scenario).call();

        assertThat(release.getStatus()).isEqualTo("pending-install");
        assertThat(release.getOutput()).contains("NOTES:");
    }

    @Test
    void notesTellTheNextStep() {
        String notes = install(Chart.KUBE_VERSION).call().getOutput();

        assertThat(notes)
                .contains("kubectl label namespace my-batch joblane.io/inject=enabled")
                .contains("create job hello")
                .contains("{.items[0].spec.nodeSelector}")
                .contains("label joblane.io/node-group=batch")
                .contains("taint joblane.io/dedicated=batch:NoSchedule")
                .contains("configmap rel-joblane-scaler-status")
                .doesNotContain("DRY-RUN");
        assertThat(install(Chart.KUBE_VERSION).set("scaler.dryRun", true).call().getOutput())
                .contains("DRY-RUN mode");
    }

    @Test
    void refusesKubernetesOlderThanTheChartSupports() {
        assertThatThrownBy(() -> Chart.chart().kube("1.24.9").template()).hasMessageContaining("kubeVersion");
    }
}
