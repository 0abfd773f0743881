package io.joblane.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.joblane.webhook.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throws generated bad bodies (truncated, wrong types, huge, deeply nested, binary, wrong content type) at the
 * real server: each must get exactly its 400, 413 or 415 with a JSON reason, and a good request must still work.
 * Run with -Dseed=N to replay; the seed is printed with any failure.
 */
class MalformedInputHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String GOOD = TestData.resource("admission/job-pod.json");

    /** Paths in the review and the wrong-typed values each can take; every one is a 400. */
    private static final String[] WRONG_TYPE_PATHS = {
        "",
        "/kind",
        "/apiVersion",
        "/request",
        "/request/uid",
        "/request/kind",
        "/request/kind/kind",
        "/request/kind/group",
        "/request/operation",
        "/request/object",
        "/request/namespace",
        "/request/userInfo",
        "/request/userInfo/username",
        "/request/dryRun",
        "/request/object/kind",
        "/request/object/metadata",
        "/request/object/metadata/labels",
        "/request/object/metadata/labels/job-name",
        "/request/object/metadata/annotations",
        "/request/object/metadata/ownerReferences",
        "/request/object/metadata/ownerReferences/0",
        "/request/object/metadata/ownerReferences/0/controller",
        "/request/object/metadata/ownerReferences/0/kind",
        "/request/object/spec",
        "/request/object/spec/tolerations",
        "/request/object/spec/tolerations/0",
        "/request/object/spec/nodeSelector",
        "/request/object/spec/containers",
        "/request/object/spec/containers/0",
        "/request/object/spec/containers/0/resources",
        "/request/object/spec/containers/0/resources/requests",
        "/request/object/spec/containers/0/resources/requests/cpu",
        "/request/object/spec/schedulerName",
    };

    private record Case(String kind, String contentType, byte[] body, int expected) {}

    @TempDir
    Path dir;

    @Test
    void everyBadBodyGetsItsClientErrorAndTheServerKeepsServing() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        Random random = new Random(seed);
        List<Case> cases = generate(random);
        try (TestWebhook server = new TestWebhook(dir);
                TestClient client = server.client(true)) {
            int sent = 0;
            for (Case c : cases) {
                String what = "seed " + seed + ", case #" + sent + " (" + c.kind() + ")";
                TestClient.Response response;
                try {
                    response = client.post("/mutate", c.contentType(), c.body());
                } catch (RuntimeException e) {
                    throw new AssertionError(
                            what + " after " + cases.get(Math.max(0, sent - 1)).kind() + ", "
                                    + cases.get(Math.max(0, sent - 2)).kind() + ": " + e,
                            e);
                }
                assertThat(response.status()).as(what).isEqualTo(c.expected());
                assertThat(response.contentType()).as(what).isEqualTo("application/json");
                assertThat(response.json().path("message").asText()).as(what).isNotBlank();
                sent++;
            }
            TestClient.Response good = client.review(GOOD.getBytes(StandardCharsets.UTF_8));

            assertThat(sent).isGreaterThanOrEqualTo(1000);
            assertThat(good.status()).as("seed " + seed).isEqualTo(200);
            assertThat(good.json().at("/response/patch").asText()).isNotEmpty();
            assertThat(server.health("/healthz").status()).isEqualTo(200);
        }
    }

    private static List<Case> generate(Random random) throws Exception {
        byte[] good = GOOD.getBytes(StandardCharsets.UTF_8);
        int lastBrace = GOOD.lastIndexOf('}');
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            cases.add(new Case("truncated", "application/json", Arrays.copyOf(good, random.nextInt(lastBrace)), 400));
        }
        for (int i = 0; i < 330; i++) {
            String path = WRONG_TYPE_PATHS[random.nextInt(WRONG_TYPE_PATHS.length)];
            cases.add(new Case("wrong type at " + path, "application/json", wrongType(path, random), 400));
        }
        for (int i = 0; i < 150; i++) {
            int depth = AdmissionDepth.MIN + random.nextInt(i < 10 ? 200_000 : 5_000);
            cases.add(new Case("nested " + depth, "application/json", nested(depth, random.nextBoolean()), 400));
        }
        for (int i = 0; i < 200; i++) {
            byte[] bytes = new byte[1 + random.nextInt(4096)];
            random.nextBytes(bytes);
            cases.add(new Case("binary", "application/json", bytes, 400));
        }
        for (int i = 0; i < 50; i++) {
            byte[] broken = good.clone();
            int at = GOOD.indexOf("nightly-report") + random.nextInt(10);
            broken[at] = (byte) (0x80 + random.nextInt(0x40));
            cases.add(new Case("invalid utf-8", "application/json", broken, 400));
        }
        String[] types = {
            "text/plain",
            "application/xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonx",
            "json",
            "application/json-patch+json",
            null
        };
        for (int i = 0; i < 60; i++) {
            cases.add(new Case("content type", types[random.nextInt(types.length)], good, 415));
        }
        for (String body : new String[] {
            "",
            " ",
            "null",
            "{}",
            "[]",
            "\"AdmissionReview\"",
            "42",
            "{\"a\":1}",
            "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{}}",
            "{}{}"
        }) {
            cases.add(new Case("small: " + body, "application/json", body.getBytes(StandardCharsets.UTF_8), 400));
        }
        for (int i = 0; i < 6; i++) {
            byte[] huge = new byte[(3 << 20) + 1 + random.nextInt(1 << 20)];
            Arrays.fill(huge, (byte) ' ');
            cases.add(new Case("huge", "application/json", huge, 413));
            byte[] big = new byte[(2 << 20) + random.nextInt(1 << 19)];
            random.nextBytes(big);
            cases.add(new Case("big binary under the limit", "application/json", big, 400));
        }
        java.util.Collections.shuffle(cases, random);
        return cases;
    }

    private static byte[] wrongType(String path, Random random) throws Exception {
        JsonNode[] wrong = {
            NODES.numberNode(random.nextInt()),
            NODES.booleanNode(true),
            NODES.arrayNode(),
            NODES.objectNode().put("x", 1)
        };
        ObjectNode review = (ObjectNode) JSON.readTree(GOOD);
        if (path.isEmpty()) {
            return JSON.writeValueAsBytes(wrong[random.nextInt(3)]);
        }
        JsonNode value = wrong[random.nextInt(wrong.length)];
        JsonNode current = review.at(path);
        // A value of the field's own type would be valid, and so is a number for a quantity: pick another one.
        while (value.getNodeType() == current.getNodeType() || path.endsWith("/cpu") && value.isNumber()) {
            value = wrong[random.nextInt(wrong.length)];
        }
        int slash = path.lastIndexOf('/');
        JsonNode parent = review.at(path.substring(0, slash));
        String last = path.substring(slash + 1);
        if (parent.isArray()) {
            ((ArrayNode) parent).set(Integer.parseInt(last), value);
        } else {
            ((ObjectNode) parent).set(last, value);
        }
        return JSON.writeValueAsBytes(review);
    }

    private static byte[] nested(int depth, boolean arrays) {
        String open = arrays ? "[" : "{\"a\":";
        String close = arrays ? "]" : "}";
        String pod = GOOD.replace("\"status\": {}", "\"status\": " + open.repeat(depth) + "1" + close.repeat(depth));
        return pod.getBytes(StandardCharsets.UTF_8);
    }

    /** Depths from just past the parser's limit. */
    private static final class AdmissionDepth {
        static final int MIN = io.joblane.webhook.admission.AdmissionCodec.MAX_NESTING_DEPTH;
    }
}
