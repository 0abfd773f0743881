package io.joblane.scaler.ops;

import io.joblane.scaler.loop.DecisionKind;
import io.joblane.scaler.loop.GroupSkip;
import io.joblane.scaler.loop.GroupStatus;
import io.joblane.scaler.loop.ScalerMetrics;
import io.joblane.scaler.loop.ScanResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The loop's {@link ScalerMetrics} in Micrometer, on the scaler's own registry (never the global one). Prometheus
 * names come out as {@code joblane_scaler_<noun>_<unit>}; labels are limited to group, state, kind, operation and
 * error code. Counters of configured groups exist from the start at 0, so {@code pods_at_termination_total} is
 * visible (and alertable) before anything happens. Called from the loop thread; gauges are read by scrapes.
 */
public final class MicrometerScalerMetrics implements ScalerMetrics {
    static final String[] NODE_STATES = {"ready", "not_ready", "launching", "draining", "cordoned"};

    private final MeterRegistry registry;
    private final Timer loopDuration;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    private final AtomicLong leader = new AtomicLong();
    private final AtomicLong lastScanEpochSeconds = new AtomicLong();
    private final Counter laneLabelWrites;

    public MicrometerScalerMetrics(MeterRegistry registry, Collection<String> groups) {
        this.registry = registry;
        this.loopDuration = Timer.builder("joblane.scaler.loop.duration")
                .description("Duration of one scan of the reconcile loop")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        Gauge.builder("joblane.scaler.leader", leader, AtomicLong::get)
                .description("1 while this replica holds the Lease and runs the loop")
                .register(registry);
        Gauge.builder("joblane.scaler.last.scan.timestamp.seconds", lastScanEpochSeconds, AtomicLong::get)
                .description("Unix time of the last completed scan")
                .register(registry);
        this.laneLabelWrites = Counter.builder("joblane.scaler.lane.label.writes")
                .description("joblane.io/lane-end labels written by lanes (in dry-run: that would have been)")
                .register(registry);
        for (String g : groups) {
            podsAtTermination(g);
            podsBoundAfterCheck(g);
            unexpectedTerminations(g);
            Counter.builder("joblane.scaler.pods.never.fit")
                    .tag("group", g)
                    .description("Waiting pods that fit no node of their group, counted once per pod")
                    .register(registry);
            for (GroupSkip why : GroupSkip.values()) {
                skippedScans(g, why);
            }
        }
    }

    public void leader(boolean leading) {
        leader.set(leading ? 1 : 0);
    }

    @Override
    public void decision(String group, DecisionKind kind) {
        Counter.builder("joblane.scaler.decisions")
                .tag("group", group)
                .tag("kind", kind.label())
                .description("Decisions taken (or, in dry-run, that would have been taken)")
                .register(registry)
                .increment();
    }

    @Override
    public void podsFoundAtTermination(String group, int pods) {
        podsAtTermination(group).increment(pods);
    }

    @Override
    public void podsBoundAfterLastCheck(String group, int pods) {
        podsBoundAfterCheck(group).increment(pods);
    }

    @Override
    public void unexpectedTermination(String group) {
        unexpectedTerminations(group).increment();
    }

    @Override
    public void spotNotice(String group, String kind) {
        Counter.builder("joblane.scaler.spot.notices")
                .tag("group", group)
                .tag("kind", kind)
                .description(
                        "Spot notices seen on nodes (rebalance recommendation, interruption), once per node and kind")
                .register(registry)
                .increment();
    }

    @Override
    public void spotInterruption(String group) {
        Counter.builder("joblane.scaler.spot.interruptions")
                .tag("group", group)
                .description("Spot instances (or ones with a notice) the cloud took; also unexpected terminations")
                .register(registry)
                .increment();
    }

    @Override
    public void laneLabelWritten() {
        laneLabelWrites.increment();
    }

    @Override
    public void podNeverFits(String group) {
        Counter.builder("joblane.scaler.pods.never.fit")
                .tag("group", group)
                .register(registry)
                .increment();
    }

    @Override
    public void cloudCall(String group, String operation, String errorCode) {
        Counter.builder("joblane.scaler.cloud.calls")
                .tag("group", group)
                .tag("operation", operation)
                .tag("outcome", errorCode == null ? "ok" : "error")
                .description("Cloud API calls by outcome")
                .register(registry)
                .increment();
        if (errorCode != null) {
            Counter.builder("joblane.scaler.cloud.errors")
                    .tag("group", group)
                    .tag("operation", operation)
                    .tag("code", errorCode.isEmpty() ? "unknown" : errorCode)
                    .description("Failed cloud API calls by error code")
                    .register(registry)
                    .increment();
        }
    }

