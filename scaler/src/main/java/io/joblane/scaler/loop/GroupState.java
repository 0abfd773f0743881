package io.joblane.scaler.loop;

import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.plan.ByKey;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.SpotNotice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Per-group memory of the loop; losing it on restart only resets back-off and report de-duplication. */
final class GroupState {
    int failures;
    Instant backoffUntil;
    Instant gapSince;
    String lastAction;
    String lastReason;
    Instant lastAt;
    final Set<String> reportedUnfit = new HashSet<>();
    final Set<String> reportedUnregistered = new HashSet<>();
    final Set<String> reportedRegistered = new HashSet<>();
    /**
     * The group's node names at the last scan, in order, and beside each whether it was in {@link
     * #reportedRegistered} after that scan (which only that step changes): read by position instead of hashing.
     */
    String[] registrationNames = new String[0];

    boolean[] registrationReported = new boolean[0];
    final Map<String, Instant> nodelessSince = new HashMap<>();
    final Set<String> reportedHeld = new HashSet<>();
    /**
     * Instances this replica asked to terminate, with when; kept an hour (a stale describe may list one again). In
     * the order asked ({@link #terminatedByUs}), so the expired ones are found at the head, not by a walk over all.
     */
    final Map<String, Instant> terminatedByUs = new LinkedHashMap<>();
    /** The latest time in {@link #terminatedByUs}, and whether its entries are still in time order. */
    private Instant lastTerminatedAt;

    private boolean terminatedInOrder = true;
    /** The instances of the last describe. */
    List<CloudInstance> lastInstances = List.of();
    /**
     * The instances of a describe by id: of {@link #lastInstances} until the loop looks at the new describe's; kept
     * and updated for the instances that changed, not built again at every change.
     */
    final ByKey<CloudInstance> instancesById = new ByKey<>(CloudInstance::id);
    /** A describe's list (immutable) found without a Terminating or Terminated instance, or null. */
    List<CloudInstance> noneEnding;
    /** The most instances one describe listed (distinct ids): how far a map of a describe's states had grown. */
    private int mostInstances;
    /** Instances the cloud terminated itself, with when they were noticed (reported for an hour). */
    final Map<String, Instant> unexpected = new LinkedHashMap<>();
    /** Per node, the strongest Spot notice already reported (Event and metric once per node and kind). */
    final Map<String, SpotNotice> reportedNotices = new HashMap<>();
    /**
     * Instances whose node is Spot (capacity-type label) or had a notice, with the notice (NONE: Spot, no notice): a
     * node may be deleted before its instance is seen leaving, and the loss must still be told as Spot's.
     */
    final Map<String, SpotNotice> spotInstances = new HashMap<>();
    /** Per waiting pod uid, what it was last told (see {@link GroupExec#tell}): one Event per change, not per scan. */
    final Map<String, WaitNotice> toldWaiting = new HashMap<>();

    /** The lifecycle state of an instance in the last describe, null when it was not listed. */
    LifecycleState lastState(String id) {
        CloudInstance i = instancesById.of(lastInstances).get(id);
        return i == null ? null : i.state();
    }

    /** Makes {@code instances} the last describe's. */
    void remember(List<CloudInstance> instances) {
        if (!sameInstances(lastInstances, instances)) {
            mostInstances = Math.max(mostInstances, instancesById.of(instances).size());
            lastInstances = instances;
        }
    }

    /**
     * The instances of the last describe that were InService then and that {@code now} no longer lists. Found among
     * the instances that changed, in the last describe's order; when the map of ids had to be built afresh, in the
     * order of {@link #lastStates()}.
     */
    List<String> goneInService(List<CloudInstance> now) {
        instancesById.of(lastInstances);
        Map<String, CloudInstance> current = instancesById.of(now);
        List<String> gone = new ArrayList<>();
        if (instancesById.went() == null) {
            lastStates().forEach((id, was) -> {
                if (!current.containsKey(id) && was == LifecycleState.IN_SERVICE) {
                    gone.add(id);
                }
            });
            return gone;
        }
        for (CloudInstance i : instancesById.went()) {
            if (!current.containsKey(i.id()) && i.state() == LifecycleState.IN_SERVICE) {
                gone.add(i.id()); // no id repeats: its state is the last describe's
            }
        }
        return gone;
    }

    /**
     * Each instance's state in the last describe, in the order the loop has always reported instances that left in:
     * a hash map's, of the capacity a map cleared and filled again at every describe would have grown to.
     */
    Map<String, LifecycleState> lastStates() {
        int capacity = 16;
        while (mostInstances > capacity * 3 / 4) {
            capacity <<= 1;
        }
        Map<String, LifecycleState> states = new HashMap<>(capacity);
        lastInstances.forEach(i -> states.put(i.id(), i.state()));
        return states;
    }

