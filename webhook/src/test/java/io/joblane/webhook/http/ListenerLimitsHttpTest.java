package io.joblane.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.joblane.webhook.TestData;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener limits against raw TLS sockets: slow and flooding clients are closed, good clients still served. */
class ListenerLimitsHttpTest {
    private static final byte[] BODY =
            TestData.resource("admission/job-pod.json").getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private static SSLSocket open(TestWebhook server) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry(
                "ca",
                CertificateFactory.getInstance("X.509")
                        .generateCertificate(
                                new ByteArrayInputStream(server.tls.caPem().getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("localhost", server.webhook.port());
        socket.setSoTimeout(20_000);
        socket.startHandshake();
        return socket;
    }

    /** Reads until the server closes the connection; true when it did, false when it stayed open for 20 s. */
    private static boolean closedByServer(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // drain
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    // Regression: a client could hold connections open sending its headers a byte at a time (no header-phase timeout).
    @Test
    void connectionThatNeverCompletesItsFirstRequestIsClosedAndOthersAreServed() throws Exception {
        try (TestWebhook server = new TestWebhook(dir, o -> o.withRequestTimeout(Duration.ofSeconds(2)));
                TestClient good = server.client(true)) {
            // A first review to warm the JVM (a cold one took ~1 s of the 2 s), its answer not asserted: a 408 warms
            // too.
            good.review(BODY);
            try (SSLSocket slow = open(server)) {
                OutputStream out = slow.getOutputStream();
                out.write("POST /mutate HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();

                assertThat(closedByServer(slow)).isTrue();
                assertThat(good.review(BODY).status()).isEqualTo(200);
                assertThat(new String(server.health("/metrics").body(), StandardCharsets.UTF_8))
                        .containsPattern(
                                "joblane_webhook_connections_refused_total\\{reason=\"first_request_timeout\"} [1-9]");
            }
        }
    }

    // Regression: no connection cap; one client address could open connections until the process ran out.
    @Test
    void oneClientAddressCannotHoldMoreThanItsShareOfConnections() throws Exception {
        List<SSLSocket> sockets = new ArrayList<>();
        // A first-request deadline longer than opening them all takes on a busy machine: only the cap may close one.
        try (TestWebhook server = new TestWebhook(dir, o -> o.withRequestTimeout(Duration.ofMinutes(5)))) {
            try {
                for (int i = 0; i <= ConnectionGuard.MAX_CONNECTIONS_PER_CLIENT; i++) {
                    sockets.add(open(server));
                }
                // The listeners run one per event loop: a connection's server side may finish its handshake after a
                // later one's, so the one over the cap is whichever the server counted last, not always the last.
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200))
                        .during(Duration.ofSeconds(1))
                        .until(() -> closedByServerNow(sockets) == 1);
                assertThat(new String(server.health("/metrics").body(), StandardCharsets.UTF_8))
                        .containsPattern("joblane_webhook_connections_refused_total\\{reason=\"client_limit\"} 1");
            } finally {
                for (SSLSocket socket : sockets) {
                    socket.close();
                }
            }
            try (TestClient good = server.client(true)) {
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(
                                () -> assertThat(good.review(BODY).status()).isEqualTo(200));
            }
        }
    }

    /** How many of {@code sockets} the server has closed; a read that times out leaves an open one usable. */
    private static int closedByServerNow(List<SSLSocket> sockets) throws Exception {
        int closed = 0;
        for (SSLSocket socket : sockets) {
            socket.setSoTimeout(5);
            try {
                if (socket.getInputStream().read() < 0) {
                    closed++;
                }
            } catch (java.net.SocketTimeoutException e) {
                // still open
            } catch (java.io.IOException e) {
                closed++;
            }
        }
        return closed;
    }
}