    @Override
    public void groupSkipped(String group, GroupSkip reason) {
        skippedScans(group, reason).increment();
    }

    private Counter skippedScans(String group, GroupSkip reason) {
        return Counter.builder("joblane.scaler.group.skipped.scans")
                .tag("group", group)
                .tag("reason", reason.label())
                .description("Scans that did not plan the group: its scan failed, or its cloud group was not described")
                .register(registry);
    }

    @Override
    public void clusterError(String operation) {
        Counter.builder("joblane.scaler.cluster.errors")
                .tag("operation", operation)
                .description("Failed Kubernetes API calls of the loop")
                .register(registry)
                .increment();
    }

    @Override
    public void scanCompleted(Duration duration, ScanResult result) {
        loopDuration.record(duration);
        lastScanEpochSeconds.set(result.at().getEpochSecond());
        for (GroupStatus s : result.groups().values()) {
            // Kept for skipped groups too: back-off is the loop's own state, not a cloud figure.
            long backoff = s.backoffUntil() == null
                    ? 0
                    : Math.max(
                            0, Duration.between(result.at(), s.backoffUntil()).toSeconds());
            gauge("joblane.scaler.group.backoff.seconds", Tags.of("group", s.group()), backoff);
            if (!s.described()) {
                continue; // keep the last known figures rather than report zeros
            }
            gauge("joblane.scaler.nodes", Tags.of("group", s.group(), "state", "ready"), s.readyNodes());
            gauge(
                    "joblane.scaler.nodes",
                    Tags.of("group", s.group(), "state", "not_ready"),
                    Math.max(0, s.registered() - s.readyNodes()));
            gauge("joblane.scaler.nodes", Tags.of("group", s.group(), "state", "launching"), s.launching());
            gauge("joblane.scaler.nodes", Tags.of("group", s.group(), "state", "draining"), s.draining());
            gauge("joblane.scaler.nodes", Tags.of("group", s.group(), "state", "cordoned"), s.cordoned());
            gauge("joblane.scaler.desired.nodes", Tags.of("group", s.group()), s.desired());
            for (GroupStatus.AsgStatus a : s.asgs()) {
                gauge("joblane.scaler.asg.desired.nodes", Tags.of("group", s.group(), "asg", a.name()), a.desired());
            }
            gauge("joblane.scaler.registered.nodes", Tags.of("group", s.group()), s.registered());
            gauge("joblane.scaler.pending.pods", Tags.of("group", s.group()), s.pendingPods());
            gauge(
                    "joblane.scaler.group.problems",
                    Tags.of("group", s.group()),
                    s.problems().size());
            gauge(
                    "joblane.scaler.pending.pod.wait.seconds",
                    Tags.of("group", s.group()),
                    s.oldestPendingSince() == null
                            ? 0
                            : Math.max(
                                    0,
                                    Duration.between(s.oldestPendingSince(), result.at())
                                            .toSeconds()));
        }
    }

    @Override
    public void asgNodesRequested(String group, String asg, int nodes) {
        Counter.builder("joblane.scaler.asg.nodes.requested")
                .tag("group", group)
                .tag("asg", asg)
                .description("New nodes scale-ups asked of one member Auto Scaling group of a group over several")
                .register(registry)
                .increment(nodes);
    }

    /** Time from a cloud instance's launch to its node's registration in the cluster. */
    @Override
    public void nodeRegistered(String group, Duration lag) {
        Timer.builder("joblane.scaler.node.registration.lag")
                .tag("group", group)
                .description("From instance launch to node registration")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofSeconds(5))
                .maximumExpectedValue(Duration.ofMinutes(30))
                .register(registry)
                .record(lag);
    }

    private Counter unexpectedTerminations(String group) {
        return Counter.builder("joblane.scaler.unexpected.terminations")
                .tag("group", group)
                .description("Instances the cloud terminated or replaced itself, not at Joblane's request")
                .register(registry);
    }

    private Counter podsAtTermination(String group) {
        return Counter.builder("joblane.scaler.pods.at.termination")
                .tag("group", group)
                .description("Blocking pods found on a node right after its termination that its last check could"
                        + " have seen; must stay 0")
                .register(registry);
    }

    private Counter podsBoundAfterCheck(String group) {
        return Counter.builder("joblane.scaler.pods.bound.after.check")
                .tag("group", group)
                .description("Non-Job pods created on a node after its last bound-pod check, found there right after"
                        + " its termination")
                .register(registry);
    }

    private void gauge(String name, Tags tags, long value) {
        String key = name + tags;
        gauges.computeIfAbsent(key, k -> {
                    AtomicLong holder = new AtomicLong();
                    Gauge.builder(name, holder, AtomicLong::get).tags(tags).register(registry);
                    return holder;
                })
                .set(value);
    }
}
