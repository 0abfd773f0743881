package io.joblane.scaler.loop;

import io.joblane.model.config.NodeGroup;
import io.joblane.model.config.ScalerSettings;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.plan.ByKey;
import io.joblane.scaler.plan.GroupSpec;
import io.joblane.scaler.plan.SpotNotice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
    final Set<String> reportedUnfit = new LinkedHashSet<>(); // linked: retained at every scan, a walk of entries
    final Set<String> reportedUnregistered = new HashSet<>();
    /** The nodes whose registration lag was reported. */
    final Registrations registrations = new Registrations();

    Map<String, Instant> nodelessSince = new HashMap<>();
    /** The capacity instances without a node at the last scan, whose ids are {@link #nodelessSince}'s keys. */
    List<CloudInstance> lastNodeless = List.of();

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
    final Map<String, WaitNotice> toldWaiting = new LinkedHashMap<>(); // linked, as reportedUnfit

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

    /** Whether the two lists hold the very same objects in the same order. */
    static <T> boolean sameElements(List<T> a, List<T> b) {
        if (a == b) {
            return true;
        }
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
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

    /**
     * The group's spec, and the config records it was read from ({@link #spec}: immutable, a reload makes new ones).
     */
    private GroupSpec spec;

    private NodeGroup specOf;
    private ScalerSettings specWith;

    /** The group's spec: read again from the config only when its objects changed (it parses quantities). */
    GroupSpec spec(NodeGroup group, ScalerSettings scaler) {
        if (group != specOf || scaler != specWith) {
            spec = GroupSpec.of(group, scaler);
            specOf = group;
            specWith = scaler;
        }
        return spec;
    }
}
