package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
import io.joblane.scaler.cloud.AsgMember;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.NodeTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The member Auto Scaling groups of a node group in classes of similar ones: equal node templates (instance types
 * and shapes, labels, taints) once labels that only say where a node runs or which node group made it are left out.
 * New nodes are balanced within a class only, as cluster-autoscaler's {@code --balance-similar-node-groups} balances
 * among node groups it finds similar
 * (<a href="https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/processors/nodegroupset/compare_nodegroups.go">compare_nodegroups.go</a>,
 * <a href="https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/processors/nodegroupset/aws_nodegroups.go">aws_nodegroups.go</a>).
 * Classes keep the file's order, which is the order new nodes try them in. Pure.
 */
final class AsgClasses {
    /**
     * Labels that differ between similar groups and that the planner never routes on (a class's new nodes do not
     * carry them): where a node runs (the zone comes from the member's zones) and which node group made it.
     */
    static final Set<String> IGNORED_LABELS = Set.of(
            WellKnown.ZONE_LABEL,
            WellKnown.HOSTNAME_LABEL,
            "topology.kubernetes.io/region",
            "failure-domain.beta.kubernetes.io/zone",
            "failure-domain.beta.kubernetes.io/region",
            "topology.ebs.csi.aws.com/zone",
            "eks.amazonaws.com/nodegroup",
            "alpha.eksctl.io/nodegroup-name",
            "alpha.eksctl.io/instance-id");

    /**
     * One class: its members (empty for a group of one cloud group), their common template (null when their provider
     * gives none) and the zones of all of them.
     */
    record AsgClass(List<String> members, NodeTemplate template, List<String> zones) {
        AsgClass {
            members = List.copyOf(members);
            zones = List.copyOf(zones);
        }
    }

    private AsgClasses() {}

    /** The classes of a cloud group; one class for a group of one cloud group, or whose members are all similar. */
    static List<AsgClass> of(CloudGroup cloud) {
        if (cloud.members().isEmpty()) {
            return List.of(new AsgClass(List.of(), cloud.template(), cloud.zones()));
        }
        Map<Object, List<AsgMember>> byKey = new LinkedHashMap<>();
        for (AsgMember m : cloud.members()) {
            byKey.computeIfAbsent(similarityKey(m.template()), k -> new ArrayList<>())
                    .add(m);
        }
        List<AsgClass> out = new ArrayList<>();
        for (List<AsgMember> members : byKey.values()) {
            Set<String> zones = new LinkedHashSet<>();
            members.forEach(m -> zones.addAll(m.zones()));
            NodeTemplate first = members.get(0).template();
            out.add(new AsgClass(
                    members.stream().map(AsgMember::id).toList(),
                    first == null ? null : withoutIgnored(first),
                    List.copyOf(zones)));
        }
        return out;
    }

    /** What two similar templates share; null for a member without template. */
    private static Object similarityKey(NodeTemplate t) {
        return t == null ? null : withoutIgnored(t);
    }

    private static NodeTemplate withoutIgnored(NodeTemplate t) {
        Map<String, String> labels = new LinkedHashMap<>(t.labels());
        labels.keySet().removeAll(IGNORED_LABELS);
        return Objects.equals(labels, t.labels()) ? t : new NodeTemplate(t.shapes(), labels, t.taints());
    }
}
