package io.joblane.certs.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.joblane.certs.x509.StoredMaterial;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Cluster objects as the chart would create them, for the mock API server. */
final class Fixtures {
    static final String NS = "joblane";
    static final String SERVICE = "joblane-webhook";
    static final String SECRET = "joblane-webhook-tls";
    static final String WEBHOOK_CONFIG = "joblane";

    private Fixtures() {}

    static void namespace(KubernetesClient client) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(NS)
                        .endMetadata()
                        .build())
                .create();
    }

    static MutatingWebhookConfiguration webhookConfiguration(KubernetesClient client, int entries) {
        MutatingWebhookConfigurationBuilder b = new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(WEBHOOK_CONFIG)
                .endMetadata();
        for (int i = 0; i < entries; i++) {
            b.addToWebhooks(new MutatingWebhookBuilder()
                    .withName("pods" + i + ".joblane.io")
                    .withAdmissionReviewVersions("v1")
                    .withSideEffects("None")
                    .withFailurePolicy("Ignore")
                    .withNewClientConfig()
                    .withNewService()
                    .withName(SERVICE)
                    .withNamespace(NS)
                    .withPath("/mutate")
                    .endService()
                    .endClientConfig()
                    .build());
        }
        return client.admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .resource(b.build())
                .create();
    }

    static Secret secret(KubernetesClient client) {
        return client.secrets().inNamespace(NS).withName(SECRET).get();
    }

    static StoredMaterial stored(KubernetesClient client) {
        return TlsSecrets.material(secret(client));
    }

    static void putSecret(KubernetesClient client, String type, Map<String, String> pemEntries) {
        SecretBuilder b = new SecretBuilder()
                .withNewMetadata()
                .withName(SECRET)
                .withNamespace(NS)
                .endMetadata()
                .withType(type);
        pemEntries.forEach((k, v) -> b.addToData(k, b64(v)));
        client.secrets().inNamespace(NS).resource(b.build()).create();
    }

    static List<String> bundles(KubernetesClient client) {
        return new WebhookConfigurations(client, WEBHOOK_CONFIG).bundles();
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** How many PUTs to the path the mock server received since the last call (drains its request log). */
    static int putsTo(KubernetesMockServer server, String path) {
        int puts = 0;
        try {
            for (int n = server.getRequestCount(); n > 0; n--) {
                RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
                if (request != null && "PUT".equals(request.getMethod()) && path.equals(request.getPath())) {
                    puts++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return puts;
    }
}
