package io.joblane.webhook.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits what slow or flooding clients can hold on the HTTPS port, shared by every listener: connections in total
 * and per client address, a deadline for a new connection's first request (a client that connects and sends
 * nothing, or its headers a byte at a time, is closed), and the bytes of request bodies buffered at once. The API
 * server keeps a few dozen keep-alive connections per instance, far below the per-client cap. Thread-safe; called
 * on the event loops.
 */
final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    static final int MAX_CONNECTIONS = 1024;
    static final int MAX_CONNECTIONS_PER_CLIENT = 128;

    private final Vertx vertx;
    private final WebhookMetrics metrics;
    private final long firstRequestMillis;
    private final long bufferBudget;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, Integer> byClient = new ConcurrentHashMap<>();
    private final Map<HttpConnection, Long> awaitingFirstRequest = new ConcurrentHashMap<>();
    private final AtomicLong buffered = new AtomicLong();

    ConnectionGuard(Vertx vertx, WebhookMetrics metrics, Duration firstRequest, long bufferBudget) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.firstRequestMillis = Math.max(1, firstRequest.toMillis());
        this.bufferBudget = bufferBudget;
    }

    /** Budget for buffered bodies: a quarter of the heap, and at least one body of the limit. */
    static long defaultBufferBudget(long bodyLimit) {
        return Math.max(bodyLimit, Runtime.getRuntime().maxMemory() / 4);
    }

    void connected(HttpConnection connection) {
        String client = connection.remoteAddress() == null
                ? ""
                : connection.remoteAddress().hostAddress();
        int connections = total.incrementAndGet();
        int fromClient = byClient.merge(client, 1, Integer::sum);
        connection.closeHandler(v -> {
            total.decrementAndGet();
            byClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
            Long timer = awaitingFirstRequest.remove(connection);
            if (timer != null) {
                vertx.cancelTimer(timer);
            }
        });
        if (connections > MAX_CONNECTIONS || fromClient > MAX_CONNECTIONS_PER_CLIENT) {
            metrics.connectionRefused(connections > MAX_CONNECTIONS ? "total_limit" : "client_limit");
            LOG.warn(
                    "closing a new connection from {}: {} open in total, {} from that address (limits {} and {})",
                    client,
                    connections,
                    fromClient,
                    MAX_CONNECTIONS,
                    MAX_CONNECTIONS_PER_CLIENT);
            connection.close();
            return;
        }
        long timer = vertx.setTimer(firstRequestMillis, id -> {
            if (awaitingFirstRequest.remove(connection) != null) {
                metrics.connectionRefused("first_request_timeout");
                LOG.warn("closing a connection from {}: no complete request within {} ms", client, firstRequestMillis);
                connection.close();
            }
        });
        awaitingFirstRequest.put(connection, timer);
    }

    /** A request's headers arrived on {@code connection}: its first-request deadline is met. */
    void requestArrived(HttpConnection connection) {
        Long timer = awaitingFirstRequest.remove(connection);
        if (timer != null) {
            vertx.cancelTimer(timer);
        }
    }

    /** Reserves room to buffer a body of {@code bytes}; false when the budget is spent (answer 503). */
    boolean reserve(long bytes) {
        if (buffered.addAndGet(bytes) > bufferBudget) {
            buffered.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    void release(long bytes) {
        buffered.addAndGet(-bytes);
    }
}
