package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every value in values.yaml is documented with a helm-docs style {@code # --} comment, and the chart
 * README's values table is generated from those comments. When the table is stale the test fails and
 * prints the expected table; run with {@code -Djoblane.updateReadme=true} to rewrite it.
 */
class ValuesDocsChartTest {
    static final Path VALUES = Chart.DIR.resolve("values.yaml");
    static final Path README = Chart.DIR.resolve("README.md");
    static final String START = "<!-- values-table-start -->";
    static final String END = "<!-- values-table-end -->";
    static final Pattern KEY = Pattern.compile("^(\\s*)([A-Za-z0-9_.-]+):(.*)$");
    static final Pattern ITEM = Pattern.compile("^(\\s*)- ?.*$");

    /** Documented keys in file order: full dotted path -> description. */
    static Map<String, String> documented() throws Exception {
        Map<String, String> docs = new LinkedHashMap<>();
        Deque<int[]> indents = new ArrayDeque<>();
        Deque<String> keys = new ArrayDeque<>();
        StringBuilder pending = null;
        int listIndent = -1;
        for (String line : Files.readAllLines(VALUES)) {
            String trimmed = line.strip();
            int indent = line.length() - line.stripLeading().length();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (listIndent >= 0 && (indent > listIndent || (indent == listIndent && trimmed.startsWith("-")))) {
                continue;
            }
            listIndent = -1;
            if (trimmed.startsWith("# --")) {
                pending = new StringBuilder(trimmed.substring(4).strip());
                continue;
            }
            if (trimmed.startsWith("#")) {
                if (pending != null) {
                    pending.append(' ').append(trimmed.substring(1).strip());
                }
                continue;
            }
            if (ITEM.matcher(line).matches()) {
                listIndent = indent;
                continue;
            }
            Matcher key = KEY.matcher(line);
            if (!key.matches()) {
                continue;
            }
            while (!indents.isEmpty() && indents.peek()[0] >= indent) {
                indents.pop();
                keys.pop();
            }
            indents.push(new int[] {indent});
            keys.push(key.group(2));
            List<String> path = new ArrayList<>(keys);
            java.util.Collections.reverse(path);
            if (pending != null) {
                docs.put(String.join(".", path), pending.toString());
                pending = null;
            }
            if (key.group(3).isBlank()) {
                listIndent = -1;
            }
        }
        return docs;
    }

    static List<String> leaves(JsonNode node, String prefix) {
        List<String> out = new ArrayList<>();
        if (node.isObject() && !node.isEmpty()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                out.addAll(leaves(field.getValue(), prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey()));
            }
        } else {
            out.add(prefix);
        }
        return out;
    }

    static JsonNode at(JsonNode root, String path) {
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            node = node.path(part);
        }
        return node;
    }

    static String valuesTable() throws Exception {
        JsonNode values = Manifests.PLAIN.readTree(Files.readString(VALUES));
        StringBuilder table =
                new StringBuilder("| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n");
        for (Map.Entry<String, String> doc : documented().entrySet()) {
            JsonNode value = at(values, doc.getKey());
            String type = value.isObject()
                    ? "object"
                    : value.isArray()
                            ? "list"
                            : value.isBoolean()
                                    ? "bool"
                                    : value.isIntegralNumber() ? "int" : value.isNumber() ? "float" : "string";
            String rendered = Manifests.PLAIN.writeValueAsString(value).strip();
            String json = new tools.jackson.databind.ObjectMapper().writeValueAsString(value);
            String shown = json.length() > 80 ? "see values.yaml" : json;
            if (rendered.isEmpty()) {
                shown = "`\"\"`";
            } else if (!shown.equals("see values.yaml")) {
                shown = "`" + shown + "`";
            }
            table.append("| `")
                    .append(doc.getKey())
                    .append("` | ")
                    .append(type)
                    .append(" | ")
                    .append(shown)
                    .append(" | ")
                    .append(doc.getValue().replace("|", "\\|"))
                    .append(" |\n");
        }
        return table.toString();
    }

    @Test
    void everyValueIsDocumented() throws Exception {
        Map<String, String> docs = documented();
        JsonNode values = Manifests.PLAIN.readTree(Files.readString(VALUES));

        for (String leaf : leaves(values, "")) {
            boolean covered = docs.keySet().stream().anyMatch(d -> leaf.equals(d) || leaf.startsWith(d + "."));
            assertThat(covered)
                    .as("values.yaml key %s has a '# --' comment (on itself or a parent)", leaf)
                    .isTrue();
        }
        assertThat(docs)
                .containsKeys(
                        "webhook.failurePolicy",
                        "config.nodeGroups",
                        "packingScheduler.enabled",
                        "scaler.serviceAccount.annotations",
                        "certificates.mode");
        assertThat(docs.get("webhook.failurePolicy")).contains("Ignore").contains("evicted");
    }

    @Test
    void readmeTableIsGeneratedFromTheComments() throws Exception {
        String readme = Files.readString(README);
        String expected = valuesTable();
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        assertThat(start).as("README has the table markers").isGreaterThanOrEqualTo(0);
        String actual = readme.substring(start + START.length(), end).strip() + "\n";
        if (!actual.equals(expected) && Boolean.getBoolean("joblane.updateReadme")) {
            Files.writeString(
                    README, readme.substring(0, start + START.length()) + "\n" + expected + readme.substring(end));
            return;
        }
        assertThat(actual)
                .as("README values table is stale; rerun with -Djoblane.updateReadme=true")
                .isEqualTo(expected);
    }
}
