package io.joblane.webhook;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the running webhook needs, already validated by {@link Main} (or built directly by tests).
 * {@code lanesNamespace}: where the scaler's {@code joblane-lanes} ConfigMap is; null or empty turns lanes off.
 */
public record WebhookOptions(
        Path config,
        Path tlsCert,
        Path tlsKey,
        String host,
        int port,
        int healthPort,
        long bodyLimitBytes,
        Duration requestTimeout,
        Duration reloadInterval,
        Duration shutdownTimeout,
        NamespaceRoutingMode namespaceRouting,
        Duration informerSyncTimeout,
        int listeners,
        String lanesNamespace) {

    public enum NamespaceRoutingMode {
        AUTO,
        OFF
    }

    /** Test and demo defaults: localhost, random ports, routing and lanes off, fast reloads. */
    public static WebhookOptions local(Path config, Path tlsCert, Path tlsKey) {
        return new WebhookOptions(
                config,
                tlsCert,
                tlsKey,
                "127.0.0.1",
                0,
                0,
                3L << 20,
                Duration.ofSeconds(10),
                Duration.ofMillis(200),
                Duration.ofSeconds(5),
                NamespaceRoutingMode.OFF,
                Duration.ofSeconds(30),
                2,
                null);
    }

    public WebhookOptions withNamespaceRouting(NamespaceRoutingMode mode) {
        return with(requestTimeout, shutdownTimeout, mode, lanesNamespace);
    }

    public WebhookOptions withRequestTimeout(Duration timeout) {
        return with(timeout, shutdownTimeout, namespaceRouting, lanesNamespace);
    }

    public WebhookOptions withShutdownTimeout(Duration timeout) {
        return with(requestTimeout, timeout, namespaceRouting, lanesNamespace);
    }

    /** Lanes on, reading the family table from the ConfigMap {@code joblane-lanes} in {@code namespace}. */
    public WebhookOptions withLanesNamespace(String namespace) {
        return with(requestTimeout, shutdownTimeout, namespaceRouting, namespace);
    }

    /** A copy with the fields the withers change; the rest kept. */
    private WebhookOptions with(Duration request, Duration shutdown, NamespaceRoutingMode routing, String lanes) {
        return new WebhookOptions(
                config,
                tlsCert,
                tlsKey,
                host,
                port,
                healthPort,
                bodyLimitBytes,
                request,
                reloadInterval,
                shutdown,
                routing,
                informerSyncTimeout,
                listeners,
                lanes);
    }
}
