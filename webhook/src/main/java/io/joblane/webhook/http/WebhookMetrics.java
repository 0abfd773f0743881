package io.joblane.webhook.http;

import io.joblane.webhook.mutation.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The webhook's Prometheus meters, on the registry it is given (never the global one). Names follow
 * {@code joblane_<noun>_<unit>}; labels stay low-cardinality (outcome, configured group names). Thread-safe.
 */
public final class WebhookMetrics {
    private final MeterRegistry registry;
    private final Map<Outcome, Map<String, Counter>> requests = new java.util.EnumMap<>(Outcome.class);
    private final Counter dryRuns;
    private final Counter conflicts;
    private final Timer latency;
    private final Counter configReloaded;
    private final Counter configRejected;
    private final Counter certificateReloaded;
    private final Counter certificateRejected;
    private final AtomicLong certificateExpiry = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong certificateInSync = new AtomicLong(1);
    private final Map<String, Counter> refusedConnections = new ConcurrentHashMap<>();

    public WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Outcome outcome : Outcome.values()) {
            requests.put(outcome, new ConcurrentHashMap<>());
        }
        dryRuns = Counter.builder("joblane.webhook.dry.run.requests")
                .description(
                        "AdmissionReviews with dryRun set (answered the same way; the webhook has no side effects)")
                .register(registry);
        conflicts = Counter.builder("joblane.webhook.conflicts")
                .description("Values the user set that the webhook kept instead of the group's (each also a warning)")
                .register(registry);
        latency = Timer.builder("joblane.webhook.request.duration")
                .description("Time from request start to response end on /mutate")
                .serviceLevelObjectives(
                        millis(1),
                        millis(2),
                        millis(5),
                        millis(10),
                        millis(25),
                        millis(50),
                        millis(100),
                        millis(250),
                        millis(500),
                        millis(1000),
                        millis(2500),
                        millis(5000),
                        millis(10000))
                .register(registry);
        configReloaded = reloads("joblane.webhook.config.reloads", "success", "Node-group file reloads");
        configRejected = reloads("joblane.webhook.config.reloads", "failure", "Node-group file reloads");
        certificateReloaded = reloads("joblane.webhook.certificate.reloads", "success", "Serving certificate reloads");
        certificateRejected = reloads("joblane.webhook.certificate.reloads", "failure", "Serving certificate reloads");
        Gauge.builder("joblane.webhook.certificate.expiry.timestamp", certificateExpiry, AtomicLong::doubleValue)
                .description("notAfter of the certificate being served, in Unix seconds")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("joblane.webhook.certificate.in.sync", certificateInSync, AtomicLong::doubleValue)
                .description(
                        "1 while the certificate served is the one on disk, 0 while files on disk cannot be loaded")
                .register(registry);
        Gauge.builder("joblane.webhook.requests.in.flight", inFlight, AtomicLong::doubleValue)
                .description("Requests on /mutate received and not yet answered")
                .register(registry);
    }

    void started() {
        inFlight.incrementAndGet();
    }

    void finished() {
        inFlight.decrementAndGet();
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void request(Outcome outcome, String group, boolean dryRun, int conflictCount, long nanos) {
        requests.get(outcome)
                .computeIfAbsent(
                        group,
                        k -> Counter.builder("joblane.webhook.requests")
                                .description("AdmissionReviews answered, by outcome and node group")
                                .tag("outcome", outcome.label())
                                .tag("group", group)
                                .register(registry))
                .increment();
        if (dryRun) {
            dryRuns.increment();
        }
        if (conflictCount > 0) {
            conflicts.increment(conflictCount);
        }
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void configReload(boolean accepted) {
        (accepted ? configReloaded : configRejected).increment();
    }

    public void certificateReload(boolean accepted) {
        (accepted ? certificateReloaded : certificateRejected).increment();
    }

    /** {@code joblane_webhook_connections_refused_total{reason}}: connections closed by the listener limits. */
    void connectionRefused(String reason) {
        refusedConnections
                .computeIfAbsent(
                        reason,
                        r -> Counter.builder("joblane.webhook.connections.refused")
                                .description("HTTPS connections closed by the listener limits, by reason")
                                .tag("reason", r)
                                .register(registry))
                .increment();
    }

    public void certificateInSync(boolean inSync) {
        certificateInSync.set(inSync ? 1 : 0);
    }

    /** {@code joblane_webhook_namespace_informer_up}: 1 while namespace annotations are followed, else 0. */
    public void namespaceInformer(java.util.function.BooleanSupplier up) {
        Gauge.builder("joblane.webhook.namespace.informer.up", up, u -> u.getAsBoolean() ? 1 : 0)
                .description("1 while the namespace informer runs (namespace annotations are followed), else 0")
                .register(registry);
    }

    public void certificateServed(Instant notAfter) {
        certificateExpiry.set(notAfter.getEpochSecond());
    }

    private Counter reloads(String name, String result, String description) {
        return Counter.builder(name)
                .description(description)
                .tag("result", result)
                .register(registry);
    }

    private static Duration millis(long ms) {
        return Duration.ofMillis(ms);
    }
}
