package io.joblane.webhook;

import java.nio.file.Path;
import java.time.Duration;

/** Everything the running webhook needs, already validated by {@link Main} (or built directly by tests). */
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
        int listeners) {

    public enum NamespaceRoutingMode { AUTO, OFF }

    /** Test and demo defaults: localhost, random ports, routing off, fast reloads. */
    public static WebhookOptions local(Path config, Path tlsCert, Path tlsKey) {
        return new WebhookOptions(config, tlsCert, tlsKey, "127.0.0.1", 0, 0, 3L << 20, Duration.ofSeconds(10),
                Duration.ofMillis(200), Duration.ofSeconds(5), NamespaceRoutingMode.OFF, Duration.ofSeconds(30), 2);
    }

    public WebhookOptions withNamespaceRouting(NamespaceRoutingMode mode) {
        return new WebhookOptions(config, tlsCert, tlsKey, host, port, healthPort, bodyLimitBytes, requestTimeout,
                reloadInterval, shutdownTimeout, mode, informerSyncTimeout, listeners);
    }

    public WebhookOptions withRequestTimeout(Duration timeout) {
        return new WebhookOptions(config, tlsCert, tlsKey, host, port, healthPort, bodyLimitBytes, timeout,
                reloadInterval, shutdownTimeout, namespaceRouting, informerSyncTimeout, listeners);
    }
}
