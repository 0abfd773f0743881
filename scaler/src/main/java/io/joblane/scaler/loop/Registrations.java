package io.joblane.scaler.loop;

import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.plan.ByKey;
import io.joblane.scaler.plan.NodeEdits;
import io.joblane.scaler.plan.NodeInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * One group's registration lag, reported once per node (by name) while it stays: a node that appeared since the loop
 * started is reported when its instance's launch time is known. Kept across scans by the nodes' objects: a node handed
 * as the very object it was at the last scan (paired by {@link ByKey#match}) keeps what was found of it then without
 * a look at it, except one still waiting for its instance while the describe changed. Only
 * new objects are looked at by name. Node names are unique (Kubernetes object names). Loop thread only.
 */
final class Registrations {
    /** Not to be reported: no instance id, no creation time, or created before the loop started. */
    private static final byte NEVER = 0;

    private static final byte REPORTED = 1;
    /** To be reported once its instance is described with a launch time. */
    private static final byte WAITING = 2;
    /** The names of the nodes reported, all still present at the last scan. */
    final Set<String> reported = new HashSet<>();
    /**
     * The last scan's nodes in order, the list as handed (held, not copied: the caller's list does not change), and
     * beside each what was found of it.
     */
    private List<NodeInfo> last = List.of();

    private byte[] lastFound = new byte[0];
    /** How many of {@link #lastFound} are {@link #REPORTED}, and how many {@link #WAITING}. */
    private int lastReported;

    private int lastWaiting;
    /** The describe the waiting nodes were last looked at with. */
    private List<CloudInstance> lastInstances = List.of();

    /**
     * Reports, in node order, each node not reported yet whose instance's launch time is now known, and forgets the
     * nodes that are gone.
     *
     * @param instances  the group's describe, which {@code launchOf} answers from
     * @param launchOf   an instance's launch time by id, null when it is not described or has none
     * @param registered called with each node reported and its lag
     */
    void scan(
            List<NodeInfo> nodes,
            List<CloudInstance> instances,
            Function<String, Instant> launchOf,
            Instant startedAt,
            BiConsumer<NodeInfo, Duration> registered) {
        scan(nodes, instances, launchOf, startedAt, registered, ByKey::match);
    }

    /** As above, the nodes paired with the last scan's by {@code pairing} ({@link ByKey#match}'s answer). */
    void scan(
            List<NodeInfo> nodes,
            List<CloudInstance> instances,
            Function<String, Instant> launchOf,
            Instant startedAt,
            BiConsumer<NodeInfo, Duration> registered,
            BiFunction<List<NodeInfo>, List<NodeInfo>, int[]> pairing) {
        int[] wasAt = pairing.apply(last, nodes);
        if (lastWaiting == 0) {
            followEdits(nodes, wasAt, launchOf, startedAt, registered);
        } else {
            walk(nodes, instances, wasAt, launchOf, startedAt, registered);
        }
        lastInstances = instances;
    }

    /** Every node looked at as it was or afresh; a waiting node again when the describe changed. */
    private void walk(
            List<NodeInfo> nodes,
            List<CloudInstance> instances,
            int[] wasAt,
            Function<String, Instant> launchOf,
            Instant startedAt,
            BiConsumer<NodeInfo, Duration> registered) {
        int size = nodes.size();
        byte[] found = new byte[size];
        boolean[] foundAgain = new boolean[last.size()]; // the last scan's nodes found as the same object
        List<String> foundElsewhere = new ArrayList<>(0); // reported nodes found through the set
        Boolean sameDescribe = null; // asked when a waiting node is met
        int stillThere = 0;
        int waiting = 0;
        for (int k = 0; k < size; k++) {
            NodeInfo n = nodes.get(k);
            int was = wasAt[k];
            byte f;
            if (was >= 0) {
                foundAgain[was] = true;
                f = lastFound[was];
                if (f == WAITING) {
                    sameDescribe =
                            sameDescribe != null ? sameDescribe : GroupState.sameInstances(lastInstances, instances);
                    f = sameDescribe ? WAITING : look(n, launchOf, startedAt, registered, foundElsewhere);
                }
            } else {
                f = look(n, launchOf, startedAt, registered, foundElsewhere);
            }
            found[k] = f;
            stillThere += f == REPORTED ? 1 : 0;
            waiting += f == WAITING ? 1 : 0;
        }
        if (stillThere != reported.size()) { // some reported node is gone: forget it
            int[] gone =
                    IntStream.range(0, last.size()).filter(q -> !foundAgain[q]).toArray();
            forgetGone(gone, foundElsewhere);
            forgetAbsent(nodes, stillThere);
        }
        keep(nodes, found, stillThere, waiting);
    }

    /**
     * No node waits for its instance, so the describe is not read for the nodes found as they were: their findings are
     * copied run by run ({@link NodeEdits#runs}), the others looked at, and the reported nodes of the last scan's places
     * no longer carried over forgotten unless found again by name, as the walk above would.
     */
    private void followEdits(
            List<NodeInfo> nodes,
            int[] wasAt,
            Function<String, Instant> launchOf,
            Instant startedAt,
            BiConsumer<NodeInfo, Duration> registered) {
        int size = nodes.size();
        int[] runs = NodeEdits.runs(wasAt);
        byte[] found = new byte[size];
        NodeEdits.copyRuns(runs, lastFound, found);
        int stillThere = lastReported;
        int waiting = 0;
        int[] left = NodeEdits.left(runs, last.size()); // the last scan's places not carried over
        for (int q : left) {
            stillThere -= lastFound[q] == REPORTED ? 1 : 0;
        }
        List<String> foundElsewhere = new ArrayList<>(0);
        for (int k : NodeEdits.fresh(runs, size)) {
            found[k] = look(nodes.get(k), launchOf, startedAt, registered, foundElsewhere);
            stillThere += found[k] == REPORTED ? 1 : 0;
            waiting += found[k] == WAITING ? 1 : 0;
        }
        if (stillThere != reported.size()) {
            forgetGone(left, foundElsewhere);
            forgetAbsent(nodes, stillThere);
        }
        keep(nodes, found, stillThere, waiting);
    }

    /** Forgets the reported names no node of {@code nodes} has, when the count still says some are gone. */
    private void forgetAbsent(List<NodeInfo> nodes, int stillThere) {
        if (stillThere != reported.size()) {
            Set<String> present = new HashSet<>();
            nodes.forEach(n -> present.add(n.name()));
            reported.retainAll(present);
        }
    }

    private void keep(List<NodeInfo> nodes, byte[] found, int reportedThere, int waiting) {
        last = nodes;
        lastFound = found;
        lastReported = reportedThere;
        lastWaiting = waiting;
    }

    /** A node not found as it was: reported already (by name), not to be, waiting, or reported now. */
    private byte look(
            NodeInfo n,
            Function<String, Instant> launchOf,
            Instant startedAt,
            BiConsumer<NodeInfo, Duration> registered,
            List<String> foundElsewhere) {
        if (reported.contains(n.name())) {
            foundElsewhere.add(n.name());
            return REPORTED;
        }
        if (n.instanceId() == null || n.created() == null || !n.created().isAfter(startedAt)) {
            return NEVER;
        }
        Instant launch = launchOf.apply(n.instanceId());
        if (launch == null) {
            return WAITING;
        }
        reported.add(n.name());
        Duration lag = Duration.between(launch, n.created());
        registered.accept(n, lag.isNegative() ? Duration.ZERO : lag);
        return REPORTED;
    }

    /** Forgets the reported nodes of the last scan's places {@code gone} (not found again as the same object) unless found through the set. */
    private void forgetGone(int[] gone, List<String> foundElsewhere) {
        Set<String> elsewhere = foundElsewhere.isEmpty() ? Set.of() : new HashSet<>(foundElsewhere);
        for (int q : gone) {
            if (lastFound[q] == REPORTED && !elsewhere.contains(last.get(q).name())) {
                reported.remove(last.get(q).name());
            }
        }
    }
}
