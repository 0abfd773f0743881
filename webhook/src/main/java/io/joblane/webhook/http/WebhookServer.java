package io.joblane.webhook.http;

import io.joblane.webhook.admission.AdmissionCodec;
import io.joblane.webhook.admission.AdmissionReviewer;
import io.joblane.webhook.admission.Answer;
import io.joblane.webhook.mutation.Outcome;
import io.netty.buffer.ByteBuf;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's two listeners: HTTPS {@code POST /mutate} (TLS 1.2+, reloaded certificate) on one server per
 * event loop, and plain HTTP {@code /healthz}, {@code /readyz}, {@code /metrics} on the health port. Requests are
 * answered on the event loop (the review is pure and takes microseconds). {@link #start()} is called once from a
 * non-Vert.x thread, {@link #stop()} on shutdown.
 */
public final class WebhookServer {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);
    private static final String START = "joblane.start";
    private static final String JSON = "application/json";

    /** How to listen; {@code port} and {@code healthPort} may be 0 for a random port (tests). */
    public record Settings(
            String host,
            int port,
            int healthPort,
            Path certFile,
            Path keyFile,
            long bodyLimitBytes,
            Duration requestTimeout,
            Duration tlsPollInterval,
            int instances) {}

    private final Vertx vertx;
    private final Settings settings;
    private final AdmissionReviewer reviewer;
    private final WebhookMetrics metrics;
    private final Supplier<String> scrape;
    private final Supplier<String> degradedReason;
    private final TlsReloader tls;
    private final ConnectionGuard guard;
    private final List<HttpServer> servers = new ArrayList<>();
    private HttpServer health;
    private long pollTimer = -1;
    private volatile boolean started;
    private volatile boolean stopping;

    /**
     * @param scrape the Prometheus text of the registry the metrics live in
     * @param degradedReason what the rest of the process serves worse than it should (e.g. the namespace informer
     *                       stopped), or null; shown on {@code /readyz} and in metrics, never a reason to be unready
     */
    public WebhookServer(
            Vertx vertx,
            Settings settings,
            AdmissionReviewer reviewer,
            WebhookMetrics metrics,
            Supplier<String> scrape,
            Supplier<String> degradedReason) {
        this.vertx = vertx;
        this.settings = settings;
        this.reviewer = reviewer;
        this.metrics = metrics;
        this.scrape = scrape;
        this.degradedReason = degradedReason;
        this.tls = new TlsReloader(vertx, settings.certFile(), settings.keyFile(), metrics);
        this.guard = new ConnectionGuard(
                vertx,
                metrics,
                settings.requestTimeout(),
                ConnectionGuard.defaultBufferBudget(settings.bodyLimitBytes()));
    }

    /** Loads the certificate (failing with the reason when unusable), then listens on both ports. */
    public Future<Void> start() {
        ServerSSLOptions ssl;
        try {
            ssl = tls.initial();
        } catch (IOException | RuntimeException e) {
            return Future.failedFuture(new IllegalStateException(
                    "cannot use tls files " + settings.certFile() + " and " + settings.keyFile() + ": "
                            + e.getMessage(),
                    e));
        }
        HttpServerOptions options = new HttpServerOptions()
                .setHost(settings.host())
                .setSsl(true)
                .setKeyCertOptions(ssl.getKeyCertOptions())
                .setEnabledSecureTransportProtocols(TlsReloader.PROTOCOLS)
                .setSslHandshakeTimeout(10)
                .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
                // Just longer than the API server's 90 s idle timeout, so the client closes idle connections first.
                .setIdleTimeout(100)
                .setMaxInitialLineLength(1024)
                .setMaxHeaderSize(8192)
                .setCompressionSupported(false)
                // No WebSocket on this port: without the handshakers Netty's extension handler leaves the pipeline.
                .setPerFrameWebSocketCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(false);
        if (OpenSSLEngineOptions.isAvailable() && !"jdk".equals(System.getProperty("joblane.tls.engine"))) {
            // BoringSSL (netty-tcnative) costs a fraction of the JDK engine's CPU per record.
            options.setSslEngineOptions(new OpenSSLEngineOptions());
        }
        LOG.info("tls engine: {}", options.getSslEngineOptions() instanceof OpenSSLEngineOptions ? "openssl" : "jdk");
        // A negative port makes Vert.x pick one random port shared by every listener (tests ask for port 0).
        int port = settings.port() == 0 ? -1 : settings.port();
        Future<String> all = vertx.deployVerticle(
                () -> new Listener(options, port),
                new DeploymentOptions().setInstances(Math.max(1, settings.instances())));
        return all.compose(v -> vertx.createHttpServer(new HttpServerOptions().setHost(settings.host()))
                        .requestHandler(healthRouter())
                        .listen(settings.healthPort()))
                .map(server -> {
                    health = server;
                    long pollMillis = Math.max(100, settings.tlsPollInterval().toMillis());
                    pollTimer = vertx.setPeriodic(pollMillis, id -> tls.poll());
                    started = true;
                    LOG.info(
                            "serving POST /mutate on https://{}:{} ({} listeners), health on http://{}:{}",
                            settings.host(),
                            port(),
                            servers.size(),
                            settings.host(),
                            healthPort());
                    return null;
                });
    }

    /**
     * One HTTPS listener; deployed once per event loop, Vert.x shares the port between the instances and spreads
     * connections round-robin.
     */
    private final class Listener extends VerticleBase {
        private final HttpServerOptions options;
        private final int port;

        Listener(HttpServerOptions options, int port) {
            this.options = options;
            this.port = port;
        }

        @Override
        public Future<?> start() {
            return vertx.createHttpServer(options)
                    .connectionHandler(guard::connected)
                    .requestHandler(webhookRouter())
                    .listen(port)
                    .onSuccess(s -> {
                        synchronized (servers) {
                            servers.add(s);
                        }
                        tls.register(s);
                    });
        }
    }

    public int port() {
        return servers.get(0).actualPort();
    }

    public int healthPort() {
        return health.actualPort();
    }

    /**
     * Why the webhook cannot serve, or null when it can. Only this process's own state counts: a certificate on disk
     * that does not load (a bad Secret) or a stopped namespace informer hit every replica at once, and failing
     * readiness for them would empty the Service and, with failurePolicy Fail, refuse every Job pod while the
     * served certificate is still good. Those are reported by {@link #degradedReason()}, metrics and alerts.
     */
    public String notReadyReason() {
        if (stopping) {
            return "shutting down";
        }
        if (!started) {
            return "starting";
        }
        return null;
    }

    /** What is wrong although the webhook serves, or null. */
    public String degradedReason() {
        if (!tls.inSync()) {
            return "the certificate on disk cannot be loaded; serving the previous one";
        }
        return degradedReason.get();
    }

    /** Stops being ready, lets in-flight requests finish (up to {@code grace}), then closes the listeners. */
    public Future<Void> stop(Duration grace) {
        stopping = true;
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
        }
        List<Future<Void>> closing = new ArrayList<>();
        for (HttpServer server : servers) {
            closing.add(server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS));
        }
        return Future.join(closing)
                .transform(r -> health == null ? Future.succeededFuture() : health.shutdown(1, TimeUnit.SECONDS))
                .mapEmpty();
    }

    private Router webhookRouter() {
        Router router = Router.router(vertx);
        router.post("/mutate")
                .handler((PlatformHandler) ctx -> {
                    guard.requestArrived(ctx.request().connection());
                    ctx.put(START, System.nanoTime());
                    metrics.started();
                    ctx.addEndHandler(v -> metrics.finished());
                    ctx.next();
                })
                .handler(TimeoutHandler.create(settings.requestTimeout().toMillis(), 408))
                // Before the body is read, so a wrong type is refused without buffering it.
                .handler((PlatformHandler) this::checkHeaders)
                // The body buffer sized from Content-Length (capped at 64 KiB by vertx-web, and already reserved by
                // checkHeaders) instead of 1 KiB grown by copying: 40 % of the bytes allocated per review.
                .handler(BodyHandler.create(false)
                        .setBodyLimit(settings.bodyLimitBytes())
                        .setPreallocateBodyBuffer(true))
                .handler(this::review);
        router.route().handler(ctx -> fail(ctx, 404, "NotFound", "only POST /mutate is served on this port"));
        router.errorHandler(
                413,
                ctx -> fail(
                        ctx, 413, "RequestEntityTooLarge", "body larger than " + settings.bodyLimitBytes() + " bytes"));
        router.errorHandler(
                408,
                ctx -> fail(
                        ctx,
                        408,
                        "Timeout",
                        "request not received within "
                                + settings.requestTimeout().toMillis() + " ms"));
        router.errorHandler(400, ctx -> fail(ctx, 400, "BadRequest", "unreadable request"));
        router.errorHandler(500, ctx -> {
            LOG.error(
                    "unexpected failure answering {} {}",
                    ctx.request().method(),
                    ctx.request().path(),
                    ctx.failure());
            fail(ctx, 500, "InternalError", "internal error");
        });
        return router;
    }

    /**
     * Refuses a wrong content type (415) or a declared length over the limit (413) before the body is buffered.
     * The body is still read and dropped, so the client gets the answer instead of a reset and the connection
     * stays usable; the request timeout bounds how long that may take.
     */
    private void checkHeaders(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!JSON.equals(media)) {
            afterBody(
                    ctx,
                    () -> fail(
                            ctx,
                            415,
                            "UnsupportedMediaType",
                            "content type must be application/json, not "
                                    + (type == null ? "(none)" : "\"" + type + "\"")));
            return;
        }
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && tooLarge(length)) {
            afterBody(
                    ctx,
                    () -> fail(
                            ctx,
                            413,
                            "RequestEntityTooLarge",
                            "body larger than " + settings.bodyLimitBytes() + " bytes"));
            return;
        }
        long reserved = declaredLength(length);
        if (!guard.reserve(reserved)) {
            // Refused before buffering (and the connection closed): many large bodies at once would exhaust the heap.
            fail(ctx, 503, "ServiceUnavailable", "too many request bodies being received at once");
            return;
        }
        ctx.addEndHandler(v -> guard.release(reserved));
        ctx.next();
    }

    /** The body size to reserve: the declared length, or the limit when none is declared (chunked). */
    private long declaredLength(String contentLength) {
        try {
            return contentLength == null
                    ? settings.bodyLimitBytes()
                    : Math.max(0, Long.parseLong(contentLength.trim()));
        } catch (NumberFormatException e) {
            return settings.bodyLimitBytes();
        }
    }

    private boolean tooLarge(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > settings.bodyLimitBytes();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void afterBody(RoutingContext ctx, Runnable answer) {
        if (ctx.request().isEnded()) {
            answer.run();
            return;
        }
        ctx.request().handler(ignored -> {});
        ctx.request().endHandler(v -> answer.run());
        ctx.request().resume();
    }

    private void review(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        Answer answer = body == null ? reviewer.review(new byte[0]) : review(body);
        if (answer.status() != 200) {
            LOG.warn(
                    "rejected request from {}: {} {}", ctx.request().remoteAddress(), answer.status(), answer.reason());
        } else if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "uid={} outcome={} group={} dryRun={} reason={}",
                    answer.uid(),
                    answer.outcome().label(),
                    answer.group(),
                    answer.dryRun(),
                    answer.reason());
        }
        send(ctx, answer.status(), answer.body());
        // After the answer is handed to the connection: the latency runs from request start to response end.
        metrics.request(answer.outcome(), answer.group(), answer.dryRun(), answer.conflicts(), elapsed(ctx));
    }

    /**
     * Reads the review straight from the body buffer's array (BodyHandler's buffers are heap buffers) instead of a
     * copy of it: 3.8 KB less garbage per review of the example pod.
     */
    private Answer review(Buffer body) {
        ByteBuf bytes = ((BufferInternal) body).getByteBuf();
        if (bytes.hasArray()) {
            return reviewer.review(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
        }
        return reviewer.review(body.getBytes());
    }

    private void fail(RoutingContext ctx, int status, String reason, String message) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        if (status != 500) {
            LOG.warn("rejected request from {}: {} {}", ctx.request().remoteAddress(), status, message);
        }
        send(ctx, status, AdmissionCodec.error(status, reason, message));
        metrics.request(Outcome.ERROR, "none", false, 0, elapsed(ctx));
    }

    private static void send(RoutingContext ctx, int status, byte[] body) {
        // Answered before the body was read (413, 415, 408): the unread rest would wedge the connection, so close it.
        boolean unread = !ctx.request().isEnded();
        if (unread) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .end(Buffer.buffer(body))
                .onComplete(done -> {
                    if (unread) {
                        ctx.request().connection().close();
                    }
                });
    }

    private static long elapsed(RoutingContext ctx) {
        Long start = ctx.get(START);
        return start == null ? 0 : System.nanoTime() - start;
    }

    private Router healthRouter() {
        Router router = Router.router(vertx);
        router.get("/healthz").handler(ctx -> ctx.response().end("ok\n"));
        router.get("/readyz").handler(ctx -> {
            String reason = notReadyReason();
            if (reason == null) {
                String degraded = degradedReason();
                ctx.response().end(degraded == null ? "ready\n" : "ready (degraded: " + degraded + ")\n");
            } else {
                ctx.response().setStatusCode(503).end("not ready: " + reason + "\n");
            }
        });
        router.get("/metrics")
                .handler(ctx -> ctx.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                        .end(scrape.get()));
        return router;
    }
}
