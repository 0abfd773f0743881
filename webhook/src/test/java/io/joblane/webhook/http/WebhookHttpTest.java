package io.joblane.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.joblane.certs.x509.Pem;
import io.joblane.webhook.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server over TLS on a random port; every patch is applied with zjsonpatch and checked field by field. */
class WebhookHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static TestWebhook server;
    private static TestClient client;

    @BeforeAll
    static void start() {
        server = new TestWebhook(dir);
        client = server.client(true);
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static ObjectNode review(String resource) throws Exception {
        return (ObjectNode) JSON.readTree(TestData.resource(resource));
    }

    private static byte[] bytes(JsonNode node) throws Exception {
        return JSON.writeValueAsBytes(node);
    }

    /** Posts the review, applies the returned patch to its pod and returns the patched pod. */
    private static JsonNode patched(ObjectNode review) throws Exception {
        TestClient.Response response = client.review(bytes(review));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("application/json");
        JsonNode answer = response.json();
        assertThat(answer.at("/response/uid").asText())
                .isEqualTo(review.at("/request/uid").asText());
        assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
        assertThat(answer.at("/response/patchType").asText()).isEqualTo("JSONPatch");
        JsonNode patch = JSON.readTree(
                Base64.getDecoder().decode(answer.at("/response/patch").asText()));
        return JsonPatch.apply(patch, review.at("/request/object"));
    }

    private static JsonNode secondAnswer(ObjectNode review, JsonNode patchedPod) throws Exception {
        ObjectNode again = review.deepCopy();
        ((ObjectNode) again.get("request")).set("object", patchedPod);
        return client.review(bytes(again)).json();
    }

    @Test
    void jobControllerPodIsSteeredToTheDefaultGroup() throws Exception {
        ObjectNode review = review("admission/job-pod.json");
        JsonNode original = review.at("/request/object").deepCopy();

        JsonNode pod = patched(review);

        assertThat(pod.at("/spec/nodeSelector").size()).isEqualTo(1);
        assertThat(pod.at("/spec/nodeSelector/joblane.io~1node-group").asText()).isEqualTo("batch");
        assertThat(pod.at("/spec/tolerations")).hasSize(3);
        assertThat(pod.at("/spec/tolerations/0")).isEqualTo(original.at("/spec/tolerations/0"));
        assertThat(pod.at("/spec/tolerations/1")).isEqualTo(original.at("/spec/tolerations/1"));
        assertThat(pod.at("/spec/tolerations/2/key").asText()).isEqualTo("joblane.io/dedicated");
        assertThat(pod.at("/spec/tolerations/2/operator").asText()).isEqualTo("Equal");
        assertThat(pod.at("/spec/tolerations/2/value").asText()).isEqualTo("batch");
        assertThat(pod.at("/spec/tolerations/2/effect").asText()).isEqualTo("NoSchedule");
        assertThat(pod.at("/metadata/labels/joblane.io~1node-group").asText()).isEqualTo("batch");
        assertThat(pod.at("/metadata/labels").size())
                .isEqualTo(original.at("/metadata/labels").size() + 1);
        assertThat(pod.at("/metadata/annotations/cluster-autoscaler.kubernetes.io~1safe-to-evict")
                        .asText())
                .isEqualTo("false");
        assertThat(pod.at("/metadata/annotations/karpenter.sh~1do-not-disrupt").asText())
                .isEqualTo("true");
        assertThat(pod.at("/spec/schedulerName").asText()).isEqualTo("default-scheduler");
        assertThat(pod.at("/spec/futureSchedulingHint")).isEqualTo(original.at("/spec/futureSchedulingHint"));
        assertThat(pod.at("/metadata/generateName").asText()).isEqualTo("nightly-report-29387520-");
        assertThat(pod.at("/spec/containers")).isEqualTo(original.at("/spec/containers"));

        JsonNode second = secondAnswer(review, pod);
        assertThat(second.at("/response/allowed").asBoolean()).isTrue();
        assertThat(second.at("/response/patch").isMissingNode()).isTrue();
    }

    @Test
    void highMemoryJobGetsItsGroupsSelectorTolerationAndScheduler() throws Exception {
        ObjectNode review = review("admission/job-pod.json");
        ObjectNode container = (ObjectNode) review.at("/request/object/spec/containers/0");
        container.set("resources", TestData.json("{'requests':{'memory':'96Gi','cpu':'8'}}"));
        ((ObjectNode) review.at("/request/object/spec")).remove("tolerations");

        JsonNode pod = patched(review);

        assertThat(pod.at("/spec/nodeSelector/joblane.io~1node-group").asText()).isEqualTo("highmem");
        assertThat(pod.at("/spec/nodeSelector/node.kubernetes.io~1instance-type")
                        .asText())
                .isEqualTo("r6i.4xlarge");
        assertThat(pod.at("/spec/tolerations")).hasSize(1);
        assertThat(pod.at("/spec/tolerations/0/value").asText()).isEqualTo("highmem");
        assertThat(pod.at("/spec/schedulerName").asText()).isEqualTo("packing-scheduler");
        assertThat(pod.at("/metadata/labels/joblane.io~1node-group").asText()).isEqualTo("highmem");
        assertThat(secondAnswer(review, pod).at("/response/patch").isMissingNode())
                .isTrue();
    }

    @Test
    void aLongJobOfAGroupThatPrefersOnDemandGetsAPreferredOnDemandTermOverTls() throws Exception {
        // Guards against: the group's spot.preferOnDemandAbove lost between the config file and the patch.
        ObjectNode review = review("admission/job-pod.json");
        ObjectNode container = (ObjectNode) review.at("/request/object/spec/containers/0");
        container.set("resources", TestData.json("{'requests':{'cpu':'48','memory':'8Gi'}}"));
        ((ObjectNode) review.at("/request/object/metadata"))
                .set("annotations", TestData.json("{'joblane.io/expected-duration':'3h'}"));

        JsonNode pod = patched(review);

        assertThat(pod.at("/spec/nodeSelector/joblane.io~1node-group").asText()).isEqualTo("bigcpu");
        JsonNode preferred = pod.at("/spec/affinity/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution");
        assertThat(preferred).anySatisfy(term -> {
            assertThat(term.at("/weight").asInt()).isEqualTo(100);
            assertThat(term.at("/preference/matchExpressions/0/key").asText())
                    .isEqualTo("eks.amazonaws.com/capacityType");
            assertThat(term.at("/preference/matchExpressions/0/values/0").asText())
                    .isEqualTo("ON_DEMAND");
        });
        assertThat(pod.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution")
                        .toString())
                .doesNotContain("capacityType");
        assertThat(secondAnswer(review, pod).at("/response/patch").isMissingNode())
                .isTrue();
    }

    @Test
    void userChoicesAreKeptAndReportedAsWarnings() throws Exception {
        ObjectNode review = review("admission/job-pod.json");
        ((ObjectNode) review.at("/request/object/metadata"))
                .set(
                        "annotations",
                        TestData.json(
                                "{'cluster-autoscaler.kubernetes.io/safe-to-evict':'true','joblane.io/node-group':'gpu'}"));

        TestClient.Response response = client.review(bytes(review));
        JsonNode pod = patched(review);

        assertThat(response.json().at("/response/warnings/0").asText())
                .isEqualTo("joblane: pod sets annotation cluster-autoscaler.kubernetes.io/safe-to-evict=\"true\";"
                        + " kept instead of \"false\"");
        assertThat(pod.at("/metadata/annotations/cluster-autoscaler.kubernetes.io~1safe-to-evict")
                        .asText())
                .isEqualTo("true");
        assertThat(pod.at("/spec/nodeSelector/joblane.io~1node-group").asText()).isEqualTo("gpu");
        assertThat(pod.at("/spec/tolerations")).hasSize(4);
    }

    @Test
    void nonJobPodFromAPublicCaptureIsAllowedUnchanged() {
        TestClient.Response response = client.review(TestData.publicCapture(
                "01-v1-pod-create-generateName-replicaset-controller.salesforce-generic-sidecar-injector.json"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().at("/response/allowed").asBoolean()).isTrue();
        assertThat(response.json().at("/response/patch").isMissingNode()).isTrue();
    }

    @Test
    void wrongContentTypeIs415AndOtherPathsAre404WithJsonReasons() {
        byte[] body = TestData.resource("admission/job-pod.json").getBytes(StandardCharsets.UTF_8);

        TestClient.Response text = client.post("/mutate", "text/plain", body);
        TestClient.Response none = client.post("/mutate", null, body);
        TestClient.Response other = client.post("/validate", "application/json", body);
        TestClient.Response charset = client.post("/mutate", "application/json; charset=utf-8", body);

        assertThat(text.status()).isEqualTo(415);
        assertThat(text.json().path("message").asText())
                .isEqualTo("content type must be application/json, not \"text/plain\"");
        assertThat(none.status()).isEqualTo(415);
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.json().path("reason").asText()).isEqualTo("NotFound");
        assertThat(charset.status()).isEqualTo(200);
    }

    @Test
    void oversizedBodyIs413AndTheServerStillServes() {
        byte[] huge = new byte[4 << 20];
        java.util.Arrays.fill(huge, (byte) ' ');

        TestClient.Response response = client.review(huge);

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().path("code").asInt()).isEqualTo(413);
        assertThat(client.review(TestData.resource("admission/job-pod.json").getBytes(StandardCharsets.UTF_8))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void healthReadinessAndMetricsAreServedOnThePlainPort() throws Exception {
        String dryRun = TestData.resource("admission/job-pod.json").replace("\"dryRun\": false", "\"dryRun\": true");
        client.review(dryRun.getBytes(StandardCharsets.UTF_8));
        client.review("{}".getBytes(StandardCharsets.UTF_8));

        assertThat(server.health("/healthz").status()).isEqualTo(200);
        assertThat(server.health("/readyz").status()).isEqualTo(200);
        // A request is counted once its answer is written, which a client can read a moment before.
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> new String(server.health("/metrics").body(), StandardCharsets.UTF_8)
                        .contains("joblane_webhook_requests_total{group=\"none\",outcome=\"error\"}"));
        TestClient.Response metrics = server.health("/metrics");
        String text = new String(metrics.body(), StandardCharsets.UTF_8);

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(text).contains("joblane_webhook_requests_total{group=\"batch\",outcome=\"mutated\"}");
        assertThat(text).contains("joblane_webhook_requests_total{group=\"none\",outcome=\"error\"}");
        assertThat(text).containsPattern("joblane_webhook_dry_run_requests_total [1-9]");
        assertThat(text).contains("joblane_webhook_request_duration_seconds_bucket{le=\"0.001\"}");
        assertThat(text).contains("joblane_webhook_request_duration_seconds_bucket{le=\"10.0\"}");
        assertThat(text).contains("joblane_webhook_config_reloads_total{result=\"success\"}");
        long notAfter = Pem.parseCertificate(server.tls.certPem(), "cert")
                .getNotAfter()
                .toInstant()
                .getEpochSecond();
        assertThat(text)
                .containsPattern("joblane_webhook_certificate_expiry_timestamp_seconds "
                        + String.valueOf((double) notAfter).replace(".", "\\.").replace("E", "E"));
    }
}
