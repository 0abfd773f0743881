package io.joblane.scaler.loop;

import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.plan.SpotNotice;
import java.time.Duration;
import java.time.Instant;
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
    /** Lifecycle state of each instance in the last describe. */
    final Map<String, LifecycleState> lastSeen = new HashMap<>();
    /** The instances of the last describe that {@link #lastSeen} was built from: unchanged, it needs no rebuilding. */
    List<CloudInstance> lastInstances = List.of();
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
