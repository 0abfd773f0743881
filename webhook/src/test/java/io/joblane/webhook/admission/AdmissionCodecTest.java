package io.joblane.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streamed answer is byte for byte what serializing the answer as a Jackson tree gives. */
class AdmissionCodecTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void streamedAnswerHasTheTreesBytesForEveryShapeAndOddCharacters() throws Exception {
        ArrayNode patch = NODES.arrayNode();
        patch.addObject()
                .put("op", "add")
                .put("path", "/metadata/labels/joblane.io~1node-group")
                .put("value", "b");
        patch.addObject()
                .put("op", "add")
                .put("path", "/spec/x")
                .set("value", NODES.objectNode().put("k", "é\"\\"));
        for (String apiVersion : List.of(AdmissionCodec.V1, AdmissionCodec.V1BETA1)) {
            for (String uid : List.of("3f7c1e0a-5b8d", "u\"i\\d\n\u0001\u2028é😀", "")) {
                for (ArrayNode ops : List.of(NODES.arrayNode(), patch)) {
                    for (List<String> warnings : List.of(
                            List.<String>of(), List.of("joblane: a \"quoted\" é\tw", "second </script> \u007f"))) {
                        AdmissionRequest request =
                                new AdmissionRequest(apiVersion, uid, "CREATE", "ns", "u", false, null);
                        assertThat(new String(AdmissionCodec.allowed(request, ops, warnings), "UTF-8"))
                                .isEqualTo(new String(asTree(request, ops, warnings), "UTF-8"));
                    }
                }
            }
        }
    }

    /** The answer as it was built before it was streamed. */
    private static byte[] asTree(AdmissionRequest request, ArrayNode patch, List<String> warnings) throws Exception {
        ObjectNode root = AdmissionCodec.MAPPER.createObjectNode();
        root.put("apiVersion", request.apiVersion());
        root.put("kind", "AdmissionReview");
        ObjectNode response = root.putObject("response");
        response.put("uid", request.uid());
        response.put("allowed", true);
        if (!patch.isEmpty()) {
            response.put("patchType", "JSONPatch");
            response.put("patch", Base64.getEncoder().encodeToString(AdmissionCodec.MAPPER.writeValueAsBytes(patch)));
        }
        if (!warnings.isEmpty()) {
            ArrayNode list = response.putArray("warnings");
            warnings.forEach(list::add);
        }
        return AdmissionCodec.MAPPER.writeValueAsBytes(root);
    }
}
