package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.NodeGroup;
import io.joblane.model.config.Taint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract with the processes: the ConfigMap's config.yaml is accepted by the same loader the webhook and
 * the scaler run at start, and it says what the values say.
 */
class ConfigContractChartTest {

    static JoblaneConfig renderedConfig(Chart chart) throws Exception {
        ConfigMap configMap = chart.render().one(ConfigMap.class, "rel-joblane-config");
        assertThat(configMap.getData()).containsOnlyKeys("config.yaml");
        return ConfigLoader.parse(configMap.getData().get("config.yaml"), "rendered ConfigMap");
    }

    /** The values' `config` section alone, parsed by the same loader. */
    @SuppressWarnings("unchecked")
    static JoblaneConfig valuesConfig(Path... files) throws Exception {
        Map<String, Object> values = LintChartTest.read(Chart.DIR.resolve("values.yaml"));
        for (Path file : files) {
            values = LintChartTest.merge(values, LintChartTest.read(file));
        }
        Map<String, Object> config = (Map<String, Object>) values.get("config");
        return ConfigLoader.parse(Manifests.PLAIN.writeValueAsString(config), "values");
    }

    static Stream<Path> scenarios() {
        List<Path> all = new ArrayList<>(Chart.scenarios());
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void renderedFileParsesAndEqualsTheValuesNodeGroups(Path scenario) throws Exception {
        JoblaneConfig rendered = renderedConfig(Chart.chart().values(scenario));
        JoblaneConfig values = valuesConfig(scenario);

        assertThat(rendered.nodeGroups()).isEqualTo(values.nodeGroups());
        assertThat(rendered.webhook()).isEqualTo(values.webhook());
        assertThat(rendered.scaler().scanInterval()).isEqualTo(values.scaler().scanInterval());
        assertThat(rendered.scaler().settleDelay()).isEqualTo(values.scaler().settleDelay());
    }

    @Test
    void defaultFileHasOneDefaultGroupWithItsTaint() throws Exception {
        JoblaneConfig config = renderedConfig(Chart.chart());

        assertThat(config.defaultGroup().name()).isEqualTo("batch");
        assertThat(config.defaultGroup().taints())
                .containsExactly(new Taint(io.joblane.model.WellKnown.DEDICATED_TAINT, "batch", "NoSchedule"));
        assertThat(config.scaledGroups()).isEmpty();
    }

    @Test
    void awsScenarioCarriesEveryScalingField() throws Exception {
        JoblaneConfig config = renderedConfig(Chart.chart().values("aws-irsa"));

        NodeGroup batch = config.group("batch").orElseThrow();
        assertThat(batch.scaling().provider()).isEqualTo("aws");
        assertThat(batch.scaling().autoScalingGroup()).isEqualTo("eks-batch-ng");
        assertThat(batch.scaling().maxNodes()).isEqualTo(50);
        assertThat(batch.scaling().maxDraining()).isEqualTo(2);
        assertThat(batch.scaling().suspendAZRebalance()).isTrue();
        assertThat(batch.scaling().nodeShapeMillis()).containsEntry("cpu", 16_000L);
        NodeGroup gpu = config.group("gpu").orElseThrow();
        assertThat(gpu.match().resources()).containsExactly("nvidia.com/gpu");
        assertThat(gpu.scaling().registrationTimeout()).isEqualTo("20m");
        assertThat(config.group("highmem").orElseThrow().labels())
                .containsEntry("node.kubernetes.io/instance-type", "r6i.8xlarge");
        // Scale from zero without a hand-written shape: the ASG's node template gives it.
        assertThat(config.group("highmem").orElseThrow().scaling().node()).isEmpty();
        assertThat(config.scaler().scanInterval()).isEqualTo("15s");
        assertThat(config.scaler().aws().region()).isEqualTo("eu-west-1");
    }

    @Test
    void dryRunReachesTheFileToo() throws Exception {
        assertThat(renderedConfig(Chart.chart().set("scaler.dryRun", true))
                        .scaler()
                        .dryRun())
                .isTrue();
        assertThat(renderedConfig(Chart.chart()).scaler().dryRun()).isFalse();
    }

    /** The repository's example file is a valid chart `config` section as well. */
    @Test
    void exampleNodeGroupFileRendersUnchanged(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path example = Path.of("..", "examples", "config", "node-groups.yaml");
        String text = Files.readString(example);
        Path values = tmp.resolve("values.yaml");
        Files.writeString(values, "config:\n" + text.lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n"));

        JoblaneConfig rendered = renderedConfig(Chart.chart().values(values));

        assertThat(rendered.nodeGroups())
                .isEqualTo(ConfigLoader.parse(text, example.toString()).nodeGroups());
    }
}
