package io.joblane.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.joblane.certs.x509.Pem;
import io.joblane.certs.x509.TlsMaterial;
import io.joblane.webhook.TestData;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secret rotation: new files written over the old ones while clients keep calling. */
class CertificateReloadHttpTest {
    private static final byte[] BODY =
            TestData.resource("admission/job-pod.json").getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private static BigInteger serial(TlsMaterial material) {
        return Pem.parseCertificate(material.certPem(), "cert").getSerialNumber();
    }

    @Test
    void rotatedFilesAreServedWithoutAFailedRequest() throws Exception {
        TlsMaterial next = TestTls.mint();
        try (TestWebhook server = new TestWebhook(dir);
                TestClient pooled = server.client(true, next.caPem());
                TestClient fresh = server.client(false, next.caPem())) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            AtomicReference<String> failure = new AtomicReference<>();
            Thread caller = new Thread(
                    () -> {
                        while (running.get()) {
                            for (TestClient client : new TestClient[] {pooled, fresh}) {
                                try {
                                    int status = client.review(BODY).status();
                                    if (status == 200) {
                                        ok.incrementAndGet();
                                    } else {
                                        failure.compareAndSet(null, "status " + status);
                                    }
                                } catch (RuntimeException e) {
                                    failure.compareAndSet(null, e.toString());
                                }
                            }
                        }
                    },
                    "caller");
            caller.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() >= 20);

            TestTls.write(next, server.cert, server.key);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(fresh.review(BODY).served().getSerialNumber())
                            .isEqualTo(serial(next)));
            int afterReload = ok.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() >= afterReload + 20);
            running.set(false);
            caller.join(30_000);

            assertThat(failure.get()).isNull();
            assertThat(server.health("/readyz").status()).isEqualTo(200);
            String metrics = new String(server.health("/metrics").body(), StandardCharsets.UTF_8);
            assertThat(metrics)
                    .containsPattern("joblane_webhook_certificate_reloads_total\\{result=\"success\"} [1-9]");
            long notAfter = Pem.parseCertificate(next.certPem(), "c")
                    .getNotAfter()
                    .toInstant()
                    .getEpochSecond();
            assertThat(metrics).contains("joblane_webhook_certificate_expiry_timestamp_seconds " + (double) notAfter);
        }
    }

    // Regression: a certificate on disk that does not load (a bad Secret, on every replica at once) failed /readyz
    // everywhere although the served certificate was good: the Service lost all endpoints and Fail refused Job pods.
    @Test
    void readinessHoldsAndMetricsTellWhileTheFilesOnDiskCannotBeServed() throws Exception {
        TlsMaterial next = TestTls.mint();
        try (TestWebhook server = new TestWebhook(dir);
                TestClient fresh = server.client(false, next.caPem())) {
            BigInteger original = serial(server.tls);

            Files.writeString(server.cert, next.certPem());
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> metrics(server).contains("joblane_webhook_certificate_in_sync 0.0"));

            TestClient.Response ready = server.health("/readyz");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(new String(ready.body(), StandardCharsets.UTF_8))
                    .contains("degraded: the certificate on disk cannot be loaded; serving the previous one");
            assertThat(metrics(server))
                    .containsPattern("joblane_webhook_certificate_reloads_total\\{result=\"failure\"} [1-9]");
            TestClient.Response during = fresh.review(BODY);
            assertThat(during.status()).isEqualTo(200);
            assertThat(during.served().getSerialNumber()).isEqualTo(original);

            Files.writeString(server.key, next.keyPem());
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> metrics(server).contains("joblane_webhook_certificate_in_sync 1.0"));
            assertThat(new String(server.health("/readyz").body(), StandardCharsets.UTF_8))
                    .isEqualTo("ready\n");
            assertThat(fresh.review(BODY).served().getSerialNumber()).isEqualTo(serial(next));
        }
    }

    private static String metrics(TestWebhook server) throws Exception {
        return new String(server.health("/metrics").body(), StandardCharsets.UTF_8);
    }
}
