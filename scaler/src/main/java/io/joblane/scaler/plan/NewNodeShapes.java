package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
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
        return options(spec, cloud.template());
    }

    /** The candidate shapes of a template, in its type order, identical shapes once. */
    static List<Option> options(GroupSpec spec, NodeTemplate template) {
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
        return withKind(
                spec, kind(spec, new AsgClasses.AsgClass(List.of(), template, List.of()), null, shape, List.of(shape)));
    }

    /** The spec of a pass whose first kind of new node is {@code first}: its shape, labels and taints. */
    private static GroupSpec withKind(GroupSpec spec, NewNodeKind first) {
        return new GroupSpec(
                spec.name(),
                spec.cloudGroupId(),
                spec.minNodes(),
                spec.maxNodes(),
                first.shape(),
                spec.scaleDownDelay(),
                spec.maxDraining(),
                spec.registrationTimeout(),
                spec.settleDelay(),
                first.labels(),
                first.taints(),
                spec.suspendZoneRebalancing(),
                spec.bootDelay(),
                spec.scaleInByCost());
    }

    /**
     * A class's new node planned as {@code instanceType} with {@code shape}: the template's labels (the instance type
     * label added, as the kubelet sets it) under the group's own, the group's taints and the template's.
     */
    private static NewNodeKind kind(
            GroupSpec spec, AsgClasses.AsgClass c, String instanceType, Resources shape, List<Resources> classShapes) {
        Map<String, String> labels = new LinkedHashMap<>();
        List<Taint> taints = new ArrayList<>(spec.taints());
        List<Taint> foreign = new ArrayList<>();
        NodeTemplate template = c.template();
        if (template != null) {
            labels.putAll(template.labels());
            Set<String> known = new HashSet<>();
            spec.taints().forEach(t -> known.add(t.key() + ":" + t.effect()));
            template.taints().stream()
                    .filter(t -> known.add(t.key() + ":" + t.effect()))
                    .forEach(taints::add);
            // PreferNoSchedule only scores
            // (https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/).
            taints.stream()
                    .filter(t -> !spec.taints().contains(t) && !"PreferNoSchedule".equals(t.effect()))
                    .forEach(foreign::add);
        }
        if (instanceType != null) {
            labels.putIfAbsent(WellKnown.INSTANCE_TYPE_LABEL, instanceType);
        }
        labels.putAll(spec.nodeLabels());
        return new NewNodeKind(c.members(), labels, taints, c.zones(), shape, instanceType, classShapes, foreign);
    }

    /** One planning pass with a new-node shape in the spec. */
    interface Pass {
        /**
         * @param kinds      the kinds of new node, the first one's shape, labels and taints also in {@code spec}
         * @param learnShape new nodes take the live nodes' allocatable once some are Ready
         * @param setAside   keys of pending pods the pass leaves out (they fit only some instance types)
         */
        GroupPlan run(GroupSpec spec, List<NewNodeKind> kinds, boolean learnShape, Set<String> setAside);
    }

    /** A pending pod that an empty node of some of the group's types takes, of others not. */
    private record Partial(PodInfo pod, List<String> fits) {}

    /**
     * Plans with each option through {@code pass} and keeps the plan that needs the most new nodes. With one shape the
     * pass learns the live nodes' allocatable once some are Ready; with several it must not, even when nodes exist:
     * the live nodes show which types came before, not which comes next. Pods that fit some types but not all are
     * planned for by no pass (a node bought for them may come as a type they do not fit, again and again) and
     * reported with the types they fit. A group over member Auto Scaling groups of different templates has one kind
     * of new node per class of similar members ({@link AsgClasses}) in every pass; pass i plans each class with its
     * i-th type (its last when it has fewer).
     */
    static GroupPlan plan(GroupSpec spec, CloudGroup cloud, Pass pass) {
        List<AsgClasses.AsgClass> classes = AsgClasses.of(cloud);
        List<List<Option>> options = new ArrayList<>();
        int passes = 1;
        for (AsgClasses.AsgClass c : classes) {
            options.add(options(spec, c.template()));
            passes = Math.max(passes, options.get(options.size() - 1).size());
        }
        if (passes == 1) {
            List<NewNodeKind> kinds = kinds(spec, classes, options, 0);
            return pass.run(withKind(spec, kinds.get(0)), kinds, classes.size() == 1, Set.of());
        }
        List<GroupPlan> plans = passes(spec, classes, options, passes, pass, Set.of());
        List<String> passTypes = new ArrayList<>();
        for (int i = 0; i < passes; i++) {
            passTypes.add(typesOfPass(kinds(spec, classes, options, i)));
        }
        Map<String, Partial> partial = fitsOnlySomeTypes(plans, passTypes);
        if (!partial.isEmpty()) {
            plans = passes(spec, classes, options, passes, pass, partial.keySet());
        }
        int chosen = 0;
        for (int i = 1; i < plans.size(); i++) {
            if (plans.get(i).newNodesWanted() > plans.get(chosen).newNodesWanted()) {
                chosen = i;
            }
        }
        return explain(plans.get(chosen), passTypes.get(chosen), passTypes, partial.values());
    }

    /** The kinds of new node of pass {@code i}: each class with its i-th type, or its last. */
    private static List<NewNodeKind> kinds(
            GroupSpec spec, List<AsgClasses.AsgClass> classes, List<List<Option>> options, int i) {
        List<NewNodeKind> kinds = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            List<Option> o = options.get(c);
            Option chosen = o.get(Math.min(i, o.size() - 1));
            kinds.add(kind(
                    spec,
                    classes.get(c),
                    chosen.instanceType(),
                    chosen.shape(),
                    o.stream().map(Option::shape).toList()));
        }
        return kinds;
    }

    /** The instance types a pass plans with, for messages: "m5.large", or per class "m5.large, c5.xlarge". */
    private static String typesOfPass(List<NewNodeKind> kinds) {
        Set<String> types = new LinkedHashSet<>();
        kinds.forEach(k -> types.add(String.valueOf(k.instanceType())));
        return String.join(" + ", types);
    }

    private static List<GroupPlan> passes(
            GroupSpec spec,
            List<AsgClasses.AsgClass> classes,
            List<List<Option>> options,
            int passes,
            Pass pass,
            Set<String> setAside) {
        List<GroupPlan> plans = new ArrayList<>();
        for (int i = 0; i < passes; i++) {
            List<NewNodeKind> kinds = kinds(spec, classes, options, i);
            plans.add(pass.run(withKind(spec, kinds.get(0)), kinds, false, setAside));
        }
        return plans;
    }

    /** Every pod that never fits in some pass but fits in another, with the types whose pass placed it. */
    private static Map<String, Partial> fitsOnlySomeTypes(List<GroupPlan> plans, List<String> passTypes) {
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
                    fits.add(passTypes.get(i));
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
            GroupPlan plan, String chosen, List<String> passTypes, java.util.Collection<Partial> partial) {
        String types = String.join(", ", new LinkedHashSet<>(passTypes));
        List<PlanAction> actions = new ArrayList<>();
        for (PlanAction a : plan.actions()) {
            if (a instanceof PlanAction.ScaleUp up) {
                actions.add(new PlanAction.ScaleUp(
                        up.from(),
                        up.to(),
                        up.pods(),
                        up.examples(),
                        up.zones(),
                        up.asgs(),
                        up.reason() + " (planned as " + chosen + ", the type of " + types
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
