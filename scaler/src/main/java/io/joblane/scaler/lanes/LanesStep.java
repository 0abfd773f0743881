package io.joblane.scaler.lanes;

import io.joblane.model.lanes.FamilyHistory;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lanes' part of a scan, run by the Lease holder after the loop's scan: learn run times from Succeeded pods, correct
 * each group node's {@code joblane.io/lane-end} label, and publish the family table when it changed, at most once per
 * {@code publishInterval}. Every write asks {@code leading} right before it and is only logged in dry-run, like the
 * loop's own writes. The first run of a new Lease holder resumes from the table published before. A failed call is
 * logged and retried at the next scan. Called from the loop thread only.
 */
public final class LanesStep {
    private static final Logger LOG = LoggerFactory.getLogger(LanesStep.class);
    public static final Duration DEFAULT_PUBLISH_INTERVAL = Duration.ofSeconds(30);

    private final LanesAccess access;
    private final Clock clock;
    private final BooleanSupplier leading;
    private final Duration publishInterval;
    private final FamilyHistory history;
    private final RunTimeLearner learner;
    private final Map<String, LaneEnds.Change> dryRunLogged = new HashMap<>();
    private boolean seeded;
    private long publishedVersion = -1;
    private long publishedAt = Long.MIN_VALUE;

    public LanesStep(
            LanesAccess access, Clock clock, BooleanSupplier leading, Duration publishInterval, int maxFamilies) {
        this.access = access;
        this.clock = clock;
        this.leading = leading;
        this.publishInterval = publishInterval;
        this.history = new FamilyHistory(maxFamilies);
        this.learner = new RunTimeLearner(history);
    }

    public void run(boolean dryRun) {
        if (!leading.getAsBoolean()) {
            return;
        }
        if (!seeded && !seed()) {
            return; // without the earlier table, a write now would lose its history
        }
        List<LanePod> pods = access.pods();
        learner.observe(pods);
        long now = clock.millis();
        List<LaneNode> nodes = access.nodes();
        List<LaneEnds.Change> changes = LaneEnds.changes(nodes, pods, history, now);
        if (dryRun) {
            // Nothing is written, so the same change comes back every scan: log each one once (per node still there).
            dryRunLogged.keySet().retainAll(nodes.stream().map(LaneNode::name).toList());
            changes = changes.stream()
                    .filter(c -> !c.equals(dryRunLogged.get(c.node())))
                    .toList();
            changes.forEach(c -> dryRunLogged.put(c.node(), c));
        }
        for (LaneEnds.Change c : changes) {
            write(
                    "lane-end of node " + c.node() + " to " + (c.value() == null ? "none" : c.value()),
                    dryRun,
                    () -> access.setLaneEnd(c.node(), c.value()));
        }
        if (history.version() != publishedVersion
                && (publishedAt == Long.MIN_VALUE || now - publishedAt >= publishInterval.toMillis())) {
            long version = history.version();
            if (write(
                    "family table (" + history.size() + " families)", dryRun, () -> access.publish(history.table()))) {
                publishedVersion = version;
                publishedAt = now;
            }
        }
    }

    /** The family history, for tests and the status page. */
    public FamilyHistory history() {
        return history;
    }

    private boolean seed() {
        try {
            history.seed(access.published());
            seeded = true;
            publishedVersion = history.version();
            return true;
        } catch (LanesAccess.LanesException e) {
            LOG.warn("lanes: published family table not read, retrying next scan: {}", e.getMessage());
            return false;
        }
    }

    private interface Write {
        void run() throws LanesAccess.LanesException;
    }

    /** Returns true when the write was made (or, in dry-run, would have been). */
    private boolean write(String what, boolean dryRun, Write write) {
        if (dryRun) {
            LOG.info("dry-run: would set {}", what);
            return true;
        }
        if (!leading.getAsBoolean()) {
            LOG.info("lanes: {} not written, this replica no longer holds the Lease", what);
            return false;
        }
        try {
            write.run();
            LOG.debug("lanes: set {}", what);
            return true;
        } catch (LanesAccess.LanesException e) {
            LOG.warn("lanes: {} not written, retrying next scan: {}", what, e.getMessage());
            return false;
        }
    }
}
