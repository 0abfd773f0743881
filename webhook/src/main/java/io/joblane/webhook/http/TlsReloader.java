package io.joblane.webhook.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the HTTPS servers serving the certificate on disk: polls the PEM files, checks a changed pair and hands
 * it to every server with {@code updateSSLOptions(options, true)} (existing connections keep theirs). A pair that
 * fails the check (e.g. a half-written rotation) keeps the old certificate and marks the webhook not in sync until
 * a later poll succeeds. Polls run on a worker thread; state is read from any thread.
 */
final class TlsReloader {
    private static final Logger LOG = LoggerFactory.getLogger(TlsReloader.class);
    static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    private final Vertx vertx;
    private final Path certFile;
    private final Path keyFile;
    private final WebhookMetrics metrics;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final AtomicBoolean polling = new AtomicBoolean();
    private volatile TlsMaterialFiles served;
    private volatile boolean inSync = true;
    private volatile byte[][] lastRejected;

    TlsReloader(Vertx vertx, Path certFile, Path keyFile, WebhookMetrics metrics) {
        this.vertx = vertx;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.metrics = metrics;
    }

    /** Reads and checks the files for the first listen; throws with the reason when they are unusable. */
    ServerSSLOptions initial() throws java.io.IOException {
        byte[][] bytes = TlsMaterialFiles.readBytes(certFile, keyFile);
        TlsMaterialFiles material = TlsMaterialFiles.check(bytes[0], bytes[1]);
        served = material;
        metrics.certificateServed(material.leaf().getNotAfter().toInstant());
        LOG.info(
                "serving certificate {} (expires {})",
                material.leaf().getSubjectX500Principal().getName(),
                material.leaf().getNotAfter().toInstant());
        return options(material);
    }

    void register(HttpServer server) {
        servers.add(server);
    }

    private void setInSync(boolean value) {
        inSync = value;
        metrics.certificateInSync(value);
    }

    /** True while the certificate being served is the one on disk. */
    boolean inSync() {
        return inSync;
    }

    TlsMaterialFiles served() {
        return served;
    }

    static ServerSSLOptions options(TlsMaterialFiles material) {
        return new ServerSSLOptions()
                .setEnabledSecureTransportProtocols(PROTOCOLS)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertValue(Buffer.buffer(material.cert()))
                        .setKeyValue(Buffer.buffer(material.key())));
    }

    /** One check of the files; overlapping calls are dropped. Completes when any reload is done. */
    Future<Void> poll() {
        if (!polling.compareAndSet(false, true)) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> TlsMaterialFiles.readBytes(certFile, keyFile), false)
                .compose(this::apply)
                .recover(error -> {
                    setInSync(false);
                    LOG.warn(
                            "cannot read tls files {} and {}, keeping the served certificate: {}",
                            certFile,
                            keyFile,
                            error.toString());
                    return Future.succeededFuture();
                })
                .eventually(() -> {
                    polling.set(false);
                    return Future.succeededFuture();
                });
    }

    private Future<Void> apply(byte[][] bytes) {
        TlsMaterialFiles current = served;
        if (current.sameBytes(bytes[0], bytes[1])) {
            setInSync(true);
            return Future.succeededFuture();
        }
        TlsMaterialFiles next;
        try {
            next = TlsMaterialFiles.check(bytes[0], bytes[1]);
        } catch (RuntimeException e) {
            return rejected(bytes, e.getMessage());
        }
        ServerSSLOptions options = options(next);
        List<Future<Boolean>> updates =
                servers.stream().map(s -> s.updateSSLOptions(options, true)).toList();
        return Future.all(updates).transform(result -> {
            if (result.failed()) {
                return rejected(bytes, result.cause().toString());
            }
            served = next;
            lastRejected = null;
            metrics.certificateReload(true);
            metrics.certificateServed(next.leaf().getNotAfter().toInstant());
            setInSync(true);
            LOG.info(
                    "tls certificate reloaded: {} (expires {})",
                    next.leaf().getSubjectX500Principal().getName(),
                    next.leaf().getNotAfter().toInstant());
            return Future.succeededFuture();
        });
    }

    private Future<Void> rejected(byte[][] bytes, String reason) {
        byte[][] previous = lastRejected;
        if (previous == null || !Arrays.equals(previous[0], bytes[0]) || !Arrays.equals(previous[1], bytes[1])) {
            // Once per distinct content: a rotation caught half-way is retried quietly on the next poll.
            lastRejected = bytes;
            metrics.certificateReload(false);
            LOG.warn("tls files changed but cannot be served yet, keeping the old certificate: {}", reason);
        }
        setInSync(false); // after the count: a scrape that sees out of sync also sees the failure counted
        return Future.succeededFuture();
    }
}
