package io.joblane.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.joblane.webhook.TestData;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config reload and graceful shutdown of the running webhook. */
class LifecycleHttpTest {
    private static final byte[] BODY =
            TestData.resource("admission/job-pod.json").getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private static String metrics(TestWebhook server) {
        return new String(server.health("/metrics").body(), StandardCharsets.UTF_8);
    }

    private static String group(TestClient client) {
        return client.review(BODY).json().at("/response/patch").asText();
    }

    /**
     * Replaces the file at once, as a ConfigMap update swaps its files: a plain write truncates first, and a reload
     * that reads the empty file would count one more failure than the test expects.
     */
    private static void replace(Path file, String content) throws java.io.IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, content);
        Files.move(
                next,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void changedConfigFileReroutesAndAnInvalidOneIsRefusedKeepingTheLastGood() throws Exception {
        try (TestWebhook server = new TestWebhook(dir);
                TestClient client = server.client(true)) {
            String before = group(client);

            replace(server.config, "nodeGroups:\n  - name: general\n    default: true\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> !group(client).equals(before));
            String general = new String(java.util.Base64.getDecoder().decode(group(client)), StandardCharsets.UTF_8);
            replace(server.config, "nodeGroups:\n  - name: general\n    default: maybe\n");
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            metrics(server).contains("joblane_webhook_config_reloads_total{result=\"failure\"} 1.0"));

            assertThat(general)
                    .contains("\"joblane.io/node-group\":\"general\"")
                    .doesNotContain("tolerations");
            assertThat(new String(java.util.Base64.getDecoder().decode(group(client)), StandardCharsets.UTF_8))
                    .isEqualTo(general);
            assertThat(metrics(server)).contains("joblane_webhook_config_reloads_total{result=\"success\"} 1.0");
            assertThat(server.health("/readyz").status()).isEqualTo(200);
        }
    }

    @Test
    void shutdownTurnsNotReadyAndLetsTheRequestInFlightFinish() throws Exception {
        // A grace and a request deadline longer than the checks below take on a starved machine: only the request may
        // end the shutdown, and it must still be answered 200.
        TestWebhook server = new TestWebhook(
                dir, o -> o.withShutdownTimeout(Duration.ofSeconds(60)).withRequestTimeout(Duration.ofSeconds(60)));
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket)
                trustAll(server).getSocketFactory().createSocket("localhost", server.webhook.port())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Connection: close\r\nContent-Length: " + BODY.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(BODY, 0, BODY.length / 2);
            out.flush();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> metrics(server).contains("joblane_webhook_requests_in_flight 1.0"));

            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> server.health("/readyz").status() == 503);
            assertThat(new String(server.health("/readyz").body(), StandardCharsets.UTF_8))
                    .contains("shutting down");
            assertThat(closing).isNotDone();

            out.write(BODY, BODY.length / 2, BODY.length - BODY.length / 2);
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            closing.get(30, TimeUnit.SECONDS);

            assertThat(response).startsWith("HTTP/1.1 200 OK");
            assertThat(response).contains("\"patchType\":\"JSONPatch\"");
            assertThatThrownBy(() -> server.client(false).review(BODY)).isInstanceOf(RuntimeException.class);
        } finally {
            server.close();
        }
    }

    /** The collector's metrics follow the JVM while the webhook runs and stop when it is closed (no listener left). */
    @Test
    void closingStopsRecordingCollections() throws Exception {
        TestWebhook server = new TestWebhook(dir);
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry = server.webhook.registry();
        try {
            long before = collectionsRecorded(registry);
            collectAndAwaitNotification();
            assertThat(collectionsRecorded(registry)).isGreaterThan(before);
        } finally {
            server.close();
        }
        long atClose = collectionsRecorded(registry);
        collectAndAwaitNotification();
        assertThat(collectionsRecorded(registry)).isEqualTo(atClose);
    }

    private static long collectionsRecorded(io.micrometer.core.instrument.MeterRegistry registry) {
        return registry.find("jvm.gc.pause").timers().stream()
                .mapToLong(io.micrometer.core.instrument.Timer::count)
                .sum();
    }

    /**
     * A full collection, returning once a listener added now was told of it: a collector calls its listeners in the
     * order they were added, so any listener the webhook left has been called by then.
     */
    private static void collectAndAwaitNotification() throws Exception {
        java.util.concurrent.CountDownLatch told = new java.util.concurrent.CountDownLatch(1);
        javax.management.NotificationListener listener = (n, handback) -> told.countDown();
        java.util.List<javax.management.NotificationEmitter> emitters = new java.util.ArrayList<>();
        for (java.lang.management.GarbageCollectorMXBean bean :
                java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            if (bean instanceof javax.management.NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
        try {
            System.gc();
            assertThat(told.await(30, TimeUnit.SECONDS))
                    .as("a collection was notified")
                    .isTrue();
        } finally {
            for (javax.management.NotificationEmitter emitter : emitters) {
                emitter.removeNotificationListener(listener);
            }
        }
    }

    private static javax.net.ssl.SSLContext trustAll(TestWebhook server) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", io.joblane.certs.x509.Pem.parseCertificate(server.tls.caPem(), "ca"));
        javax.net.ssl.TrustManagerFactory tmf =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }
}
