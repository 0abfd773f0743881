package io.joblane.charts;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Renders charts/joblane with real Helm (helm-java, in-process) as release "rel" in namespace "joblane".
 * The test working directory is charts/, so the chart is at {@code joblane}.
 */
final class Chart {
    static final Path DIR = Path.of("joblane");
    static final String RELEASE = "rel";
    static final String NAMESPACE = "joblane";
    /** Helm's own default without a cluster is v1.20, below the chart's kubeVersion; name one explicitly. */
    static final String KUBE_VERSION = "1.31.0";
    /**
     * helm-java's template returns only the release manifest and drops hooks (its Go side prints
     * {@code rel.Manifest}). The tests therefore render a copy of the chart under target/ in which the
     * hook annotation prefix is renamed, so hooks render as ordinary documents, and rename it back after
     * parsing. Nothing else in the copy differs.
     */
    static final String HOOK_PREFIX = "helm.sh/hook";

    static final String RENAMED_HOOK_PREFIX = "test.joblane.io/hook";
    private static Path renderable;

    private String kubeVersion = KUBE_VERSION;
    private String release = RELEASE;
    private final List<Path> valuesFiles = new ArrayList<>();
    private final Map<String, Object> sets = new LinkedHashMap<>();

    static Chart chart() {
        return new Chart();
    }

    /** Every documented scenario under joblane/ci, by file name. */
    static List<Path> scenarios() {
        try (Stream<Path> files = Files.list(DIR.resolve("ci"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("-values.yaml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path scenario(String name) {
        Path file = DIR.resolve("ci").resolve(name + "-values.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no scenario " + file);
        }
        return file;
    }

    Chart kube(String version) {
        this.kubeVersion = version;
        return this;
    }

    Chart release(String name) {
        this.release = name;
        return this;
    }

    Chart values(Path file) {
        valuesFiles.add(file);
        return this;
    }

    Chart values(String scenario) {
        return values(scenario(scenario));
    }

    Chart set(String key, Object value) {
        sets.put(key, value);
        return this;
    }

    /** The raw `helm template` output; throws IllegalStateException with Helm's message on failure. */
    String template() {
        TemplateCommand command = new Helm(renderableCopy())
                .template()
                .withName(release)
                .withNamespace(NAMESPACE)
                .withKubeVersion(kubeVersion);
        for (Path file : valuesFiles) {
            command = command.withValuesFile(file);
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            command = command.set(set.getKey(), set.getValue());
        }
        return command.call();
    }

    Rendered render() {
        List<HasMetadata> objects = Manifests.parseAll(template());
        for (HasMetadata object : objects) {
            Map<String, String> annotations = object.getMetadata().getAnnotations();
            if (annotations != null && annotations.keySet().stream().anyMatch(k -> k.startsWith(RENAMED_HOOK_PREFIX))) {
                Map<String, String> restored = new LinkedHashMap<>();
                annotations.forEach((k, v) -> restored.put(
                        k.startsWith(RENAMED_HOOK_PREFIX) ? HOOK_PREFIX + k.substring(RENAMED_HOOK_PREFIX.length()) : k,
                        v));
                object.getMetadata().setAnnotations(restored);
            }
        }
        return new Rendered(objects);
    }

    static synchronized Path renderableCopy() {
        if (renderable != null) {
            return renderable;
        }
        Path copy = Path.of("target", "chart-with-visible-hooks", "joblane");
        try {
            if (Files.exists(copy)) {
                try (Stream<Path> old = Files.walk(copy)) {
                    for (Path p :
                            old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            try (Stream<Path> files = Files.walk(DIR)) {
                for (Path source : files.toList()) {
                    Path target = copy.resolve(DIR.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else if (source.toString().endsWith(".yaml") && source.startsWith(DIR.resolve("templates"))) {
                        Files.writeString(target, Files.readString(source).replace(HOOK_PREFIX, RENAMED_HOOK_PREFIX));
                    } else {
                        Files.copy(source, target);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        renderable = copy;
        return copy;
    }

    /** The rendered objects with typed lookups. */
    record Rendered(List<HasMetadata> objects) {
        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type, String name) {
            List<T> found = all(type).stream()
                    .filter(o -> o.getMetadata().getName().equals(name))
                    .toList();
            if (found.size() != 1) {
                throw new AssertionError("expected one " + type.getSimpleName() + " " + name + ", found " + found.size()
                        + " among " + names());
            }
            return found.get(0);
        }

        <T extends HasMetadata> T only(Class<T> type) {
            List<T> found = all(type);
            if (found.size() != 1) {
                throw new AssertionError("expected one " + type.getSimpleName() + ", found " + names());
            }
            return found.get(0);
        }

        List<HasMetadata> ofKind(String kind) {
            return objects.stream().filter(o -> o.getKind().equals(kind)).toList();
        }

        boolean has(String kind, String name) {
            return objects.stream()
                    .anyMatch(o -> o.getKind().equals(kind)
                            && o.getMetadata().getName().equals(name));
        }

        List<String> names() {
            return objects.stream()
                    .map(o -> o.getKind() + "/" + o.getMetadata().getName())
                    .toList();
        }
    }
}
