package io.joblane.webhook.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.joblane.model.WellKnown;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The namespace informer against the fabric8 mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class NamespaceRoutingCrudTest {
    KubernetesClient client;

    private static Namespace namespace(String name, String group) {
        NamespaceBuilder builder =
                new NamespaceBuilder().withNewMetadata().withName(name).endMetadata();
        if (group != null) {
            builder.editMetadata()
                    .addToAnnotations(WellKnown.NODE_GROUP_ANNOTATION, group)
                    .endMetadata();
        }
        return builder.build();
    }

    @Test
    void annotationsFollowTheApiServer() {
        client.namespaces().resource(namespace("ml", "gpu")).create();
        client.namespaces().resource(namespace("plain", null)).create();

        try (NamespaceRouting routing = NamespaceRouting.start(client, Duration.ofSeconds(30))) {
            assertThat(routing.of("ml")).containsEntry(WellKnown.NODE_GROUP_ANNOTATION, "gpu");
            assertThat(routing.of("plain")).isEmpty();
            assertThat(routing.of("missing")).isEmpty();
            assertThat(routing.isRunning()).isTrue();

            client.namespaces().withName("plain").edit(ns -> namespace("plain", "highmem"));
            client.namespaces().resource(namespace("new", "batch")).create();
            client.namespaces().withName("ml").delete();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(routing.of("plain")).containsEntry(WellKnown.NODE_GROUP_ANNOTATION, "highmem");
                assertThat(routing.of("new")).isEqualTo(Map.of(WellKnown.NODE_GROUP_ANNOTATION, "batch"));
                assertThat(routing.of("ml")).isEmpty();
            });
        }
    }

    @Test
    void unreachableApiServerFailsStartWithinTheTimeout() {
        // Regression guard: an unreachable API server (or missing RBAC) must not hang start-up forever.
        try (KubernetesClient nowhere = new KubernetesClientBuilder()
                .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:1")
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build()) {
            assertThatThrownBy(() -> NamespaceRouting.start(nowhere, Duration.ofSeconds(3)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("namespace informer");
        }
    }

    @Test
    void apiAccessIsDetectedFromServiceAccountOrKubeconfig(@TempDir Path dir) throws Exception {
        Path token = dir.resolve("token");
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve(".kube"));

        assertThat(KubeAccess.detect(Map.of(), home, token)).isEmpty();
        assertThat(KubeAccess.detect(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), home, token))
                .isEmpty();
        Files.writeString(token, "t");
        assertThat(KubeAccess.detect(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), home, token))
                .isPresent();
        assertThat(KubeAccess.detect(Map.of("KUBECONFIG", dir.resolve("nope").toString()), home, token))
                .isEmpty();
        Files.writeString(home.resolve(".kube/config"), "apiVersion: v1");
        assertThat(KubeAccess.detect(Map.of(), home, token)).contains("kubeconfig " + home.resolve(".kube/config"));
    }
}
