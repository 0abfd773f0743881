package io.joblane.scaler.plan;

import io.joblane.model.config.Taint;
import java.util.List;
import java.util.Map;

/**
 * One kind of new node a group can get in one planning pass: what one class of similar member Auto Scaling groups
 * launches ({@link AsgClasses}), or for a group of one cloud group, what that group launches. Immutable.
 *
 * @param asgs         the member Auto Scaling groups that launch it, in the file's order; empty for one cloud group
 * @param labels       the labels such a node carries: the group's over its template's, its instance type's, no zone
 * @param taints       the group's taints and its template's
 * @param zones        the zones such a node may start in (empty when not known)
 * @param shape        its allocatable
 * @param instanceType the instance type planned with, null when the shape comes from {@code scaling.node} alone
 * @param classShapes  the shapes of every instance type its ASGs may launch (the cloud picks one): a pod goes to a new
 *                     node of this kind only if it fits all of them, when the group has several kinds
 * @param foreignTaints its template's {@code NoSchedule} and {@code NoExecute} taints that are not the group's own:
 *                     the webhook tolerates only the group's own, so a pod goes to such a node only if its own
 *                     tolerations tolerate each of these, as kube-scheduler's TaintToleration filter decides
 */
record NewNodeKind(
        List<String> asgs,
        Map<String, String> labels,
        List<Taint> taints,
        List<String> zones,
        Resources shape,
        String instanceType,
        List<Resources> classShapes,
        List<Taint> foreignTaints) {

    NewNodeKind {
        foreignTaints = List.copyOf(foreignTaints);
        asgs = List.copyOf(asgs);
        classShapes = List.copyOf(classShapes);
        labels = Map.copyOf(labels);
        taints = List.copyOf(taints);
        zones = List.copyOf(zones);
    }

    /** The first of its foreign taints the pod does not tolerate, for messages; null when it tolerates them all. */
    Taint untolerated(PodConstraints c) {
        return NodeTaints.untolerated(foreignTaints, c);
    }

    /** For messages, a taint as {@code kubectl} shows it: {@code key=value:Effect}. */
    static String text(Taint t) {
        return t.key() + (t.value().isEmpty() ? "" : "=" + t.value()) + ":" + t.effect();
    }

    /** For messages: the first {@code count} kinds, each with its shape. */
    static String shapes(List<NewNodeKind> kinds, int count) {
        List<String> out = new java.util.ArrayList<>();
        for (int k = 0; k < count; k++) {
            out.add(kinds.get(k).describe() + " " + kinds.get(k).shape());
        }
        return String.join("; ", out) + " (minus DaemonSet overhead)";
    }

    /** For messages: its Auto Scaling groups, and its instance type when known. */
    String describe() {
        String where = asgs.isEmpty() ? "new node" : "Auto Scaling group(s) " + String.join(", ", asgs);
        return instanceType == null ? where : where + " (" + instanceType + ")";
    }
}
