package io.joblane.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.certs.x509.CertificateMint;
import io.joblane.certs.x509.KeyAlgorithm;
import io.joblane.certs.x509.MintOptions;
import io.joblane.certs.x509.TlsMaterial;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A real TLS server (Vert.x) serving a minted leaf, and clients that trust the minted CA or another one. */
class TlsHandshakeHttpTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void clientTrustingOnlyTheMintedCaConnectsAndOthersFail(KeyAlgorithm algorithm) throws Exception {
        MintOptions options =
                new MintOptions(algorithm, MintOptions.DEFAULT_CA_VALIDITY, MintOptions.DEFAULT_LEAF_VALIDITY);
        TlsMaterial minted =
                CertificateMint.mint("joblane-webhook", "joblane", List.of("localhost"), options, Clock.systemUTC());
        TlsMaterial stranger =
                CertificateMint.mint("joblane-webhook", "joblane", List.of("localhost"), options, Clock.systemUTC());

        HttpServer server = await(vertx.createHttpServer(new HttpServerOptions()
                        .setSsl(true)
                        .setKeyCertOptions(new PemKeyCertOptions()
                                .setCertValue(Buffer.buffer(minted.certPem()))
                                .setKeyValue(Buffer.buffer(minted.keyPem()))))
                .requestHandler(req -> req.response().end("ok"))
                .listen(0));
        int port = server.actualPort();

        assertThat(get(minted.caPem(), "localhost", port)).isEqualTo("ok");
        assertThatThrownBy(() -> get(stranger.caPem(), "localhost", port))
                .as("client trusting another CA")
                .isInstanceOf(javax.net.ssl.SSLHandshakeException.class)
                .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class);
        assertThatThrownBy(() -> get(minted.caPem(), "127.0.0.1", port))
                .as("a host name not in the certificate")
                .isInstanceOf(javax.net.ssl.SSLHandshakeException.class)
                .hasStackTraceContaining("No subject alternative names matching IP address 127.0.0.1");
    }

    private String get(String trustedCaPem, String host, int port) throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setSsl(true)
                .setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(trustedCaPem))));
        try {
            return await(client.request(HttpMethod.GET, port, host, "/")
                            .compose(req -> req.send().compose(resp -> resp.body())))
                    .toString();
        } finally {
            await(client.close());
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
