package io.joblane.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.webhook.TestData;
import io.joblane.webhook.WebhookOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code /mutate} answers requests the JDK client cannot send, over raw TLS sockets: a body that stops coming,
 * a chunked body over the limit, a missing Host, other methods and paths. Pins the answers vertx-web's Router,
 * TimeoutHandler and BodyHandler give (a hand-written handler was tried in their place and not kept).
 */
class RequestLimitsHttpTest {
    private static final byte[] BODY =
            TestData.resource("admission/job-pod.json").getBytes(StandardCharsets.UTF_8);
    private static final long LIMIT = 64 << 10;

    @TempDir
    static Path dir;

    static TestWebhook server;

    @BeforeAll
    static void start() {
        server = new TestWebhook(
                dir,
                o -> new WebhookOptions(
                        o.config(),
                        o.tlsCert(),
                        o.tlsKey(),
                        o.host(),
                        o.port(),
                        o.healthPort(),
                        LIMIT,
                        Duration.ofSeconds(2),
                        o.reloadInterval(),
                        o.shutdownTimeout(),
                        o.namespaceRouting(),
                        o.informerSyncTimeout(),
                        o.listeners(),
                        o.lanesNamespace()));
        // One review first: the tests' good requests must meet the 2 s deadline, a cold JVM's first one took ~1 s.
        try (TestClient warm = server.client(true)) {
            warm.review(BODY);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A status line, the headers (lower-case names) and the body of one response. */
    private record Response(int status, String headers, String body) {}

    private static SSLSocket open() throws Exception {
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

    private static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        String headers = text.toLowerCase(Locale.ROOT);
        int at = headers.indexOf("content-length:");
        int length = Integer.parseInt(
                headers.substring(at + 15, headers.indexOf("\r\n", at)).trim());
        return new Response(
                Integer.parseInt(text.substring(9, 12)),
                headers,
                new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    /** True when the server closes the connection (within the socket's 20 s timeout). */
    private static boolean closedByServer(InputStream in) {
        try {
            while (in.read() >= 0) {
                // drain
            }
            return true;
        } catch (IOException e) {
            return !(e instanceof java.net.SocketTimeoutException);
        }
    }

    private static String head(String method, String path, String... headers) {
        return method + " " + path + " HTTP/1.1\r\n" + String.join("\r\n", headers) + "\r\n\r\n";
    }

    // Guards the request timeout: a client that declares a body and stops sending it must not hold the exchange.
    @Test
    void bodyThatStopsComingGets408AndTheConnectionClosed() throws Exception {
        try (SSLSocket socket = open()) {
            OutputStream out = socket.getOutputStream();
            out.write(head(
                            "POST",
                            "/mutate",
                            "Host: x",
                            "Content-Type: application/json",
                            "Content-Length: " + BODY.length)
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(BODY, 0, 100);
            out.flush();

            Response response = read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(408);
            assertThat(response.body()).contains("\"reason\":\"Timeout\"");
            assertThat(response.headers()).contains("connection: close");
            assertThat(closedByServer(socket.getInputStream())).isTrue();
        }
    }

    // Guards the body limit when no length is declared: chunks are counted as they arrive.
    @Test
    void chunkedBodyOverTheLimitGets413() throws Exception {
        try (SSLSocket socket = open()) {
            OutputStream out = socket.getOutputStream();
            out.write(head("POST", "/mutate", "Host: x", "Content-Type: application/json", "Transfer-Encoding: chunked")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[16 << 10];
            java.util.Arrays.fill(chunk, (byte) ' ');
            try {
                for (int i = 0; i < 8; i++) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException closedWhileSending) {
                // The server may answer and close before the last chunks are written.
            }

            Response response = read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.body()).contains("body larger than " + LIMIT + " bytes");
        }
    }

    @Test
    void chunkedBodyUnderTheLimitIsReviewedAndATrailingSlashIsTheSamePath() throws Exception {
        try (SSLSocket socket = open()) {
            OutputStream out = socket.getOutputStream();
            out.write(head(
                            "POST",
                            "/mutate/",
                            "Host: x",
                            "Content-Type: application/json; charset=utf-8",
                            "Transfer-Encoding: chunked")
                    .getBytes(StandardCharsets.US_ASCII));
            int half = BODY.length / 2;
            for (int[] part : new int[][] {{0, half}, {half, BODY.length}}) {
                out.write((Integer.toHexString(part[1] - part[0]) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(BODY, part[0], part[1] - part[0]);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            Response response = read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).contains("\"patchType\":\"JSONPatch\"");
        }
    }

    // Guards the body buffer sized from Content-Length and read in place: a body that arrives in pieces is reviewed
    // whole, and the next review on the same connection gets its own answer, not the previous body's.
    @Test
    void declaredBodyArrivingInPiecesIsReviewedWholeThenTheNextOnTheSameConnection() throws Exception {
        String first = new String(BODY, StandardCharsets.UTF_8);
        byte[] second = first.replace("3f7c1e0a-5b8d-4c1e-9a51-0d2b6f1c9e42", "00000000-0000-4000-8000-000000000002")
                .getBytes(StandardCharsets.UTF_8);
        try (SSLSocket socket = open()) {
            OutputStream out = socket.getOutputStream();
            out.write(head(
                            "POST",
                            "/mutate",
                            "Host: x",
                            "Content-Type: application/json",
                            "Content-Length: " + BODY.length)
                    .getBytes(StandardCharsets.US_ASCII));
            int third = BODY.length / 3;
            for (int[] part : new int[][] {{0, third}, {third, 2 * third}, {2 * third, BODY.length}}) {
                out.write(BODY, part[0], part[1] - part[0]);
                out.flush(); // one TLS record each, so the server receives the body as separate chunks
                Thread.sleep(50);
            }
            Response whole = read(socket.getInputStream());
            out.write(head(
                            "POST",
                            "/mutate",
                            "Host: x",
                            "Content-Type: application/json",
                            "Content-Length: " + second.length)
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(second);
            out.flush();
            Response next = read(socket.getInputStream());

            assertThat(whole.status()).isEqualTo(200);
            assertThat(whole.body())
                    .contains("\"uid\":\"3f7c1e0a-5b8d-4c1e-9a51-0d2b6f1c9e42\"")
                    .contains("\"patchType\":\"JSONPatch\"");
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body())
                    .contains("\"uid\":\"00000000-0000-4000-8000-000000000002\"")
                    .contains("\"patchType\":\"JSONPatch\"");
        }
    }

    @Test
    void otherMethodsAndPathsAre404AndAMissingHostIs400() throws Exception {
        Response get = exchange(head("GET", "/mutate", "Host: x"));
        Response other =
                exchange(head("POST", "/mutatex", "Host: x", "Content-Type: application/json", "Content-Length: 0"));
        Response noHost = exchange(head("POST", "/mutate", "Content-Type: application/json", "Content-Length: 0"));

        assertThat(get.status()).isEqualTo(404);
        assertThat(get.body()).contains("\"reason\":\"NotFound\"");
        assertThat(other.status()).isEqualTo(404);
        assertThat(noHost.status()).isEqualTo(400);
        assertThat(noHost.body()).contains("\"reason\":\"BadRequest\"");
    }

    private static Response exchange(String request) throws Exception {
        try (SSLSocket socket = open()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return read(socket.getInputStream());
        }
    }
}
