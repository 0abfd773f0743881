package io.joblane.scaler.loop;

import io.joblane.scaler.cloud.AsgMember;
import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.NodeGroupProvider;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.GroupSpec;
import io.joblane.scaler.plan.NodeAnnotations;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.scaler.plan.SnapshotIndex;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One group's actions in one scan: what the action handlers share (the group, this scan's view of it, the loop's
 * memory of it) and the only places that decide whether a write happens: {@link #write} and {@link #event} (dry-run)
 * and {@link #cloud} (the Lease; node writes and Events pass the loop's leader guard). Built and used by
 * {@link ScaleLoop} on its thread.
 */
final class GroupExec {
    /** The loop's logger: handlers log under ScaleLoop as before the split. */
    static final Logger LOG = LoggerFactory.getLogger(ScaleLoop.class);

    /** A write the loop may make, or (dry-run) only log. */
    @FunctionalInterface
    interface Write {
        void run() throws ClusterException, CloudException;
    }

    @FunctionalInterface
    interface CloudCall {
        void run() throws CloudException;
    }

    final GroupSpec spec;
    final CloudGroup cloud;
    /** Member Auto Scaling groups a scale-up raised this scan, to their new desired size. */
    final Map<String, Integer> raisedAsgs = new java.util.LinkedHashMap<>();

    final SnapshotIndex index;
    final GroupState state;
    final Instant now;
    final boolean dry;
    /** The group's capacity has stopped arriving (see {@code ScaleLoop.updateBackoff}). */
    final boolean failing;

    final ClusterAccess cluster;
    /** The group's nodes by name, built on the second lookup (most scans run no node action, many only one). */
    private Map<String, NodeInfo> nodes;

    private int nodeLookups;

    final List<String> problems = new ArrayList<>();
    /** A cloud call failed this scan: the group's remaining cloud actions except the scale-up are skipped. */
    boolean cloudFailed;

    int desired;

    private final Loop loop;
    private final List<String> done;

    /** What a group's execution needs of the loop that runs it. */
    record Loop(
            ClusterAccess cluster,
            NodeGroupProvider provider,
            ScalerMetrics metrics,
            Clock clock,
            Consumer<String> checkLeading,
            Consumer<Instant> deadline) {}

    GroupExec(
            Loop loop,
            GroupSpec spec,
            CloudGroup cloud,
            SnapshotIndex index,
            GroupState state,
            Instant now,
            boolean dry,
            boolean failing,
            List<String> done) {
        this.loop = loop;
        this.cluster = loop.cluster();
        this.spec = spec;
        this.cloud = cloud;
        this.index = index;
        this.state = state;
        this.now = now;
        this.dry = dry;
        this.failing = failing;
        this.done = done;
        this.desired = cloud.desired();
    }

    /** The group's node of that name in the scan's snapshot, or null. */
    NodeInfo node(String name) {
        if (nodes == null) {
            List<NodeInfo> all = index.nodes(spec.name());
            if (nodeLookups++ == 0) {
                // One lookup: a walk is cheaper than a map of thousands of nodes made for it. From the end, as the
                // map's last put wins.
                for (int i = all.size() - 1; i >= 0; i--) {
                    if (all.get(i).name().equals(name)) {
                        return all.get(i);
                    }
                }
                return null;
            }
            nodes = new HashMap<>(all.size() * 4 / 3 + 1);
            for (NodeInfo n : all) {
                nodes.put(n.name(), n);
            }
        }
        return nodes.get(name);
    }

    /** Makes the write, or nothing in dry-run: the one dry-run check of every action. */
    void write(Write write) throws ClusterException, CloudException {
        write(write, () -> {});
    }

    /** Makes the write, or in dry-run runs {@code preview} (reads and logs only) instead. */
    void write(Write write, Write preview) throws ClusterException, CloudException {
        if (dry) {
            preview.run();
        } else {
            write.run();
        }
    }

    /** Records an Event, or nothing in dry-run (Events never throw, so no {@link Write} is needed). */
    void event(EventTarget target, EventReason reason, String message) {
        if (!dry) {
            cluster.recordEvent(target, reason, message);
        }
    }

    /** One provider call for this group, right after the Lease check, counted by operation and outcome. */
    void cloud(String operation, CloudCall call) throws CloudException {
        loop.checkLeading().accept(operation);
        try {
            call.run();
            loop.metrics().cloudCall(spec.name(), operation, null);
        } catch (CloudException e) {
            loop.metrics().cloudCall(spec.name(), operation, e.code());
            throw e;
        }
    }

    NodeGroupProvider provider() {
        return loop.provider();
    }

    ScalerMetrics metrics() {
        return loop.metrics();
    }

    Clock clock() {
        return loop.clock();
    }

    /** Notes an instant at which one of this scan's delays runs out (see {@link ScaleLoop#nextDeadline()}). */
    void deadline(Instant at) {
        loop.deadline().accept(at);
    }

    /** Counts, logs and remembers a decision as the group's last action. */
    /** "instance i-1", or for a group over several Auto Scaling groups "instance i-1 in Auto Scaling group eks-a". */
    String instanceWhere(String instanceId) {
        AsgMember m = cloud.memberOf(instanceId);
        return "instance " + instanceId + (m == null ? "" : " in Auto Scaling group " + m.id());
    }

    void record(DecisionKind kind, String what, String why) {
        loop.metrics().decision(spec.name(), kind);
        log(what, why);
        state.lastAction = what;
        state.lastReason = why;
        state.lastAt = now;
    }

    void log(String what, String why) {
        String line = (dry ? "dry-run: would " : "") + what + ": " + why;
        done.add("group " + spec.name() + ": " + line);
        LOG.info("group {}: {}", spec.name(), line);
    }

    /**
     * Tells waiting pods why they wait, once per pod and notice: a pod is not spammed every scan, and a pod told a
     * scale-up is coming is not told again that capacity is on its way.
     */
    void tell(List<PodInfo> pods, WaitNotice notice, EventReason reason, String message) {
        for (PodInfo p : pods) {
            if (notice != state.toldWaiting.get(p.uid())) {
                cluster.recordEvent(EventTarget.pod(p), reason, message);
                state.toldWaiting.put(p.uid(), notice);
            }
        }
    }

    /**
     * Gives the node back to the scheduler: no draining taint, no cordon of ours, no timers. A node with a Spot notice
     * keeps its draining taint (and so the label): it stays fenced for new Jobs.
     */
    void undo(String node) throws ClusterException {
        NodeInfo n = node(node);
        if (n == null || !n.noticed()) {
            cluster.setDrainingTaint(node, DrainState.NONE);
        }
        cluster.uncordon(node);
        clearTimers(node);
    }

    void clearTimers(String node) throws ClusterException {
        Map<String, String> ann = new HashMap<>();
        ann.put(NodeAnnotations.UNNEEDED_SINCE, null);
        ann.put(NodeAnnotations.DRAINING_SINCE, null);
        cluster.annotateNode(node, ann);
    }

    /** Sets (or with null removes) one annotation of the node. */
    void annotate(String node, String key, String value) throws ClusterException {
        Map<String, String> ann = new HashMap<>();
        ann.put(key, value);
        cluster.annotateNode(node, ann);
    }

    static List<PodInfo> blocking(List<PodInfo> pods) {
        List<PodInfo> out = new ArrayList<>();
        for (PodInfo p : pods) {
            if (p.blocksScaleIn()) {
                out.add(p);
            }
        }
        return out;
    }
}
