package io.joblane.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flipkart.zjsonpatch.JsonPatch;
import io.joblane.webhook.TestData;
import io.joblane.webhook.mutation.NamespaceAnnotations;
import io.joblane.webhook.mutation.Outcome;
import io.joblane.webhook.mutation.PodMutator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reviewer over AdmissionReview payloads as the API server sends them (ours and public captures). */
class AdmissionReviewerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AdmissionReviewer reviewer = new AdmissionReviewer(new PodMutator(
            TestData::groups, NamespaceAnnotations.of(Map.of("keymaker", Map.of("joblane.io/node-group", "gpu")))));

    private static JsonNode read(byte[] bytes) throws Exception {
        return JSON.readTree(bytes);
    }

    private static String patchOf(JsonNode review) {
        return new String(
                Base64.getDecoder().decode(review.at("/response/patch").asText()), StandardCharsets.UTF_8);
    }

    @Test
    void jobControllerPodIsPatchedAndTheUidEchoed() throws Exception {
        byte[] body = TestData.resource("admission/job-pod.json").getBytes(StandardCharsets.UTF_8);

        Answer answer = reviewer.review(body);
        JsonNode review = read(answer.body());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.outcome()).isEqualTo(Outcome.MUTATED);
        assertThat(answer.group()).isEqualTo("batch");
        assertThat(review.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
        assertThat(review.path("kind").asText()).isEqualTo("AdmissionReview");
        assertThat(review.at("/response/uid").asText()).isEqualTo("3f7c1e0a-5b8d-4c1e-9a51-0d2b6f1c9e42");
        assertThat(review.at("/response/allowed").asBoolean()).isTrue();
        assertThat(review.at("/response/patchType").asText()).isEqualTo("JSONPatch");
        assertThat(review.at("/response/warnings").isMissingNode()).isTrue();
        assertThat(patchOf(review))
                .isEqualTo(("["
                                + "{'op':'add','path':'/metadata/labels/joblane.io~1node-group','value':'batch'},"
                                + "{'op':'add','path':'/metadata/annotations','value':{"
                                + "'cluster-autoscaler.kubernetes.io/safe-to-evict':'false','karpenter.sh/do-not-disrupt':'true'}},"
                                + "{'op':'add','path':'/spec/nodeSelector','value':{'joblane.io/node-group':'batch'}},"
                                + "{'op':'add','path':'/spec/tolerations/-','value':"
                                + "{'key':'joblane.io/dedicated','operator':'Equal','value':'batch','effect':'NoSchedule'}},"
                                + "{'op':'add','path':'/spec/affinity','value':{'nodeAffinity':{"
                                + "'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':[{'matchExpressions':["
                                + "{'key':'joblane.io/draining','operator':'DoesNotExist'}]}]}}}}]")
                        .replace('\'', '"'));
    }

    private static byte[] jobPodWith(java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> change)
            throws Exception {
        JsonNode request = read(TestData.resource("admission/job-pod.json").getBytes(StandardCharsets.UTF_8));
        change.accept((com.fasterxml.jackson.databind.node.ObjectNode) request.at("/request/object"));
        return JSON.writeValueAsBytes(request);
    }

    // Regression: memory "1e300000000" was expanded to a huge integer on the event loop; no answer within 30 s.
    @Test
    void hugeQuantityIsAnsweredAtOnceAndCountsAsTheLargestRequest() throws Exception {
        byte[] body = jobPodWith(pod -> ((com.fasterxml.jackson.databind.node.ObjectNode)
                        pod.at("/spec/containers/0/resources/requests"))
                .put("memory", "1e300000000"));

        Answer answer = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(10), () -> reviewer.review(body), "hang guard only");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.group())
                .as("saturated at the largest request: the highmem rule")
                .isEqualTo("highmem");
    }

    @Test
    void podNamingAnUnknownGroupIsDeniedWithTheConfiguredNames() throws Exception {
        byte[] body = jobPodWith(pod -> pod.withObjectProperty("metadata")
                .withObjectProperty("annotations")
                .put("joblane.io/node-group", "gpus"));

        Answer answer = reviewer.review(body);
        JsonNode review = read(answer.body());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(review.at("/response/allowed").asBoolean(true)).isFalse();
        assertThat(review.at("/response/uid").asText()).isEqualTo("3f7c1e0a-5b8d-4c1e-9a51-0d2b6f1c9e42");
        assertThat(review.at("/response/status/code").asInt()).isEqualTo(400);
        assertThat(review.at("/response/status/message").asText())
                .isEqualTo("node group \"gpus\" (pod annotation)"
                        + " is not configured; configured groups: batch, gpu, highmem, bigcpu");
        assertThat(review.at("/response/patch").isMissingNode()).isTrue();
    }

    @Test
    void patchedJobPodKeepsFieldsNoClientLibraryKnowsAndNeedsNoSecondPatch() throws Exception {
        JsonNode request = read(TestData.resource("admission/job-pod.json").getBytes(StandardCharsets.UTF_8));
        JsonNode pod = request.at("/request/object");
        JsonNode patch = JSON.readTree(
                patchOf(read(reviewer.review(JSON.writeValueAsBytes(request)).body())));

        JsonNode patched = JsonPatch.apply(patch, pod);
        ((com.fasterxml.jackson.databind.node.ObjectNode) request.get("request")).set("object", patched);
        Answer again = reviewer.review(JSON.writeValueAsBytes(request));

        assertThat(patched.at("/spec/futureSchedulingHint/addedIn").asText()).isEqualTo("v1.99");
        assertThat(patched.at("/metadata/finalizers/0").asText()).isEqualTo("batch.kubernetes.io/job-tracking");
        assertThat(patched.at("/spec/tolerations")).hasSize(3);
        assertThat(again.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(read(again.body()).at("/response/patch").isMissingNode()).isTrue();
    }

    @Test
    void replicaSetPodFromAPublicCaptureIsAllowedWithoutPatch() throws Exception {
        Answer answer = reviewer.review(TestData.publicCapture(
                "01-v1-pod-create-generateName-replicaset-controller.salesforce-generic-sidecar-injector.json"));
        JsonNode review = read(answer.body());

        assertThat(answer.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(review.at("/response/uid").asText()).isEqualTo("e94a7790-a4fc-11e9-a276-42010a3e0104");
        assertThat(review.at("/response/allowed").asBoolean()).isTrue();
        assertThat(review.at("/response/patch").isMissingNode()).isTrue();
    }

    @Test
    void reviewWithoutApiVersionIsRefusedWithItsReason() throws Exception {
        Answer answer = reviewer.review(
                TestData.publicCapture("03-no-apiVersion-pod-create-named.eks-pod-identity-webhook.json"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(read(answer.body()).path("message").asText())
                .isEqualTo("apiVersion is missing (expected admission.k8s.io/v1)");
    }

    @Test
    void v1beta1ReviewIsAnsweredInV1beta1() throws Exception {
        Answer answer = reviewer.review(
                TestData.publicCapture("04-v1beta1-pod-create-named-java-fabric8.kubernetes-client.json"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(read(answer.body()).path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1beta1");
        assertThat(read(answer.body()).at("/response/uid").asText()).isEqualTo("66105089-3471-46ff-b4c8-293546c2aa6c");
    }

    @Test
    void dryRunIsReportedAndTheAnswerIsTheSame() throws Exception {
        String body = TestData.resource("admission/job-pod.json").replace("\"dryRun\": false", "\"dryRun\": true");

        Answer answer = reviewer.review(body.getBytes(StandardCharsets.UTF_8));

        assertThat(answer.dryRun()).isTrue();
        assertThat(answer.outcome()).isEqualTo(Outcome.MUTATED);
    }

    @Test
    void badBodiesGet400WithAReasonNamingTheField() throws Exception {
        String good = TestData.resource("admission/job-pod.json");
        Map<String, String> cases = Map.ofEntries(
                Map.entry("", "body is empty"),
                Map.entry("[]", "body is not a JSON object"),
                Map.entry(
                        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\"}", "request is missing"),
                Map.entry(
                        good.replace("\"kind\": \"AdmissionReview\"", "\"kind\": \"Pod\""),
                        "kind must be AdmissionReview, not \"Pod\""),
                Map.entry(
                        good.replace("admission.k8s.io/v1\"", "admission.k8s.io/v2\""),
                        "apiVersion \"admission.k8s.io/v2\" is not supported (expected admission.k8s.io/v1)"),
                Map.entry(
                        good.replace(
                                "\"kind\": {\"group\": \"\", \"version\": \"v1\", \"kind\": \"Pod\"}",
                                "\"kind\": {\"group\": \"apps\", \"version\": \"v1\", \"kind\": \"Deployment\"}"),
                        "request.kind must be a core Pod, not apps/\"Deployment\""),
                Map.entry(good.replace("\"object\": {", "\"object\": null, \"x\": {"), "request.object is missing"),
                Map.entry(good.replace("\"uid\": \"3f7c", "\"uid\": 7, \"u\": \"3f7c"), "request.uid must be a string"),
                Map.entry(
                        good.replace("\"tolerations\": [", "\"tolerations\": 5, \"t\": ["),
                        "request.object.spec.tolerations: must be an array"),
                Map.entry(
                        good + "}",
                        "body is not valid JSON: Unexpected close marker '}': expected ']'"
                                + " (for root starting at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`"
                                + " disabled); line: 1, column: 0])"));
        cases.forEach((body, reason) -> {
            Answer answer = reviewer.review(body.getBytes(StandardCharsets.UTF_8));
            assertThat(answer.status()).as(reason).isEqualTo(400);
            assertThat(answer.outcome()).isEqualTo(Outcome.ERROR);
            if (!reason.startsWith("body is not valid JSON")) {
                assertThat(answer.reason()).isEqualTo(reason);
            } else {
                assertThat(answer.reason()).startsWith("body is not valid JSON");
            }
        });
    }

    @Test
    void deeplyNestedJsonIsA400NotAStackOverflow() {
        String deep = "[".repeat(200_000) + "]".repeat(200_000);
        String nestedInPod = TestData.resource("admission/job-pod.json")
                .replace("\"status\": {}", "\"status\": " + "{\"a\":".repeat(5000) + "1" + "}".repeat(5000));

        Answer array = reviewer.review(deep.getBytes(StandardCharsets.UTF_8));
        Answer object = reviewer.review(nestedInPod.getBytes(StandardCharsets.UTF_8));

        assertThat(array.status()).isEqualTo(400);
        assertThat(array.reason()).contains("nesting depth");
        assertThat(object.status()).isEqualTo(400);
        assertThat(object.reason()).contains("nesting depth");
    }

    @Test
    void nonCreateOperationIsAllowedWithoutPatch() throws Exception {
        String body = TestData.resource("admission/job-pod.json").replace("\"CREATE\"", "\"UPDATE\"");

        Answer answer = reviewer.review(body.getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(read(answer.body()).at("/response/patch").isMissingNode()).isTrue();
    }
}
