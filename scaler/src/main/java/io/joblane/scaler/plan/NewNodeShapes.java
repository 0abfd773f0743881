package io.joblane.scaler.plan;

import io.joblane.model.config.Taint;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.NodeTemplate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The shape a new node of a group is planned with before any of its nodes exists. {@code scaling.node} is an
 * override that wins per resource; the cloud group's node template (instance types, labels, taints read from the
 * cloud, see {@link NodeTemplate}) gives the rest. With several instance types the cloud, not Joblane, picks the
 * type of each new node, so a plan must hold whichever comes: the group is planned once per type shape, as if every
 * new node were of that type, and the plan that needs the most new nodes is kept. No pod is ever planned onto a
 * shape it does not fit (no made-up per-dimension minimum or maximum shape), and a pod that fits only some of the
 * types is reported with those types instead of as fitting nothing. Pure; called by {@link Planner#plan}.
 */
final class NewNodeShapes {

    /** One candidate shape for new nodes; {@code instanceType} null when it comes from the override alone. */
    record Option(String instanceType, Resources shape) {}

    private NewNodeShapes() {}

    /** The candidate shapes, in the cloud group's type order, identical shapes once. */
    static List<Option> options(GroupSpec spec, CloudGroup cloud) {
        NodeTemplate template = cloud.template();
        if (template == null || template.shapes().isEmpty()) {
            return List.of(new Option(null, spec.shape()));
        }
        Map<Resources, String> byShape = new LinkedHashMap<>();
        for (NodeTemplate.Shape s : template.shapes()) {
            Map<String, Long> merged = new LinkedHashMap<>(s.allocatableMillis());
            merged.putAll(spec.shape().toMap());
            byShape.putIfAbsent(Resources.ofMillis(merged), s.instanceType());
        }
        List<Option> out = new ArrayList<>();
        byShape.forEach((shape, type) -> out.add(new Option(type, shape)));
        return out;
    }

    /** The spec with the template's labels and taints added (the file's win), which decide DaemonSet overhead. */
    static GroupSpec withTemplate(GroupSpec spec, NodeTemplate template, Resources shape) {
        Map<String, String> labels = new LinkedHashMap<>();
        List<Taint> taints = new ArrayList<>(spec.taints());
        if (template != null) {
            labels.putAll(template.labels());
            Set<String> known = new HashSet<>();
            spec.taints().forEach(t -> known.add(t.key() + ":" + t.effect()));
            template.taints().stream()
                    .filter(t -> known.add(t.key() + ":" + t.effect()))
                    .forEach(taints::add);
        }
        labels.putAll(spec.nodeLabels());
        return new GroupSpec(
                spec.name(),
                spec.cloudGroupId(),
                spec.minNodes(),
                spec.maxNodes(),
                shape,
                spec.scaleDownDelay(),
                spec.maxDraining(),
                spec.registrationTimeout(),
                spec.settleDelay(),
                labels,
                taints,
                spec.suspendZoneRebalancing(),
                spec.bootDelay(),
                spec.scaleInByCost());
    }

    /** Plans with each option through {@code pass} and keeps the plan that needs the most new nodes. */
    static GroupPlan plan(GroupSpec spec, SnapshotIndex index, CloudGroup cloud, Function<GroupSpec, GroupPlan> pass) {
        List<Option> options = options(spec, cloud);
        NodeTemplate template = cloud.template();
        boolean nodesKnown = index.nodes(spec.name()).stream()
                .anyMatch(n -> n.ready() && !n.allocatable().isZero());
        if (options.size() == 1 || nodesKnown) {
            // Live nodes' allocatable is learnt by the planner; then the template only names the first shape.
            return pass.apply(withTemplate(spec, template, options.get(0).shape()));
        }
        List<GroupPlan> plans = new ArrayList<>();
        int chosen = 0;
        for (int i = 0; i < options.size(); i++) {
            plans.add(pass.apply(withTemplate(spec, template, options.get(i).shape())));
            if (plans.get(i).newNodesWanted() > plans.get(chosen).newNodesWanted()) {
                chosen = i;
            }
        }
        return explain(plans, chosen, options);
    }

    /** The chosen plan, its scale-up naming the type planned with, its unfit pods naming the types they fit. */
    private static GroupPlan explain(List<GroupPlan> plans, int chosen, List<Option> options) {
        GroupPlan plan = plans.get(chosen);
        Set<String> allTypes = new LinkedHashSet<>();
        options.forEach(o -> allTypes.add(o.instanceType()));
        List<PlanAction> actions = new ArrayList<>();
        for (PlanAction a : plan.actions()) {
            if (a instanceof PlanAction.ScaleUp up) {
                actions.add(new PlanAction.ScaleUp(
                        up.from(),
                        up.to(),
                        up.pods(),
                        up.examples(),
                        up.zones(),
                        up.reason()
                                + " (planned as " + options.get(chosen).instanceType() + ", the type of "
                                + String.join(", ", allTypes)
                                + " that needs the most nodes; the Auto Scaling group picks)"));
            } else if (a instanceof PlanAction.PodNeverFits unfit) {
                List<String> fits = new ArrayList<>();
                for (int i = 0; i < plans.size(); i++) {
                    if (i != chosen
                            && plans.get(i).actionsOf(PlanAction.PodNeverFits.class).stream()
                                    .noneMatch(p ->
                                            p.pod().key().equals(unfit.pod().key()))) {
                        fits.add(options.get(i).instanceType());
                    }
                }
                actions.add(
                        fits.isEmpty()
                                ? unfit
                                : new PlanAction.PodNeverFits(
                                        unfit.pod(),
                                        PlanAction.NeverFitReason.FITS_ONLY_SOME_TYPES,
                                        "requests "
                                                + unfit.pod().requests() + " fit only instance type(s) "
                                                + String.join(", ", fits) + " of "
                                                + String.join(", ", allTypes)
                                                + "; the Auto Scaling group may launch any of them, so no "
                                                + "node is added for it: narrow the group's instance types or set scaling.node"));
            } else {
                actions.add(a);
            }
        }
        return new GroupPlan(
                plan.group(),
                actions,
                plan.desired(),
                plan.readyNodes(),
                plan.launching(),
                plan.draining(),
                plan.cordoned(),
                plan.pendingPods(),
                plan.podsOnIncoming(),
                plan.newNodesWanted(),
                plan.neverFit(),
                plan.nextDeadline());
    }
}
