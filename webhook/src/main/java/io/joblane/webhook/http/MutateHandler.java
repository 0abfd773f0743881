package io.joblane.webhook.http;

import io.joblane.webhook.admission.AdmissionCodec;
import io.joblane.webhook.admission.AdmissionReviewer;
import io.joblane.webhook.admission.Answer;
import io.joblane.webhook.mutation.Outcome;
import io.netty.handler.codec.DecoderException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS port's request handler: {@code POST /mutate} answered on the event loop, everything else 404. Per
 * request: a deadline for receiving and answering it (408), a content type (415) and declared length (413) checked
 * before the body is read, room reserved in the shared body budget (503), the body buffered up to the limit (413),
 * then the review. Written against the request directly rather than through vertx-web's Router, TimeoutHandler and
 * BodyHandler, which cost a map, a routing context and two body copies per request (see the README's benchmark);
 * the answers are theirs. Called on the listener's event loop.
 */
final class MutateHandler implements Handler<HttpServerRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(MutateHandler.class);
    private static final String PATH = "/mutate";
    private static final String JSON = "application/json";
    private static final CharSequence JSON_HEADER = HttpHeaders.createOptimized(JSON);
    private static final CharSequence CLOSE = HttpHeaders.createOptimized("close");
    /** The first allocation for a body of undeclared length (chunked); it doubles up to the limit. */
    private static final int CHUNKED_INITIAL_BYTES = 8192;

    private final Vertx vertx;
    private final AdmissionReviewer reviewer;
    private final WebhookMetrics metrics;
    private final ConnectionGuard guard;
    private final long bodyLimit;
    private final long timeoutMillis;

    MutateHandler(Vertx vertx, AdmissionReviewer reviewer, WebhookMetrics metrics, ConnectionGuard guard,
                  long bodyLimit, Duration requestTimeout) {
        this.vertx = vertx;
        this.reviewer = reviewer;
        this.metrics = metrics;
        this.guard = guard;
        // A body is one Java array, as it was one Vert.x Buffer.
        this.bodyLimit = Math.min(bodyLimit, Integer.MAX_VALUE - 8);
        this.timeoutMillis = Math.max(1, requestTimeout.toMillis());
    }

    @Override
    public void handle(HttpServerRequest request) {
        long start = System.nanoTime();
        guard.requestArrived(request.connection());
        String path = request.path();
        if (request.version() != HttpVersion.HTTP_1_0 && request.authority() == null
                || path == null || path.isEmpty()) {
            fail(request, start, 400, "BadRequest", "unreadable request");
        } else if (request.method() != HttpMethod.POST || !isMutatePath(path)) {
            fail(request, start, 404, "NotFound", "only POST /mutate is served on this port");
        } else {
            new Exchange(request, start).begin();
        }
    }

    /** {@code /mutate}, with or without a trailing slash, as the Router matched it. */
    private static boolean isMutatePath(String path) {
        return path.equals(PATH) || path.length() == PATH.length() + 1 && path.startsWith(PATH)
                && path.charAt(PATH.length()) == '/';
    }

    /** One {@code POST /mutate} from its head to its answer. */
    private final class Exchange {
        private final HttpServerRequest request;
        private final long start;
        private long timer = -1;
        private long reserved;
        private byte[] body;
        private int length;
        private boolean refused;

        Exchange(HttpServerRequest request, long start) {
            this.request = request;
            this.start = start;
        }

        void begin() {
            metrics.started();
            // Called on end, and on a close before the answer was written.
            request.response().endHandler(v -> finished());
            timer = vertx.setTimer(timeoutMillis, id -> timedOut());
            if (headersRefused()) {
                return;
            }
            String expect = request.getHeader(HttpHeaders.EXPECT);
            if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
                fail(request, start, 417, "ExpectationFailed", "only Expect: 100-continue is understood");
                return;
            }
            if (expect != null && request.version() != HttpVersion.HTTP_1_0) {
                request.response().writeContinue();
            }
            request.handler(this::chunk).endHandler(v -> received()).exceptionHandler(this::broken);
        }

        /**
         * Refuses a wrong content type (415) or a declared length over the limit (413) before the body is buffered.
         * The body is still read and dropped, so the client gets the answer instead of a reset and the connection
         * stays usable; the request timeout bounds how long that may take.
         */
        private boolean headersRefused() {
            String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
            if (!isJson(type)) {
                afterBody(() -> fail(request, start, 415, "UnsupportedMediaType",
                        "content type must be application/json, not " + (type == null ? "(none)" : "\"" + type + "\"")));
                return true;
            }
            long declared = declaredLength(request.getHeader(HttpHeaders.CONTENT_LENGTH));
            if (declared > bodyLimit) {
                afterBody(() -> tooLarge());
                return true;
            }
            long reserve = declared < 0 ? bodyLimit : declared;
            if (!guard.reserve(reserve)) {
                // Refused before buffering (and the connection closed): many large bodies at once would exhaust the heap.
                fail(request, start, 503, "ServiceUnavailable", "too many request bodies being received at once");
                return true;
            }
            reserved = reserve;
            body = new byte[declared < 0 ? (int) Math.min(CHUNKED_INITIAL_BYTES, bodyLimit) : (int) declared];
            return false;
        }

        private void chunk(Buffer chunk) {
            if (refused) {
                return;
            }
            int size = chunk.length();
            if (length + (long) size > bodyLimit) {
                refused = true;
                tooLarge();
                return;
            }
            if (length + size > body.length) {
                body = Arrays.copyOf(body, (int) Math.min(bodyLimit, Math.max(length + (long) size,
                        2L * body.length)));
            }
            chunk.getBytes(0, size, body, length);
            length += size;
        }

        private void received() {
            if (refused || request.response().ended()) {
                return;
            }
            cancelTimer();
            byte[] bytes = length == body.length ? body : Arrays.copyOf(body, length);
            body = null;
            Answer answer;
            try {
                answer = reviewer.review(bytes);
            } catch (RuntimeException e) {
                LOG.error("unexpected failure answering POST {}", request.path(), e);
                fail(request, start, 500, "InternalError", "internal error");
                return;
            }
            if (answer.status() != 200) {
                LOG.warn("rejected request from {}: {} {}", request.remoteAddress(), answer.status(), answer.reason());
            } else if (LOG.isDebugEnabled()) {
                LOG.debug("uid={} outcome={} group={} dryRun={} reason={}", answer.uid(), answer.outcome().label(),
                        answer.group(), answer.dryRun(), answer.reason());
            }
            send(request, answer.status(), answer.body());
            metrics.request(answer.outcome(), answer.group(), answer.dryRun(), answer.conflicts(), elapsed(start));
        }

        /** A malformed chunked body is the client's fault (400); a connection that broke has no one to answer. */
        private void broken(Throwable failure) {
            refused = true;
            if (failure instanceof DecoderException) {
                fail(request, start, 400, "BadRequest", "unreadable request");
            } else {
                LOG.debug("request from {} broke off: {}", request.remoteAddress(), failure.toString());
            }
        }

        private void tooLarge() {
            fail(request, start, 413, "RequestEntityTooLarge", "body larger than " + bodyLimit + " bytes");
        }

        private void timedOut() {
            timer = -1;
            refused = true;
            fail(request, start, 408, "Timeout", "request not received within " + timeoutMillis + " ms");
        }

        private void finished() {
            cancelTimer();
            guard.release(reserved);
            reserved = 0;
            metrics.finished();
        }

        private void cancelTimer() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }

        /** Reads and drops the rest of the body, then answers. */
        private void afterBody(Runnable answer) {
            refused = true;
            if (request.isEnded()) {
                answer.run();
                return;
            }
            request.handler(ignored -> { });
            request.endHandler(v -> answer.run());
        }
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return media.equalsIgnoreCase(JSON);
    }

    /** The declared body length, or -1 when none is declared (chunked) or it is unreadable. */
    private static long declaredLength(String contentLength) {
        if (contentLength == null) {
            return -1;
        }
        try {
            return Math.max(0, Long.parseLong(contentLength.trim()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void fail(HttpServerRequest request, long start, int status, String reason, String message) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.headWritten()) {
            return;
        }
        if (status != 500) {
            LOG.warn("rejected request from {}: {} {}", request.remoteAddress(), status, message);
        }
        send(request, status, AdmissionCodec.error(status, reason, message));
        metrics.request(Outcome.ERROR, "none", false, 0, elapsed(start));
    }

    private static void send(HttpServerRequest request, int status, byte[] body) {
        // Answered before the body was read (413, 415, 408): the unread rest would wedge the connection, so close it.
        boolean unread = !request.isEnded();
        HttpServerResponse response = request.response();
        if (unread) {
            response.putHeader(HttpHeaders.CONNECTION, CLOSE);
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON_HEADER).end(Buffer.buffer(body))
                .onComplete(done -> {
                    if (unread) {
                        request.connection().close();
                    }
                });
    }

    private static long elapsed(long start) {
        return System.nanoTime() - start;
    }
}
