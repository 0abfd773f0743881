package io.joblane.scaler.loop;

/**
 * Every Kubernetes Event reason the scaler emits, with its type, in one place (as Karpenter keeps its event
 * constructors in one {@code events.go}). The pod reasons are cluster-autoscaler's, so users and tools find them under
 * the names they know.
 */
public enum EventReason {
    /** Pod: a scale-up that will take it was asked for. */
    TRIGGERED_SCALE_UP("TriggeredScaleUp", false),
    /** Pod: no new node of its own (capacity on its way will take it, the group is at its maximum or backing off). */
    NOT_TRIGGER_SCALE_UP("NotTriggerScaleUp", false),
    /** Pod: it fits no empty node of its group, so the group never scales for it. */
    DOES_NOT_FIT("DoesNotFit", true),
    /** Node: the draining taint was set (nudge or commit). */
    DRAINING("Draining", false),
    /** Node: a draining or cordoned node taken back for waiting pods. */
    DRAIN_CANCELLED("DrainCancelled", false),
    /** Node: cordoned as the scaler's own, terminated after the settle delay if still empty. */
    SCALE_DOWN("ScaleDown", false),
    /** Node: given back to the scheduler (busy again, the group at its minimum, a pod bound at the last moment). */
    SCALE_DOWN_CANCELLED("ScaleDownCancelled", false),
    /** Node: its instance was terminated. */
    TERMINATED("Terminated", false),
    /** Node: its instance was terminated by the cloud group itself, not by Joblane; running Jobs there are lost. */
    UNEXPECTED_TERMINATION("UnexpectedTermination", true),
    /** Node: a Spot rebalance recommendation was seen on it; fenced at once, no new Job lands there. */
    SPOT_REBALANCE_RECOMMENDATION("SpotRebalanceRecommendation", true),
    /** Node: a Spot interruption notice was seen on it (about two minutes left); fenced at once. */
    SPOT_INTERRUPTION_NOTICE("SpotInterruptionNotice", true),
    /** Node: a Spot node (or one with a notice) was taken by the cloud; Jobs running there are Spot's loss. */
    SPOT_INTERRUPTED("SpotInterrupted", true);

    private final String reason;
    private final boolean warning;

    EventReason(String reason, boolean warning) {
        this.reason = reason;
        this.warning = warning;
    }

    /** The Event's {@code reason} field, e.g. {@code NotTriggerScaleUp}. */
    public String reason() {
        return reason;
    }

    /** The Event's {@code type}: {@code Warning} or {@code Normal}. */
    public String type() {
        return warning ? "Warning" : "Normal";
    }

    public boolean warning() {
        return warning;
    }
}
