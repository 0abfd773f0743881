package io.joblane.scaler.loop;

import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.plan.SpotNotice;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
    final Map<String, Instant> nodelessSince = new HashMap<>();
    final Set<String> reportedHeld = new HashSet<>();
    /** Instances this replica asked to terminate, with when; kept an hour (a stale describe may list one again). */
    final Map<String, Instant> terminatedByUs = new HashMap<>();
    /** Lifecycle state of each instance in the last describe. */
    final Map<String, LifecycleState> lastSeen = new HashMap<>();
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
}
