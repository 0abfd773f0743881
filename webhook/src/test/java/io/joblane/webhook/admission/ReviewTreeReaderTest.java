package io.joblane.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.webhook.TestData;
import io.joblane.webhook.mutation.NamespaceAnnotations;
import io.joblane.webhook.mutation.PodMutator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The pruned decode must answer every body exactly as decoding the whole tree would: same status, same bytes
 * (patch, warnings, uid), same 400 reason. Guards against a decision reading a field {@link ReviewTreeReader} does
 * not build, and against a syntax, depth or trailing-data error that only the full parse would see.
 */
class ReviewTreeReaderTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<JsonNode> REPLACEMENTS = List.of(
            NODES.nullNode(),
            NODES.numberNode(7),
            NODES.numberNode(2.5),
            NODES.textNode("x"),
            NODES.booleanNode(true),
            NODES.arrayNode(),
            NODES.objectNode(),
            NODES.arrayNode().add("x").add(NODES.objectNode()));

    private final List<AdmissionReviewer[]> reviewers = new ArrayList<>();

    ReviewTreeReaderTest() {
        NamespaceAnnotations namespaces =
                NamespaceAnnotations.of(Map.of("keymaker", Map.of("joblane.io/node-group", "gpu")));
        for (JoblaneConfig config : List.of(
                TestData.groups(),
                TestData.config(TestData.resource("config/groups.yaml") + "\nwebhook:\n  strictOwner: true\n"
                        + "  jobLabels: [{key: app}]\n"))) {
            PodMutator mutator = new PodMutator(() -> config, namespaces);
            reviewers.add(new AdmissionReviewer[] {
                new AdmissionReviewer(mutator), new AdmissionReviewer(mutator, AdmissionCodec.MAPPER::readTree)
            });
        }
    }

    @Test
    void everyFieldOfEveryFixtureReplacedByEveryJsonTypeIsAnsweredAsWithTheWholeTree() throws Exception {
        int bodies = 0;
        for (byte[] fixture : fixtures()) {
            JsonNode review = AdmissionCodec.MAPPER.readTree(fixture);
            assertSame(fixture);
            for (String path : paths(review, "")) {
                for (JsonNode replacement : REPLACEMENTS) {
                    assertSame(bytes(replaced(review, path, replacement)));
                    bodies++;
                }
            }
        }
        assertThat(bodies).isGreaterThan(1000);
    }

    @Test
    void keptValuesAreReadTreesOwnNodesAndOnlyTheUndecidedFieldsAreLeftOut() throws Exception {
        for (byte[] fixture : fixtures()) {
            JsonNode whole = AdmissionCodec.MAPPER.readTree(fixture);
            ObjectNode expected = whole.deepCopy();
            expected.retain("kind", "apiVersion", "request");
            ObjectNode request = (ObjectNode) expected.get("request");
            request.retain("uid", "kind", "operation", "namespace", "userInfo", "dryRun", "object");
            ObjectNode pod = (ObjectNode) request.get("object");
            pod.remove("status");
            ((ObjectNode) pod.get("metadata")).remove("managedFields");
            ObjectNode spec = (ObjectNode) pod.get("spec");
            spec.remove("volumes");
            for (String list : List.of("containers", "initContainers")) {
                spec.path(list).forEach(c -> ((ObjectNode) c).retain("name", "resources", "restartPolicy"));
            }
            // Number nodes compared by class too: readTree's IntNode 7 is not a LongNode or DoubleNode 7.
            assertThat(ReviewTreeReader.read(fixture)).isEqualTo(expected);
        }
        JsonNode numbers = ReviewTreeReader.read(
                "{\"request\":{\"object\":{\"spec\":{\"a\":[1,2.5,1e400,9999999999,99999999999999999999,-0]}}}}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(numbers)
                .isEqualTo(
                        AdmissionCodec.MAPPER.readTree(
                                "{\"request\":{\"object\":{\"spec\":{\"a\":[1,2.5,1e400,9999999999,99999999999999999999,-0]}}}}"));
    }

    @Test
    void truncatedCorruptedAndTrailingBodiesGetTheSameReason() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        Random random = new Random(seed);
        for (byte[] fixture : fixtures()) {
            for (int end = 0; end < fixture.length; end += 1 + fixture.length / 400) {
                assertSame(Arrays.copyOf(fixture, end));
            }
            for (String tail : List.of(" ", " x", " {}", "}", "]", ",", "\u0000", " null", "{\"a\":")) {
                assertSame(concat(fixture, tail.getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < 300; i++) {
                byte[] corrupted = fixture.clone();
                int at = random.nextInt(corrupted.length);
                corrupted[at] = (byte)
                        new int[] {0x80, 0xC3, 0xFF, 0x00, '"', '\\', '{', '[', ']', '}', ',', ':', '1', 'e', '-', 0xE2}
                                [random.nextInt(16)];
                assertSame(corrupted, "seed " + seed + ", byte " + at);
            }
        }
    }

    @Test
    void duplicateKeysDeepNestingAndOtherShapesGetTheSameAnswer() throws Exception {
        String pod = TestData.resource("admission/job-pod.json");
        String deep = "[".repeat(200) + "]".repeat(200);
        for (String body : List.of(
                "",
                "   ",
                "null",
                "1",
                "\"x\"",
                "[]",
                "{}",
                deep,
                "{\"x\":" + deep + "}",
                pod.replace("\"request\": {", "\"request\": 1, \"request\": {"),
                pod.replace("\"request\": {", "\"request\": {\"uid\": 5, "),
                pod.replace("\"labels\": {", "\"labels\": {\"joblane.io/node-group\": \"gpu\"}, \"labels\": {"),
                pod.replace("\"spec\": {", "\"spec\": {\"volumes\": " + deep + ", "),
                pod.replace("\"spec\": {", "\"spec\": {\"volumes\": [{\"name\": 1e99999}], "),
                pod.replace("\"containers\": [", "\"containers\": [[{\"resources\": 1}], 3, "),
                pod.replace(
                        "\"containers\": [",
                        "\"initContainers\": [{\"name\": \"i\", \"restartPolicy\": \"Always\","
                                + " \"image\": \"x\", \"resources\": {\"requests\": {\"memory\": \"70Gi\"}}}], \"containers\": ["),
                pod.replace("\"metadata\": {", "\"metadata\": {\"managedFields\": [{\"manager\": \"x\"}],"),
                pod.replace("\"kind\": \"AdmissionReview\"", "\"kind\": \"AdmissionReview\", \"kind\": \"Other\""))) {
            assertSame(body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void assertSame(byte[] body) {
        assertSame(body, "");
    }

    private void assertSame(byte[] body, String context) {
        for (AdmissionReviewer[] pair : reviewers) {
            Answer pruned = pair[0].review(body);
            Answer whole = pair[1].review(body);
            if (!Arrays.equals(pruned.body(), whole.body()) || !pruned.equals(withBody(whole, pruned.body()))) {
                String what = context + " body: " + new String(body, StandardCharsets.UTF_8);
                assertThat(new String(pruned.body(), StandardCharsets.UTF_8))
                        .as(what)
                        .isEqualTo(new String(whole.body(), StandardCharsets.UTF_8));
                assertThat(pruned).as(what).isEqualTo(withBody(whole, pruned.body()));
            }
        }
    }

    private static Answer withBody(Answer answer, byte[] body) {
        return new Answer(
                answer.status(),
                body,
                answer.outcome(),
                answer.group(),
                answer.dryRun(),
                answer.conflicts(),
                answer.uid(),
                answer.reason());
    }

    private static List<byte[]> fixtures() throws Exception {
        List<byte[]> out = new ArrayList<>();
        out.add(TestData.resource("admission/job-pod.json").getBytes(StandardCharsets.UTF_8));
        Path examples = Path.of("../examples/admission");
        Path captures = Path.of("src/test/resources", TestData.PUBLIC_FIXTURES);
        for (Path dir : List.of(examples, captures)) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".json"))
                            .sorted()
                            .toList()) {
                        out.add(Files.readAllBytes(file));
                    }
                }
            }
        }
        return out;
    }

    /** JSON pointers of every value in the tree. */
    private static List<String> paths(JsonNode node, String at) {
        List<String> out = new ArrayList<>();
        if (!at.isEmpty()) {
            out.add(at);
        }
        if (node.isObject()) {
            node.properties()
                    .forEach(e -> out.addAll(paths(
                            e.getValue(),
                            at + "/" + e.getKey().replace("~", "~0").replace("/", "~1"))));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.addAll(paths(node.get(i), at + "/" + i));
            }
        }
        return out;
    }

    private static JsonNode replaced(JsonNode review, String path, JsonNode value) {
        JsonNode copy = review.deepCopy();
        int slash = path.lastIndexOf('/');
        JsonNode parent = copy.at(path.substring(0, slash));
        String last = path.substring(slash + 1);
        if (parent instanceof ObjectNode object) {
            object.replace(last.replace("~1", "/").replace("~0", "~"), value);
        } else {
            ((ArrayNode) parent).set(Integer.parseInt(last), value);
        }
        return copy;
    }

    private static byte[] bytes(JsonNode node) throws Exception {
        return AdmissionCodec.MAPPER.writeValueAsBytes(node);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
