package io.joblane.webhook.http;

import io.joblane.certs.x509.TlsMaterial;
import io.joblane.webhook.TestData;
import io.joblane.webhook.Webhook;
import io.joblane.webhook.WebhookOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A real webhook on random ports with freshly minted certificate and config files in {@code dir}. */
public final class TestWebhook implements AutoCloseable {
    public final Path dir;
    public final Path cert;
    public final Path key;
    public final Path config;
    public final TlsMaterial tls;
    public final Webhook webhook;
    private final HttpClient plain =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public TestWebhook(Path dir) {
        this(dir, UnaryOperator.identity());
    }

    public TestWebhook(Path dir, UnaryOperator<WebhookOptions> adjust) {
        this(dir, adjust, null);
    }

    /** With namespace routing read through {@code kube} (e.g. the fabric8 mock server's client). */
    public TestWebhook(
            Path dir, UnaryOperator<WebhookOptions> adjust, io.fabric8.kubernetes.client.KubernetesClient kube) {
        this.dir = dir;
        this.cert = dir.resolve("tls.crt");
        this.key = dir.resolve("tls.key");
        this.config = dir.resolve("config.yaml");
        this.tls = TestTls.mint();
        TestTls.write(tls, cert, key);
        try {
            Files.writeString(config, TestData.resource("config/groups.yaml"));
            webhook = Webhook.start(adjust.apply(WebhookOptions.local(config, cert, key)), kube);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public TestClient client(boolean keepAlive, String... extraCas) {
        String[] cas = new String[extraCas.length + 1];
        cas[0] = tls.caPem();
        System.arraycopy(extraCas, 0, cas, 1, extraCas.length);
        return new TestClient(webhook.port(), keepAlive, cas);
    }

    /** GET on the plain health port. */
    public TestClient.Response health(String path) {
        try {
            HttpResponse<byte[]> response = plain.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webhook.healthPort() + path))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return new TestClient.Response(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null),
                    response.body(),
                    null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        webhook.close();
    }
}
