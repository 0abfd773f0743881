package io.joblane.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.joblane.model.WellKnown;
import io.joblane.webhook.TestData;
import io.joblane.webhook.WebhookOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole webhook with namespace routing read from the fabric8 mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class NamespaceRoutingHttpCrudTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    KubernetesClient client;

    @TempDir
    Path dir;

    private static String selectedGroup(TestClient webhook) throws Exception {
        String patch = new String(
                Base64.getDecoder()
                        .decode(webhook.review(TestData.resource("admission/job-pod.json")
                                        .getBytes(StandardCharsets.UTF_8))
                                .json()
                                .at("/response/patch")
                                .asText()),
                StandardCharsets.UTF_8);
        return JSON.readTree(patch).findValue(WellKnown.NODE_GROUP_LABEL).asText();
    }

    @Test
    void theNamespaceAnnotationChoosesTheGroupAndFollowsChanges() throws Exception {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("analytics")
                        .addToAnnotations(WellKnown.NODE_GROUP_ANNOTATION, "highmem")
                        .endMetadata()
                        .build())
                .create();

        try (TestWebhook server = new TestWebhook(
                        dir, o -> o.withNamespaceRouting(WebhookOptions.NamespaceRoutingMode.AUTO), client);
                TestClient webhook = server.client(true)) {
            assertThat(selectedGroup(webhook)).isEqualTo("highmem");

            client.namespaces()
                    .withName("analytics")
                    .edit(ns -> new NamespaceBuilder(ns)
                            .editMetadata()
                            .addToAnnotations(WellKnown.NODE_GROUP_ANNOTATION, "gpu")
                            .endMetadata()
                            .build());
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> selectedGroup(webhook).equals("gpu"));

            client.namespaces()
                    .withName("analytics")
                    .edit(ns -> new NamespaceBuilder(ns)
                            .editMetadata()
                            .removeFromAnnotations(WellKnown.NODE_GROUP_ANNOTATION)
                            .endMetadata()
                            .build());
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> selectedGroup(webhook).equals("batch"));
            assertThat(server.health("/readyz").status()).isEqualTo(200);
        }
    }
}
