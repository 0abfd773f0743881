package io.joblane.webhook.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.joblane.certs.x509.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

/**
 * A blocking HTTPS client for tests (the JDK's, independent of the server's stack) that trusts the given CA PEMs
 * and checks the host name "localhost". Without keep-alive each request asks for its own connection, so every
 * call does a fresh TLS handshake (needs -Djdk.httpclient.allowRestrictedHeaders=connection, set in the POM).
 */
public final class TestClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client;
    private final int port;
    private final boolean keepAlive;

    /** A response: status, body, and the certificate the server presented on that connection. */
    public record Response(int status, String contentType, byte[] body, X509Certificate served) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public TestClient(int port, boolean keepAlive, String... caPems) {
        this.port = port;
        this.keepAlive = keepAlive;
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int n = 0;
            for (String pem : caPems) {
                for (X509Certificate ca : Pem.parseCertificates(pem, "ca")) {
                    trust.setCertificateEntry("ca" + n++, ca);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            client = HttpClient.newBuilder()
                    .sslContext(ssl)
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Response post(String path, String contentType, byte[] body) {
        HttpRequest.Builder request = request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    public Response review(byte[] body) {
        return post("/mutate", "application/json", body);
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30));
        if (!keepAlive) {
            builder.header("Connection", "close");
        }
        return builder;
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            X509Certificate served = null;
            if (response.sslSession().isPresent()) {
                try {
                    served = (X509Certificate) response.sslSession().get().getPeerCertificates()[0];
                } catch (SSLPeerUnverifiedException e) {
                    served = null;
                }
            }
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null),
                    response.body(),
                    served);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        // The JDK 17 client has no close(); its connections end with the server.
    }
}
