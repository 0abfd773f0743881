package io.joblane.scaler.loop;

import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.PodInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the loop needs from Kubernetes. Implemented with fabric8 informers and API calls by the kube package,
 * and by the simulator's in-memory cluster. Called from the loop's single thread, one scan at a time.
 */
public interface ClusterAccess {

    /**
     * The groups' nodes, the groups' pods (plus any other pods known to be bound to those nodes) and the DaemonSets,
     * from caches. Nodes carry the annotations of {@link io.joblane.scaler.plan.NodeAnnotations}.
     */
    ClusterSnapshot snapshot() throws ClusterException;

    /**
     * Sets the {@code joblane.io/draining} taint and the {@code joblane.io/draining} label (the fence no toleration
     * crosses) with the given effect, replacing one with another effect; {@link DrainState#NONE} removes the taint,
     * and the label too unless the node is still cordoned by Joblane. Idempotent. Removing them from a node marked
     * {@link io.joblane.scaler.plan.NodeAnnotations#TERMINATION_REQUESTED_AT} is refused (changes nothing).
     */
    void setDrainingTaint(String node, DrainState state) throws ClusterException;

    /**
     * Cordons the node (spec.unschedulable), puts the {@code joblane.io/draining} label on it and marks the cordon as
     * Joblane's with annotation {@link io.joblane.scaler.plan.NodeAnnotations#CORDONED_AT} = {@code at}. Idempotent.
     * Returns false, changing nothing, when someone else cordoned the node first (it is a human's now).
     */
    boolean cordon(String node, Instant at) throws ClusterException;

    /**
     * Undoes Joblane's own cordon: clears spec.unschedulable and the {@code cordoned-at} annotation, and the
     * {@code joblane.io/draining} label unless the draining taint is still there. Must not touch a node without that
     * annotation (a human's cordon), nor one marked
     * {@link io.joblane.scaler.plan.NodeAnnotations#TERMINATION_REQUESTED_AT} (its instance may be going).
     */
    void uncordon(String node) throws ClusterException;

    /** Sets node annotations; a null value removes that annotation. One patch. */
    void annotateNode(String node, Map<String, String> annotations) throws ClusterException;

    /**
     * Every pod bound to the node, read LIVE from the API server (not a cache), in every namespace and of every
     * owner: running, pending-but-bound, terminating and finished ones. The last check before a termination.
     */
    List<PodInfo> podsBoundTo(String node) throws ClusterException;

    /**
     * Why a cloud instance that no group node names might still run pods, read live; empty only when nothing in the
     * cluster could be it. Present when any node (with or without a group label) names the instance in its
     * providerID, when any node has an empty or unparseable providerID (it could be that instance), or when a pod
     * that has not finished is bound to a node name with no Node object. Guards terminating an "unregistered" instance.
     */
    Optional<String> whyInstanceMayHaveNode(String instanceId) throws ClusterException;

    /**
     * Reads the node LIVE right before its instance is terminated and says why it must not be: it is gone, no
     * longer unschedulable, its cordon no longer carries Joblane's {@code cordoned-at} annotation, it carries
     * {@code joblane.io/scale-down-disabled: "true"} (a human's word, even one set after the snapshot), its
     * providerID no longer names {@code instanceId}, or it is another object (uid) than the one in the last
     * snapshot. Empty when it is still exactly the node Joblane cordoned.
     */
    Optional<String> whyNodeNotTerminable(String node, String instanceId) throws ClusterException;

    /**
     * Marks the node, LIVE (read, change, write guarded by its resourceVersion), with
     * {@link io.joblane.scaler.plan.NodeAnnotations#TERMINATION_REQUESTED_AT} = {@code at} before its instance is
     * terminated, and returns the instant of an earlier mark, which it keeps. An earlier mark means a termination
     * call may already have acted: such a node is never given back.
     */
    Optional<Instant> markTerminationRequested(String node, Instant at) throws ClusterException;

    /**
     * Records a Kubernetes Event of {@code reason}'s type; best effort, never throws (a lost event must not stop a
     * scan).
     */
    void recordEvent(EventTarget target, EventReason reason, String message);
}