    /** {@code ids} in the order of {@link #lastStates()}. */
    List<String> inLastStatesOrder(List<String> ids) {
        Set<String> wanted = new HashSet<>(ids);
        List<String> out = new ArrayList<>(ids.size());
        lastStates().keySet().forEach(id -> {
            if (wanted.contains(id)) {
                out.add(id);
            }
        });
        return out;
    }

    /** Element by element the same instances (ids, states, times): most scans describe an unchanged group. */
    static boolean sameInstances(List<CloudInstance> a, List<CloudInstance> b) {
        if (a == b) {
            return true;
        }
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i) && !a.get(i).equals(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the ids of {@code last} appear in {@code now} in the same order (a provider lists instances in a stable
     * order, new ones added): then none is gone, found without hashing. False means "maybe one is gone".
     */
    static boolean allStillListed(List<CloudInstance> last, List<CloudInstance> now) {
        int at = 0;
        for (CloudInstance was : last) {
            while (at < now.size() && !now.get(at).id().equals(was.id())) {
                at++;
            }
            if (at == now.size()) {
                return false;
            }
            at++;
        }
        return true;
    }

    /** How far {@link #find} looks past the expected place: a few nodes may have left since the last scan. */
    static final int LOOK_AHEAD = 8;

    /**
     * Where {@code name} is in {@code names} at {@code from} or at most {@link #LOOK_AHEAD} places later, else -1
     * (then the caller asks the set).
     */
    static int find(String[] names, int from, String name) {
        int to = Math.min(names.length, from + LOOK_AHEAD + 1);
        for (int k = from; k < to; k++) {
            if (names[k].equals(name)) {
                return k;
            }
        }
        return -1;
    }

    /**
     * Whether the node was reported: at its place in the last scan's list ({@code was}, -1 if not found there; marked in
     * {@code found}), else in the set (then noted in {@code foundElsewhere}).
     */
    boolean registrationReported(String name, int was, boolean[] found, List<String> foundElsewhere) {
        if (was >= 0) {
            found[was] = true;
            if (registrationReported[was]) {
                return true;
            }
        }
        if (reportedRegistered.contains(name)) {
            foundElsewhere.add(name);
            return true;
        }
        return false;
    }

    /**
     * Forgets the reported nodes that are gone, {@code stillThere} of them being among {@code nodes}: those of the last
     * scan's list neither found this scan nor through the set, else (not all found that way) by the names present.
     */
    void forgetGoneRegistrations(int stillThere, List<NodeInfo> nodes, boolean[] found, List<String> foundElsewhere) {
        forgetGone(reportedRegistered, registrationNames, registrationReported, found, foundElsewhere);
        if (stillThere != reportedRegistered.size()) {
            Set<String> present = new HashSet<>();
            nodes.forEach(n -> present.add(n.name()));
            reportedRegistered.retainAll(present);
        }
    }

    /**
     * Removes from {@code reported} the last scan's reported nodes ({@code lastNames}, {@code lastReported}) that were
     * neither found at their place this scan ({@code found}) nor through the set ({@code foundElsewhere}): the gone
     * ones, found without a set of every node present.
     */
    static void forgetGone(
            Set<String> reported,
            String[] lastNames,
            boolean[] lastReported,
            boolean[] found,
            List<String> foundElsewhere) {
        Set<String> elsewhere = foundElsewhere.isEmpty() ? Set.of() : new HashSet<>(foundElsewhere);
        for (int k = 0; k < lastNames.length; k++) {
            if (lastReported[k] && !found[k] && !elsewhere.contains(lastNames[k])) {
                reported.remove(lastNames[k]);
            }
        }
    }

    /** Remembers that this replica asked to terminate {@code instanceId} at {@code at}. */
    void terminatedByUs(String instanceId, Instant at) {
        terminatedByUs.remove(instanceId); // re-inserted at the tail: the map stays in time order
        terminatedByUs.put(instanceId, at);
        if (lastTerminatedAt != null && at.isBefore(lastTerminatedAt)) {
            terminatedInOrder = false; // a clock stepped back: fall back to a walk over all
        } else {
            lastTerminatedAt = at;
        }
    }

    /**
     * Forgets the terminations asked for more than {@code keep} before {@code now}. With a churning group (thousands
     * of nodes an hour) a walk over every entry at every scan would cost more than the rest of the bookkeeping.
     */
    void forgetTerminatedBefore(Instant now, Duration keep) {
        if (!terminatedInOrder) {
            terminatedByUs.values().removeIf(at -> now.isAfter(at.plus(keep)));
            terminatedInOrder = terminatedByUs.isEmpty();
            lastTerminatedAt = null;
            return;
        }
        Iterator<Instant> oldestFirst = terminatedByUs.values().iterator();
        while (oldestFirst.hasNext() && now.isAfter(oldestFirst.next().plus(keep))) {
            oldestFirst.remove();
        }
    }
}
