package io.joblane.scaler.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One step the planner wants taken; the loop executes it (or only logs it in dry-run mode). Every action carries a
 * human reason for logs, events and the status ConfigMap.
 */
public sealed interface PlanAction {

    String reason();

    /**
     * Raise the cloud group's desired size from {@code from} to {@code to} for {@code pods} waiting pods; {@code examples}
     * are a few of them (at most {@link #MAX_EXAMPLES}) to put events on without flooding the API server.
     * {@code zones} says how many of the new nodes waiting pods need in which zone (empty when none needs one).
     * {@code asgs}, for a group over several Auto Scaling groups, is the new desired size of each member raised
     * (the planner's split: new nodes to the members whose template suits the pods, balanced among similar ones);
     * empty for a group of one cloud group.
     */
    record ScaleUp(
            int from,
            int to,
            int pods,
            List<PodInfo> examples,
            Map<String, Integer> zones,
            Map<String, Integer> asgs,
            String reason)
            implements PlanAction {
        public static final int MAX_EXAMPLES = 20;

        public ScaleUp {
            examples = List.copyOf(examples);
            zones = zones == null ? Map.of() : Map.copyOf(zones);
            asgs = asgs == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(asgs));
        }

        /** A scale-up of one cloud group. */
        public ScaleUp(int from, int to, int pods, List<PodInfo> examples, Map<String, Integer> zones, String reason) {
            this(from, to, pods, examples, zones, Map.of(), reason);
        }

