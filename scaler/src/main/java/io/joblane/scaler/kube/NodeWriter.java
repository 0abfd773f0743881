package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.joblane.model.WellKnown;
import io.joblane.scaler.plan.NodeAnnotations;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the node state the scaler keeps in the cluster: the {@code joblane.io/draining} taint, its own cordon
 * (marked with the {@link NodeAnnotations#CORDONED_AT} annotation so a human's cordon is recognised
 * and left alone) and node
 * annotations. Every write reads the live node, changes a copy and PUTs it guarded by the resourceVersion it read,
 * retrying on 409 Conflict, so a concurrent writer (kubelet, a human, another controller) never loses a change.
 * Called from the loop thread.
 */
public final class NodeWriter {
    private static final Logger LOG = LoggerFactory.getLogger(NodeWriter.class);
    private static final int MAX_ATTEMPTS = 5;
    public static final String NO_SCHEDULE = "NoSchedule";
    public static final String PREFER_NO_SCHEDULE = "PreferNoSchedule";
    /** Value of the draining label; steered pods require the key not to exist, so any value fences. */
    static final String DRAINING_LABEL_VALUE = "true";

    private final KubernetesClient client;

    public NodeWriter(KubernetesClient client) {
        this.client = client;
    }

    /** Adds the draining taint with {@code effect}, or changes the effect of the one already there. */
    public Node setDrainingTaint(String nodeName, String effect) {
        if (!NO_SCHEDULE.equals(effect) && !PREFER_NO_SCHEDULE.equals(effect)) {
            throw new IllegalArgumentException(
                    "draining taint effect must be NoSchedule or PreferNoSchedule: " + effect);
        }
        return modify(nodeName, node -> {
            List<Taint> taints = new ArrayList<>(taints(node));
            taints.removeIf(t -> WellKnown.DRAINING_TAINT.equals(t.getKey()));
            taints.add(new Taint(effect, WellKnown.DRAINING_TAINT, null, ""));
            node.getSpec().setTaints(taints);
            labels(node).put(WellKnown.DRAINING_LABEL, DRAINING_LABEL_VALUE);
            return node;
        });
    }

    /**
     * Removes the draining taint, and the draining label unless the scaler's cordon still holds the node. A node
     * marked for termination keeps both: its instance may be going.
     */
    public Node removeDrainingTaint(String nodeName) {
        return modify(nodeName, node -> {
            if (terminationRequested(node)) {
                LOG.warn("node {} is marked for termination: its draining taint and label stay", nodeName);
                return node;
            }
            List<Taint> taints = new ArrayList<>(taints(node));
            taints.removeIf(t -> WellKnown.DRAINING_TAINT.equals(t.getKey()));
            node.getSpec().setTaints(taints);
            Map<String, String> annotations = node.getMetadata().getAnnotations();
            boolean ourCordon = Boolean.TRUE.equals(node.getSpec().getUnschedulable())
                    && annotations != null
                    && annotations.containsKey(NodeAnnotations.CORDONED_AT);
            if (!ourCordon) {
                removeDrainingLabel(node);
            }
            return node;
        });
    }

    /**
     * Cordons the node and marks the cordon as the scaler's. Returns false, changing nothing, when someone else
     * has already cordoned it: that node belongs to a human now.
     */
    public boolean cordon(String nodeName, Instant at) {
        boolean[] ours = {true};
        modify(nodeName, node -> {
            if (cordonedByOthers(node)) {
                ours[0] = false;
                return node;
            }
            boolean alreadyOurs = Boolean.TRUE.equals(node.getSpec().getUnschedulable());
            node.getSpec().setUnschedulable(true);
            labels(node).put(WellKnown.DRAINING_LABEL, DRAINING_LABEL_VALUE);
            if (alreadyOurs) {
                annotations(node).putIfAbsent(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(at));
            } else {
                // A fresh cordon: a mark left over from an earlier one (kubectl uncordon keeps it) must not count.
                annotations(node).put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(at));
            }
            return node;
        });
        return ours[0];
    }

    /**
     * Lifts the scaler's own cordon, and the draining label unless the draining taint is still there; a cordon
     * without the scaler's mark, or on a node marked for termination, is left in place (returns false).
     */
    public boolean uncordon(String nodeName) {
        boolean[] done = {false};
        modify(nodeName, node -> {
            if (!annotations(node).containsKey(NodeAnnotations.CORDONED_AT)) {
                return node;
            }
            if (terminationRequested(node)) {
                LOG.warn("node {} is marked for termination: it stays cordoned", nodeName);
                return node;
            }
            node.getSpec().setUnschedulable(null);
            annotations(node).remove(NodeAnnotations.CORDONED_AT);
            if (taints(node).stream().noneMatch(t -> WellKnown.DRAINING_TAINT.equals(t.getKey()))) {
                removeDrainingLabel(node);
            }
            done[0] = true;
            return node;
        });
        return done[0];
    }

    /** Sets annotations; a null value removes that annotation. */
    public Node setAnnotations(String nodeName, Map<String, String> changes) {
        return modify(nodeName, node -> {
            Map<String, String> annotations = annotations(node);
            changes.forEach((k, v) -> {
                if (v == null) {
                    annotations.remove(k);
                } else {
                    annotations.put(k, v);
                }
            });
            return node;
        });
    }

    /**
     * Writes {@link NodeAnnotations#TERMINATION_REQUESTED_AT} unless already there; returns the earlier value, null
     * when there was none (an unparsable earlier value counts as a mark at {@code at}: the safe side).
     */
    public Instant markTerminationRequested(String nodeName, Instant at) {
        Instant[] earlier = {null};
        modify(nodeName, node -> {
            String before = annotations(node).get(NodeAnnotations.TERMINATION_REQUESTED_AT);
            if (before != null) {
                Instant parsed = NodeAnnotations.parse(before);
                earlier[0] = parsed == null ? at : parsed;
                return node;
            }
            earlier[0] = null;
            annotations(node).put(NodeAnnotations.TERMINATION_REQUESTED_AT, NodeAnnotations.format(at));
            return node;
        });
        return earlier[0];
    }

    /** True when the node is unschedulable but not by the scaler's hand. */
    public static boolean cordonedByOthers(Node node) {
        boolean unschedulable =
                node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
        Map<String, String> annotations = node.getMetadata().getAnnotations();
        return unschedulable && (annotations == null || !annotations.containsKey(NodeAnnotations.CORDONED_AT));
    }

    /**
     * Read, change, write with the read resourceVersion; on 409 read again. Skips the write when nothing changed.
     * Throws {@link KubernetesClientException} (404 when the node is gone) for the loop to retry next scan.
     */
    Node modify(String nodeName, UnaryOperator<Node> change) {
        for (int attempt = 1; ; attempt++) {
            Node live = client.nodes().withName(nodeName).get();
            if (live == null) {
                throw new KubernetesClientException(
                        "node " + nodeName + " not found", HttpURLConnection.HTTP_NOT_FOUND, null);
            }
            Node copy = client.getKubernetesSerialization().clone(live);
            if (copy.getSpec() == null) {
                copy.setSpec(new io.fabric8.kubernetes.api.model.NodeSpec());
            }
            Node changed = change.apply(copy);
            if (Objects.equals(changed.getSpec(), live.getSpec())
                    && Objects.equals(
                            changed.getMetadata().getAnnotations(),
                            live.getMetadata().getAnnotations())
                    && Objects.equals(
                            changed.getMetadata().getLabels(),
                            live.getMetadata().getLabels())) {
                return live;
            }
            try {
                return client.nodes()
                        .resource(changed)
                        .lockResourceVersion(live.getMetadata().getResourceVersion())
                        .update();
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                LOG.debug("node {} changed while writing it (attempt {}), reading it again", nodeName, attempt);
            }
        }
    }

    private static List<Taint> taints(Node node) {
        return node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
    }

    private static boolean terminationRequested(Node node) {
        Map<String, String> annotations = node.getMetadata().getAnnotations();
        return annotations != null && annotations.containsKey(NodeAnnotations.TERMINATION_REQUESTED_AT);
    }

    private static void removeDrainingLabel(Node node) {
        if (node.getMetadata().getLabels() != null) {
            node.getMetadata().getLabels().remove(WellKnown.DRAINING_LABEL);
        }
    }

    private static Map<String, String> labels(Node node) {
        if (node.getMetadata().getLabels() == null) {
            node.getMetadata().setLabels(new HashMap<>());
        }
        return node.getMetadata().getLabels();
    }

    private static Map<String, String> annotations(Node node) {
        if (node.getMetadata().getAnnotations() == null) {
            node.getMetadata().setAnnotations(new HashMap<>());
        }
        return node.getMetadata().getAnnotations();
    }
}
