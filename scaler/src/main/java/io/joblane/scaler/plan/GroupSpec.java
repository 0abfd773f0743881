package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
import io.joblane.model.config.NodeGroup;
import io.joblane.model.config.ScalerSettings;
import io.joblane.model.config.Scaling;
import io.joblane.model.config.Taint;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scaled node group's settings in the form the planner uses, derived from the validated config.
 *
 * @param cloudGroupId the provider's group id: {@code scaling.autoScalingGroup}; for a group over several
 *                     ({@code scaling.autoScalingGroups}) the set's id {@link #asgSetId}; else the group name
 * @param shape        planning shape of a new node from {@code scaling.node} (used until a node of the group exists)
 * @param nodeLabels   labels every node of the group carries (the group label first)
 * @param suspendZoneRebalancing {@code scaling.suspendAZRebalance}: the loop may stop the cloud group from moving
 *                     instances between zones by itself
 * @param bootDelay    launch to Ready of a new node ({@code scaling.bootDelay}): what the cost rule of scale-in
 *                     pays to get a removed node back
 * @param scaleInByCost {@code scaling.scaleInTiming: cost}: {@link IdleNodeRule} times scale-in, else every empty
 *                     node waits {@code scaleDownDelay}
 */
public record GroupSpec(
        String name,
        String cloudGroupId,
        int minNodes,
        int maxNodes,
        Resources shape,
        Duration scaleDownDelay,
        int maxDraining,
        Duration registrationTimeout,
        Duration settleDelay,
        Map<String, String> nodeLabels,
        List<Taint> taints,
        boolean suspendZoneRebalancing,
        Duration bootDelay,
        boolean scaleInByCost) {

    /**
     * The kubelet's default {@code --max-pods}, assumed for a template that does not say {@code pods}.
     * @see <a href="https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/">kubelet --max-pods</a>
     */
    public static final int KUBELET_DEFAULT_MAX_PODS = 110;

    public GroupSpec {
        nodeLabels = Map.copyOf(nodeLabels);
        taints = List.copyOf(taints);
    }

    /** The spec of a group with a {@code scaling} section. */
    public static GroupSpec of(NodeGroup group, ScalerSettings scaler) {
        Scaling s = group.scaling();
        if (s == null) {
            throw new IllegalArgumentException("node group " + group.name() + " has no scaling section");
        }
        Map<String, Long> shape = new LinkedHashMap<>(s.nodeShapeMillis());
        // A template without "pods" would let one new node take any number of tiny pods: assume the kubelet default.
        shape.putIfAbsent(WellKnown.RESOURCE_PODS, KUBELET_DEFAULT_MAX_PODS * 1000L);
        return new GroupSpec(
                group.name(),
                cloudGroupId(group),
                s.minNodes(),
                s.maxNodes() == null ? Integer.MAX_VALUE : s.maxNodes(),
                Resources.ofMillis(shape),
                s.scaleDownDelayDuration(),
                s.maxDraining(),
                s.registrationTimeoutDuration(),
                scaler.settleDelayDuration(),
                group.nodeSelector(WellKnown.NODE_GROUP_LABEL),
                group.taints(),
                s.suspendAZRebalance(),
                s.bootDelayDuration(),
                s.scaleInByCost());
    }

    /**
     * The provider's id of a group's cloud group: {@code scaling.autoScalingGroup}, the {@link #asgSetId} of a group
     * over several, else the group's name.
     */
    public static String cloudGroupId(NodeGroup group) {
        if (group.scaling() != null && group.scaling().severalAsgs()) {
            return asgSetId(group.name());
        }
        List<String> asgs =
                group.scaling() == null ? List.of() : group.scaling().asgNames();
        return asgs.isEmpty() ? group.name() : asgs.get(0);
    }

    /** The id under which a group's several Auto Scaling groups are seen as one ({@code cloud.AsgSets}). */
    public static String asgSetId(String groupName) {
        return "joblane-group/" + groupName;
    }

    /** Per-node overhead of the DaemonSets whose pods land on this group's nodes. */
    public Resources daemonSetOverhead(List<DaemonSetInfo> daemonSets) {
        Resources sum = Resources.ZERO;
        for (DaemonSetInfo ds : daemonSets) {
            if (ds.landsOn(nodeLabels, taints)) {
                sum = sum.plus(ds.podRequests());
            }
        }
        return sum;
    }
}
