package io.joblane.scaler.lanes;

import io.joblane.model.lanes.FamilyHistory;
import io.joblane.scaler.loop.ScalerMetrics;
import io.joblane.scaler.loop.ScanGate;
import io.joblane.scaler.plan.ExpectedEnds;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lanes' part of a scan, run by the Lease holder after the loop's scan: learn run times from Succeeded pods, correct
 * each group node's {@code joblane.io/lane-end} label, and publish the family table when it changed, at most once per
 * {@code publishInterval}. It runs as a step after the loop's scan ({@code ScaleLoop.afterScan}), and every write goes
 * through that scan's {@link ScanGate}, the loop's one dry-run and Lease gate: only logged in dry-run, and a replica
 * that lost the Lease ends the scan before writing. The first run of a new Lease holder resumes from the table
 * published before. A failed call is logged and retried at the next scan. Called from the loop thread only.
 */
public final class LanesStep {
    private static final Logger LOG = LoggerFactory.getLogger(LanesStep.class);
    public static final Duration DEFAULT_PUBLISH_INTERVAL = Duration.ofSeconds(30);

    private final LanesAccess access;
    private final Clock clock;
    private final Duration publishInterval;
    private final FamilyHistory history;
    private final RunTimeLearner learner;
    private final ScalerMetrics metrics;
    private final Map<String, LaneEnds.Change> dryRunLogged = new HashMap<>();
    private boolean seeded;
    /** An update under way, or one that failed after it took the families that changed: the next may not trust its own. */
    private boolean updating;

    private final NodeEnds ends;
    private ExpectedEnds expectedEnds = ExpectedEnds.NONE;
    private long publishedVersion = -1;
    private long publishedAt = Long.MIN_VALUE;

    public LanesStep(LanesAccess access, Clock clock, Duration publishInterval, int maxFamilies) {
        this(access, clock, publishInterval, maxFamilies, ScalerMetrics.NOOP);
    }

    /** With {@code metrics} told of each label written ({@link ScalerMetrics#laneLabelWritten}). */
    public LanesStep(
            LanesAccess access, Clock clock, Duration publishInterval, int maxFamilies, ScalerMetrics metrics) {
        this(access, clock, publishInterval, maxFamilies, new NodeEnds(), metrics);
    }

    LanesStep(LanesAccess access, Clock clock, Duration publishInterval, int maxFamilies, NodeEnds ends) {
        this(access, clock, publishInterval, maxFamilies, ends, ScalerMetrics.NOOP);
    }

    private LanesStep(
            LanesAccess access,
            Clock clock,
            Duration publishInterval,
            int maxFamilies,
            NodeEnds ends,
            ScalerMetrics metrics) {
        this.metrics = metrics;
        this.ends = ends;
        this.access = access;
        this.clock = clock;
        this.publishInterval = publishInterval;
        this.history = new FamilyHistory(maxFamilies);
        this.learner = new RunTimeLearner(history);
    }

    /** Lanes' part of the scan whose gate this is. */
    public void run(ScanGate gate) {
        boolean dryRun = gate.dryRun();
        if (!seeded && !seed()) {
            return; // without the earlier table, a write now would lose its history
        }
        List<LaneNode> nodes = access.nodes();
        LanePods pods = access.pods(nodes);
        learner.observe(pods.others()); // finished pods are never handed as bound to a node
        long now = clock.millis();
        Set<String> changed = history.takeChanged();
        // Until the update is through: a run that fails loses the families it took, so the next looks at every node.
        boolean trusted = !updating;
        updating = true;
        NodeEnds.Result result = ends.update(nodes, pods, history, trusted ? changed : null, now, access.nodeEdits());
        updating = false;
        expectedEnds = result.ends();
        List<LaneEnds.Change> changes = result.changes();
        if (dryRun) {
            // Nothing is written, so the same change comes back every scan: log each one once (per node still there).
            dryRunLogged.keySet().retainAll(nodes.stream().map(LaneNode::name).toList());
            changes = changes.stream()
                    .filter(c -> !c.equals(dryRunLogged.get(c.node())))
                    .toList();
            changes.forEach(c -> dryRunLogged.put(c.node(), c));
        }
        for (LaneEnds.Change c : changes) {
            if (write(
                    gate,
                    () -> "lane-end of node " + c.node() + " to " + (c.value() == null ? "none" : c.value()),
                    () -> access.setLaneEnd(c.node(), c.value()))) {
                metrics.laneLabelWritten();
            }
        }
        if (history.version() != publishedVersion
                && (publishedAt == Long.MIN_VALUE || now - publishedAt >= publishInterval.toMillis())) {
            long version = history.version();
            int families = history.size();
            if (write(gate, () -> "family table (" + families + " families)", () -> access.publish(history.table()))) {
                publishedVersion = version;
                publishedAt = now;
            }
        }
    }

    /**
     * When a run would publish a changed family table that the interval holds back now, else null: an event-driven
     * caller (the simulator) runs a scan then even if nothing else changed.
     */
    public java.time.Instant nextDeadline() {
        if (!seeded || history.version() == publishedVersion || publishedAt == Long.MIN_VALUE) {
            return null;
        }
        return java.time.Instant.ofEpochMilli(publishedAt + publishInterval.toMillis());
    }

    /**
     * The expected end of each bound Job pod with a prediction, as of the last run: the drain order's input
     * ({@code ScaleLoop.expectedEnds}).
     */
    public ExpectedEnds expectedEnds() {
        return expectedEnds;
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

    /**
     * Returns true when the write was made (or, in dry-run, would have been); {@code what} is told only when logged.
     */
    private static boolean write(
            ScanGate gate, Supplier<String> what, ScanGate.Write<LanesAccess.LanesException> write) {
        try {
            boolean made = gate.write(() -> "lanes: " + what.get(), write);
            if (LOG.isDebugEnabled()) {
                LOG.debug("lanes: set {}", what.get());
            }
            return made;
        } catch (LanesAccess.LanesException e) {
            LOG.warn("lanes: {} not written, retrying next scan: {}", what.get(), e.getMessage());
            return false;
        }
    }
}
