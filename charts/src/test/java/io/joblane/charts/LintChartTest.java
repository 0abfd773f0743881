package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** `helm lint --strict` on the defaults and on every documented scenario. */
class LintChartTest {

    @Test
    void defaultsLintClean() {
        LintResult result = new Helm(Chart.DIR).lint().strict().call();
        assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    static Stream<Path> scenarios() {
        return Chart.scenarios().stream();
    }

    /**
     * helm-java's lint takes no values file, so lint a copy of the chart whose values.yaml is the defaults
     * merged with the scenario (Helm's own merge rule: maps merge, everything else replaces).
     */
    @ParameterizedTest
    @MethodSource("scenarios")
    void scenarioLintsClean(Path scenario, @TempDir Path tmp) throws IOException {
        Path copy = tmp.resolve("joblane");
        copyTree(Chart.DIR, copy);
        Map<String, Object> merged = merge(read(Chart.DIR.resolve("values.yaml")), read(scenario));
        Files.writeString(copy.resolve("values.yaml"), Manifests.PLAIN.writeValueAsString(merged));

        LintResult result = new Helm(copy).lint().strict().call();

        assertThat(result.isFailed())
                .as("%s: %s", scenario, result.getMessages())
                .isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void lintReportsABrokenValuesFile(@TempDir Path tmp) throws IOException {
        Path copy = tmp.resolve("joblane");
        copyTree(Chart.DIR, copy);
        Map<String, Object> broken =
                merge(read(Chart.DIR.resolve("values.yaml")), Map.of("webhook", Map.of("replicaCount", "many")));
        Files.writeString(copy.resolve("values.yaml"), Manifests.PLAIN.writeValueAsString(broken));

        LintResult result = new Helm(copy).lint().strict().call();

        assertThat(result.isFailed()).isTrue();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(Path file) throws IOException {
        Map<String, Object> map = Manifests.PLAIN.readValue(Files.readString(file), Map.class);
        return map == null ? new LinkedHashMap<>() : map;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        over.forEach((key, value) -> {
            if (value instanceof Map<?, ?> m && out.get(key) instanceof Map<?, ?> b) {
                out.put(key, merge((Map<String, Object>) b, (Map<String, Object>) m));
            } else {
                out.put(key, value);
            }
        });
        return out;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
