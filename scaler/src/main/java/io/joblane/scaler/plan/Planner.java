package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pure heart of the scaler: from one group's nodes, pods, DaemonSet overhead and cloud description at one
 * instant, decides scale-out, reclaiming drained nodes, which nodes to drain, and which empty nodes to cordon and
 * terminate. No I/O and no clock of its own; the loop calls it once per group per scan and executes the result.
 * See {@code scaler/DESIGN.md} for the algorithm and its invariants.
 */
public final class Planner {

    private Planner() {}

    /** Plans one group as if every instance without a node had just been seen without one (the safe side). */
    public static GroupPlan plan(GroupSpec spec, SnapshotIndex index, CloudGroup cloud, Instant now) {
        return plan(spec, index, cloud, now, Map.of());
    }

    /**
     * Plans one group. {@code cloud} is the group's fresh description; the caller skips groups it could not describe.
     * {@code nodelessSince} holds, per instance id, the first scan that saw it without a node; an instance is reported
     * and finally terminated as unregistered by that time, never by its launch time (an old instance whose node just
     * vanished must not be terminated at once). A missing entry counts as "seen now".
     */
    public static GroupPlan plan(
            GroupSpec spec, SnapshotIndex index, CloudGroup cloud, Instant now, Map<String, Instant> nodelessSince) {
        return NewNodeShapes.plan(
                spec,
                cloud,
                (s, kinds, learnShape, setAside) ->
                        pass(PassInput.of(s, index, cloud, now, nodelessSince, kinds, learnShape, setAside)));
    }

    /** One planning pass: the steps of {@code scaler/DESIGN.md} "The planning pass", actions in execution order. */
    private static GroupPlan pass(PassInput in) {
        List<NodeInfo> nodes = in.index().nodes(in.spec().name());
        List<PodInfo> pending = in.index().pending(in.spec().name());
        if (!in.setAside().isEmpty()) {
            pending = pending.stream()
                    .filter(p -> !in.setAside().contains(p.key()))
                    .toList();
        }
        List<PlanAction> actions = new ArrayList<>();
        // Each node's load and instance, beside it: looked up once per pass, not by name at every step.
        NodeLoad[] loads = in.index().loads(in.spec().name());
        CloudInstance[] instances = in.index().instancesOf(nodes, in.cloud());

        Classification classified = Classification.of(in, nodes, loads, instances);
        // Cloud hygiene is the last step of the design but its actions have always come first in the plan.
        CloudHygiene hygiene = CloudHygiene.plan(in);
        actions.addAll(hygiene.actions());
        if (classified.noticed() > 0) { // counted over every node: no walk for notices when none has one
            actions.addAll(SpotFence.plan(nodes));
        }
        NewNodeShape shape = NewNodeShape.learn(in, nodes, pending);
        ScaleOut scaleOut = ScaleOut.plan(in, shape, classified, pending);
        actions.addAll(scaleOut.actions());
        // Nodes drained this scan, by position: none when the group grows.
        boolean[] drained;
        if (scaleOut.growing()) {
            drained = new boolean[nodes.size()];
        } else {
            DrainChooser chooser = new DrainChooser(in, shape.dims(), classified, instances, scaleOut);
            actions.addAll(chooser.choose(classified.draining()));
            drained = chooser.drained();
        }
        actions.addAll(new ScaleIn(
                        in,
                        scaleOut.needed(),
                        drained,
                        classified.cordoned(),
                        hygiene.unregisteredTerminations(),
                        in.index().canonical(shape.allocatable().minus(shape.overhead())),
                        in.index().canonical(shape.overhead()))
                .plan(nodes, loads, instances));

        return new GroupPlan(
                in.spec().name(),
                actions,
                in.cloud().desired(),
                classified.ready(),
                classified.launching(),
                classified.draining(),
                classified.cordoned(),
                pending.size(),
                scaleOut.onExisting(),
                scaleOut.opened(),
                scaleOut.neverFit(),
                in.deadlines().next());
    }
}