        /** A scale-up of one cloud group no pod needs a zone for. */
        public ScaleUp(int from, int to, int pods, List<PodInfo> examples, String reason) {
            this(from, to, pods, examples, Map.of(), Map.of(), reason);
        }
    }

    /**
     * Lower desired from {@code from} to {@code to}: nodes asked for but never launched that no waiting pod needs any
     * more. The loop sends it only once capacity has stopped arriving; the provider never goes below the instances that
     * exist and refuses while any of them is unprotected, so nothing running can be terminated.
     */
    record CancelUnfulfilled(int from, int to, String reason) implements PlanAction {}

    /** Take a draining or Joblane-cordoned node back because waiting pods fit there: clear taint and cordon. */
    record Reclaim(String node, String reason) implements PlanAction {}

    /** Why a node's draining taint is set. */
    enum DrainReason {
        /** A nudged node without its {@code draining-since} timer: the nudge is set again, with the timer. */
        TIMER_MISSING,
        /** Nudged for the settle delay and still not needed: the nudge becomes a commitment. */
        STILL_UNNEEDED,
        /** Its blocking pods would fit on the group's other busy nodes. */
        PODS_FIT_ELSEWHERE,
        /** It carries a Spot notice: no new Job may land there, at once (no nudge first). */
        SPOT_NOTICE
    }

    /** Set (or with {@link DrainState#NONE} clear) the draining taint and its {@code draining-since} annotation. */
    record SetDrain(String node, DrainState state, DrainReason why, String reason) implements PlanAction {}

    /** Why a node's unneeded timer starts or stops. */
    enum UnneededReason {
        /** Starts: no pod runs on it. */
        EMPTY,
        /** Stops: pods run on it again. */
        BUSY_AGAIN,
        /** Stops: waiting pods were placed on it. */
        NEEDED
    }

    /** Start ({@code since} non-null) or stop (null) the node's unneeded timer annotation. */
    record MarkUnneeded(String node, Instant since, UnneededReason why, String reason) implements PlanAction {}

    /** Why a node is cordoned, in the order scale-in checks them. */
    enum CordonReason {
        /** Its termination was asked for: fenced even if its kubelet joined late. */
        TERMINATION_REQUESTED,
        /** Its instance is leaving the group (Terminating, Terminated): fenced, never used. */
        INSTANCE_LEAVING,
        /** NotReady past the registration timeout with nothing on it: not capacity. */
        BROKEN,
        /** Drained: no Job runs on it any more (the drain was the delay). */
        DRAINED,
        /** Empty and unneeded for the scale-down delay. */
        UNNEEDED,
        /** Empty and carrying a Spot notice: removed now rather than left for the cloud to take. */
        SPOT_NOTICE,
        /** Empty and not among the nodes the arrival rate is expected to need before a new node could boot (cost rule). */
        NOT_NEEDED_SOON,
        /** Among the nodes the arrival rate was expected to need, but empty for a boot delay (the cost rule). */
        IDLE_PAST_BOOT
    }

    /** Cordon an empty, unneeded node as the scaler's own; termination follows after the settle delay. */
    record Cordon(String node, CordonReason why, String reason) implements PlanAction {}

    /**
     * Remove a {@code cordoned-at} mark from a node that is not cordoned (someone ran {@code kubectl uncordon}, which
     * keeps annotations), so a later human cordon is never taken for the scaler's.
     */
    record ClearCordonMark(String node, String reason) implements PlanAction {}

    /** Why the scaler gives back a node it cordoned, in the order scale-in checks them. */
    enum UncordonReason {
        /** A human disabled scale-down on it after the cordon: humans win. */
        SCALE_DOWN_DISABLED,
        /** A pod was bound to it after the cordon. */
        POD_BOUND,
        /** Terminating it would take the group below its minimum. */
        AT_MINIMUM
    }

    /** Undo the scaler's own cordon and timers (e.g. the group is at its minimum). */
    record Uncordon(String node, UncordonReason why, String reason) implements PlanAction {}

    /**
     * Terminate exactly this node's instance, decrementing desired, but only after the loop's live re-check of every
     * pod bound to the node finds nothing that blocks.
     */
    record Terminate(String node, String instanceId, TerminateReason why, String reason) implements PlanAction {}

    /** Why a node's instance is terminated. */
    enum TerminateReason {
        /** Cordoned by the scaler, empty, and settled for the settle delay. */
        SETTLED,
        /** Its termination was asked for on an earlier scan and the instance is still in the group: retried. */
        RETRY_REQUESTED
    }

    /** Why waiting pods get no new node of their own this scan (they are told so with an Event). */
    enum WaitReason {
        /** Capacity already asked for (a node launching or registering) will take them. */
        CAPACITY_COMING,
        /** Their node would take the group above its maximum. */
        AT_MAX
    }

    /** Waiting pods (at most {@link ScaleUp#MAX_EXAMPLES}) that get no new node of their own, and why. */
    record PodsWaiting(WaitReason why, List<PodInfo> pods, String reason) implements PlanAction {
        public PodsWaiting {
            pods = List.copyOf(pods);
        }
    }

    /** Why no node is added for a waiting pod, ever. */
    enum NeverFitReason {
        /** Its requests exceed an empty node of the group (minus DaemonSet overhead). */
        EXCEEDS_EMPTY_NODE,
        /** It fits only some of the group's instance types, and the cloud picks the type of each new node. */
        FITS_ONLY_SOME_TYPES,
        /**
         * No node of the group and no new one satisfies its nodeSelector, node affinity, volumes' zone, pod
         * anti-affinity or topology spread.
         */
        CONSTRAINTS,
        /**
         * A new node that would otherwise take it carries a {@code NoSchedule} or {@code NoExecute} taint of its
         * Auto Scaling group's node template that it does not tolerate.
         */
        UNTOLERATED_TAINTS
    }

    /** A waiting pod that fits no node of the group even when empty: report once, do not scale for it. */
    record PodNeverFits(PodInfo pod, NeverFitReason why, String reason) implements PlanAction {}

    /** A cloud instance that has not become a node within the registration timeout: report it. */
    record InstanceUnregistered(String instanceId, Duration age, String reason) implements PlanAction {}

    /** An instance that never became a node within twice the registration timeout: it runs nothing, terminate it. */
    record TerminateUnregistered(String instanceId, String reason) implements PlanAction {}

    /**
     * Stop the cloud group from moving instances between zones by itself (AWS: suspend AZRebalance), which would
     * terminate busy instances; planned only when the group's {@code scaling.suspendAZRebalance} allows it.
     */
    record SuspendZoneRebalancing(String reason) implements PlanAction {}

    /** Put scale-in protection on instances that lack it, so the cloud never picks a victim itself. */
    record Protect(List<String> instanceIds, String reason) implements PlanAction {
        public Protect {
            instanceIds = List.copyOf(instanceIds);
        }
    }
}
