package io.joblane.scaler.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import io.joblane.model.config.InvalidConfigException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a coordination.k8s.io Lease with fabric8's LeaderElector, so only one replica acts. The callbacks
 * run on the elector's thread: {@code onStart} when this replica becomes leader, {@code onStop} when it stops being
 * leader for any reason (the caller exits the process then, unless it is already shutting down, as the Java Operator
 * SDK does). {@link #close()} releases the Lease so a standby takes over at once.
 */
public final class LeaderElection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    /** Lease timing; defaults as client-go's controllers use them. */
    public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public static final Timing DEFAULT =
                new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
        /** fabric8's LeaderElector jitters each retry by up to this share of the retry period (its JITTER_FACTOR). */
        private static final double RETRY_JITTER = 1.2;

        /**
         * The timing given by the three flags, checked as fabric8's LeaderElectorBuilder checks it (each above zero,
         * the renew deadline below the lease duration and above a jittered retry period), so a bad value refuses
         * start-up naming the flag instead of failing inside the elector.
         */
        public static Timing of(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod)
                throws InvalidConfigException {
            List<String> problems = new ArrayList<>();
            for (var flag : List.of(
                    Map.entry("--lease-duration", leaseDuration),
                    Map.entry("--lease-renew-deadline", renewDeadline),
                    Map.entry("--lease-retry-period", retryPeriod))) {
                if (flag.getValue().isNegative() || flag.getValue().isZero()) {
                    problems.add(flag.getKey() + " must be above zero, not " + flag.getValue());
                }
            }
            if (problems.isEmpty() && renewDeadline.compareTo(leaseDuration) >= 0) {
                problems.add("--lease-renew-deadline (" + renewDeadline + ") must be shorter than --lease-duration ("
                        + leaseDuration + "): a leader must give up before another may take the Lease");
            }
            long jitteredRetry = retryPeriod.toMillis() + (long) Math.ceil(retryPeriod.toMillis() * RETRY_JITTER);
            if (problems.isEmpty() && renewDeadline.toMillis() <= jitteredRetry) {
                problems.add("--lease-renew-deadline (" + renewDeadline + ") must be longer than --lease-retry-period"
                        + " (" + retryPeriod + ") plus its jitter (" + Duration.ofMillis(jitteredRetry) + " in all)");
            }
            if (!problems.isEmpty()) {
                throw new InvalidConfigException("leader election flags", problems);
            }
            return new Timing(leaseDuration, renewDeadline, retryPeriod);
        }
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String leaseName;
    private final String identity;
    private final Timing timing;
    private final Runnable onStart;
    private final Runnable onStop;
    private final AtomicReference<String> leader = new AtomicReference<>("");
    private volatile boolean leading;
    /** Renew time of the last Lease record this replica wrote as holder; null when not leading. */
    private volatile Instant renewedAt;

    private CompletableFuture<?> running;

    public LeaderElection(
            KubernetesClient client,
            String namespace,
            String leaseName,
            String identity,
            Timing timing,
            Runnable onStart,
            Runnable onStop) {
        this.client = client;
        this.namespace = namespace;
        this.leaseName = leaseName;
        this.identity = identity;
        this.timing = timing;
        this.onStart = onStart;
        this.onStop = onStop;
    }

    public synchronized void start() {
        var config = new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new RenewTracking(new LeaseLock(namespace, leaseName, identity)))
                .withLeaseDuration(timing.leaseDuration())
                .withRenewDeadline(timing.renewDeadline())
                .withRetryPeriod(timing.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::newLeader))
                .build();
        LOG.info("leader election on Lease {}/{} as {}", namespace, leaseName, identity);
        running = client.leaderElector().withConfig(config).build().start();
    }

    public boolean isLeader() {
        return leading;
    }

    /**
     * True only while this replica leads and its last renewal is recent enough that no other replica can have taken
     * the Lease: renew time + lease duration - margin is still ahead. The margin (lease duration minus renew
     * deadline) covers clock skew and the duration of the call about to be made. Checked before every mutating call.
     */
    public boolean stillLeading() {
        return stillLeading(leading, renewedAt, Instant.now(), timing);
    }

    static boolean stillLeading(boolean leading, Instant renewedAt, Instant now, Timing timing) {
        if (!leading || renewedAt == null) {
            return false;
        }
        Duration margin = timing.leaseDuration().minus(timing.renewDeadline());
        return now.isBefore(renewedAt.plus(timing.leaseDuration()).minus(margin));
    }

    /** The current holder's identity as last observed, empty when unknown. */
    public String leader() {
        return leader.get();
    }

    public String identity() {
        return identity;
    }

    private void started() {
        leading = true;
        LOG.info("became leader of Lease {}/{}", namespace, leaseName);
        onStart.run();
    }

    private void stopped() {
        boolean was = leading;
        leading = false;
        renewedAt = null;
        LOG.info("stopped leading Lease {}/{}", namespace, leaseName);
        if (was) {
            onStop.run();
        }
    }

    private void newLeader(String identity) {
        leader.set(identity == null ? "" : identity);
        LOG.info("leader of Lease {}/{} is {}", namespace, leaseName, identity);
    }

    /** Records each successful write of a Lease record naming this replica as holder: the elector's renewals. */
    private final class RenewTracking implements Lock {
        private final Lock delegate;

        RenewTracking(Lock delegate) {
            this.delegate = delegate;
        }

        @Override
        public LeaderElectionRecord get(KubernetesClient client) {
            return delegate.get(client);
        }

        @Override
        public void create(KubernetesClient client, LeaderElectionRecord record) {
            delegate.create(client, record);
            renewed(record);
        }

        @Override
        public void update(KubernetesClient client, LeaderElectionRecord record) {
            delegate.update(client, record);
            renewed(record);
        }

        private void renewed(LeaderElectionRecord record) {
            if (identity.equals(record.getHolderIdentity()) && record.getRenewTime() != null) {
                // The record's renew time was taken before the write: never later than the real renewal.
                renewedAt = record.getRenewTime().toInstant();
            }
        }

        @Override
        public String identity() {
            return delegate.identity();
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }

    /**
     * Stops electing and, when leading, releases the Lease. Cancelling can block on the elector's lock while it waits
     * for an unreachable API server, so it runs on its own thread and shutdown carries on after five seconds.
     */
    @Override
    public synchronized void close() {
        CompletableFuture<?> r = running;
        running = null;
        if (r == null) {
            return;
        }
        Thread cancel = new Thread(() -> r.cancel(true), "lease-release");
        cancel.setDaemon(true);
        cancel.start();
        try {
            cancel.join(TimeUnit.SECONDS.toMillis(5));
            if (cancel.isAlive()) {
                LOG.warn(
                        "Lease {}/{} not released within 5s; it expires after {}",
                        namespace,
                        leaseName,
                        timing.leaseDuration());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
