package io.joblane.scaler.plan;

import java.time.Instant;

/**
 * What the planner knows of one pod. {@code requests} are the effective requests as the scheduler counts them
 * (max of init containers vs. sum of containers, plus pod overhead, limits when requests are absent);
 * the implicit one "pods" slot is not included. Immutable.
 *
 * @param group      the node group from the {@code joblane.io/node-group} label or nodeSelector, null when none
 * @param nodeName   spec.nodeName, null when not bound
 * @param jobPod     owned by a batch Job (or matched by the webhook's job rules)
 * @param daemonSetPod owned by a DaemonSet: never blocks scale-in, counted through {@link DaemonSetInfo} overhead
 * @param mirrorPod  a static (mirror) pod of the kubelet: never blocks scale-in
 * @param started    status.startTime, null when not started
 * @param expectedEnd when a bound Job pod is expected to end (its start plus its lanes prediction: annotation,
 *                    family history, deadline), null when nothing predicts it; orders drain candidates
 */
public record PodInfo(
        String uid,
        String namespace,
        String name,
        String group,
        Resources requests,
        PodPhase phase,
        boolean jobPod,
        boolean daemonSetPod,
        boolean mirrorPod,
        String nodeName,
        Instant created,
        Instant started,
        Instant expectedEnd) {

    public PodInfo {
        requests = requests == null ? Resources.ZERO : requests;
    }

    /** This pod expected to end at {@code end} (null: unknown). */
    public PodInfo withExpectedEnd(Instant end) {
        return java.util.Objects.equals(end, expectedEnd)
                ? this
                : new PodInfo(
                        uid,
                        namespace,
                        name,
                        group,
                        requests,
                        phase,
                        jobPod,
                        daemonSetPod,
                        mirrorPod,
                        nodeName,
                        created,
                        started,
                        end);
    }

    /**
     * True when this pod, bound to a node, must keep that node alive: anything but DaemonSet, mirror and finished
     * pods, and a Job pod always, whatever other owner it claims.
     */
    public boolean blocksScaleIn() {
        return phase.holdsNode() && (jobPod || !daemonSetPod && !mirrorPod);
    }

    public String key() {
        return namespace + "/" + name;
    }
}
