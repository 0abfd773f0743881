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

    /** One planning pass with a new-node shape in the spec. */
    interface Pass {
        /**
         * @param learnShape new nodes take the live nodes' allocatable once some are Ready
         * @param setAside   keys of pending pods the pass leaves out (they fit only some instance types)
         */
        GroupPlan run(GroupSpec spec, boolean learnShape, Set<String> setAside);
    }

    /** A pending pod that an empty node of some of the group's types takes, of others not. */
    private record Partial(PodInfo pod, List<String> fits) {}

    /**
     * Plans with each option through {@code pass} and keeps the plan that needs the most new nodes. With one shape the
     * pass learns the live nodes' allocatable once some are Ready; with several it must not, even when nodes exist:
     * the live nodes show which types came before, not which comes next. Pods that fit some types but not all are
     * planned for by no pass (a node bought for them may come as a type they do not fit, again and again) and
     * reported with the types they fit.
     */
    static GroupPlan plan(GroupSpec spec, CloudGroup cloud, Pass pass) {
        List<Option> options = options(spec, cloud);
        NodeTemplate template = cloud.template();
        if (options.size() == 1) {
            return pass.run(withTemplate(spec, template, options.get(0).shape()), true, Set.of());
        }
        List<GroupPlan> plans = passes(spec, template, options, pass, Set.of());
        Map<String, Partial> partial = fitsOnlySomeTypes(plans, options);
        if (!partial.isEmpty()) {
            plans = passes(spec, template, options, pass, partial.keySet());
        }
        int chosen = 0;
        for (int i = 1; i < plans.size(); i++) {
            if (plans.get(i).newNodesWanted() > plans.get(chosen).newNodesWanted()) {
                chosen = i;
            }
        }
        return explain(plans.get(chosen), options.get(chosen), options, partial.values());
    }

    private static List<GroupPlan> passes(
            GroupSpec spec, NodeTemplate template, List<Option> options, Pass pass, Set<String> setAside) {
        List<GroupPlan> plans = new ArrayList<>();
        for (Option o : options) {
            plans.add(pass.run(withTemplate(spec, template, o.shape()), false, setAside));
        }
        return plans;
    }

    /** Every pod that never fits in some pass but fits in another, with the types whose pass placed it. */
    private static Map<String, Partial> fitsOnlySomeTypes(List<GroupPlan> plans, List<Option> options) {
        List<Set<String>> unfitPerPlan = new ArrayList<>();
        Map<String, PodInfo> unfitSomewhere = new LinkedHashMap<>();
        for (GroupPlan p : plans) {
            Set<String> keys = new HashSet<>();
            for (PlanAction.PodNeverFits u : p.actionsOf(PlanAction.PodNeverFits.class)) {
                keys.add(u.pod().key());
                unfitSomewhere.putIfAbsent(u.pod().key(), u.pod());
            }
            unfitPerPlan.add(keys);
        }
        Map<String, Partial> out = new LinkedHashMap<>();
        unfitSomewhere.forEach((key, pod) -> {
            List<String> fits = new ArrayList<>();
            for (int i = 0; i < plans.size(); i++) {
                if (!unfitPerPlan.get(i).contains(key)) {
                    fits.add(options.get(i).instanceType());
                }
            }
            if (!fits.isEmpty()) {
                out.put(key, new Partial(pod, fits));
            }
        });
        return out;
    }

    /** The chosen plan, its scale-up naming the type planned with, plus a report per pod fitting only some types. */
    private static GroupPlan explain(
            GroupPlan plan, Option chosen, List<Option> options, java.util.Collection<Partial> partial) {
        Set<String> allTypes = new LinkedHashSet<>();
        options.forEach(o -> allTypes.add(o.instanceType()));
        String types = String.join(", ", allTypes);
        List<PlanAction> actions = new ArrayList<>();
        for (PlanAction a : plan.actions()) {
            if (a instanceof PlanAction.ScaleUp up) {
                actions.add(new PlanAction.ScaleUp(
                        up.from(),
                        up.to(),
                        up.pods(),
                        up.examples(),
                        up.zones(),
                        up.reason() + " (planned as " + chosen.instanceType() + ", the type of " + types
                                + " that needs the most nodes; the Auto Scaling group picks)"));
            } else {
                actions.add(a);
            }
        }
        for (Partial p : partial) {
            actions.add(new PlanAction.PodNeverFits(
                    p.pod(),
                    PlanAction.NeverFitReason.FITS_ONLY_SOME_TYPES,
                    "requests " + p.pod().requests() + " fit only instance type(s) " + String.join(", ", p.fits())
                            + " of " + types + "; the Auto Scaling group may launch any of them, so no node is "
                            + "added for it: narrow the group's instance types or set scaling.node"));
        }
        return new GroupPlan(
                plan.group(),
                actions,
                plan.desired(),
                plan.readyNodes(),
                plan.launching(),
                plan.draining(),
                plan.cordoned(),
                plan.pendingPods() + partial.size(),
                plan.podsOnIncoming(),
                plan.newNodesWanted(),
                plan.neverFit() + partial.size(),
                plan.nextDeadline());
    }
}
