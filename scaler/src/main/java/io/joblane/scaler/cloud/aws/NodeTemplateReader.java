package io.joblane.scaler.cloud.aws;

import io.joblane.model.WellKnown;
import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.cloud.NodeTemplate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;

/**
 * Reads the node template of an Auto Scaling group for scale from zero: its instance types (MixedInstancesPolicy
 * overrides, else its launch template's type via DescribeLaunchTemplateVersions), each type's shape from
 * DescribeInstanceTypes ({@link EksNodeShape}), and labels, taints and resources from its cluster-autoscaler
 * node-template tags ({@link AsgTemplateTags}). Instance types are cached for the process (they do not change), a
 * launch template's type for {@link #LAUNCH_TEMPLATE_TTL} ({@code $Latest} and {@code $Default} move). When EC2
 * cannot be read the group's last template is kept and the failure is a problem of the group. Called from the
 * provider's describe, on the loop's thread.
 */
final class NodeTemplateReader implements AutoCloseable {

    static final Duration LAUNCH_TEMPLATE_TTL = Duration.ofMinutes(10);

    /** A template read at start-up and what went wrong reading it. */
    record Result(NodeTemplate template, List<String> problems) {}

    private record CachedType(Optional<String> type, Instant readAt) {}

    private final Ec2Gateway ec2;
    private final Clock clock;
    private final Map<String, InstanceTypeFacts> types = new HashMap<>();
    private final Map<AsgInstanceTypes.LaunchTemplateRef, CachedType> launchTemplates = new HashMap<>();
    private final Map<String, NodeTemplate> last = new HashMap<>();

    NodeTemplateReader(Ec2Gateway ec2, Clock clock) {
        this.ec2 = ec2;
        this.clock = clock;
    }

    /**
     * The labels and taints of a group's cluster-autoscaler node-template tags alone, without instance types (no call:
     * the tags come with DescribeAutoScalingGroups), for a group whose {@code scaling.node} gives the shape; null when
     * it has no such tag.
     */
    static NodeTemplate fromTags(AutoScalingGroup group, List<String> problems) {
        AsgTemplateTags tags = templateTags(group, problems);
        return tags.labels().isEmpty() && tags.taints().isEmpty()
                ? null
                : new NodeTemplate(List.of(), tags.labels(), tags.taints());
    }

    /** The group's cluster-autoscaler node-template tags, parsed; their problems go to {@code problems}. */
    private static AsgTemplateTags templateTags(AutoScalingGroup group, List<String> problems) {
        Map<String, String> tagValues = new LinkedHashMap<>();
        for (TagDescription tag : group.tags()) {
            tagValues.put(tag.key(), tag.value());
        }
        AsgTemplateTags tags = AsgTemplateTags.parse(tagValues);
        tags.problems().forEach(p -> problems.add("node template: " + p));
        return tags;
    }

    /** The group's template; what went wrong is added to {@code problems}, prefixed {@code node template: }. */
    synchronized NodeTemplate read(AutoScalingGroup group, List<String> problems) {
        AsgTemplateTags tags = templateTags(group, problems);
        String name = group.autoScalingGroupName();
        try {
            List<String> names = instanceTypes(AsgInstanceTypes.of(group), problems);
            List<String> missing =
                    names.stream().filter(t -> !types.containsKey(t)).toList();
            if (!missing.isEmpty()) {
                types.putAll(ec2.instanceTypes(missing));
            }
            List<NodeTemplate.Shape> shapes = new ArrayList<>();
            List<InstanceTypeFacts> read = new ArrayList<>();
            for (String type : names) {
                InstanceTypeFacts facts = types.get(type);
                if (facts == null) {
                    problems.add("node template: instance type " + type + " is unknown to EC2 DescribeInstanceTypes");
                } else {
                    shapes.add(EksNodeShape.of(facts, tags.resources()));
                    read.add(facts);
                }
            }
            NodeTemplate template = new NodeTemplate(shapes, labels(read, tags.labels()), tags.taints());
            last.put(name, template);
            return template;
        } catch (CloudException e) {
            problems.add("node template not read (the last one read is kept): " + e.getMessage());
            return last.getOrDefault(name, new NodeTemplate(List.of(), tags.labels(), tags.taints()));
        }
    }

    /**
     * The labels of a new node: the kubelet's {@code kubernetes.io/os} ({@code linux}: the EKS AMIs) and
     * {@code kubernetes.io/arch} of its types (when they all have the same; none when they differ: the cloud picks
     * the type), under the node-template label tags, which win (e.g. {@code kubernetes.io/os=windows}). As
     * cluster-autoscaler's {@code buildGenericLabels} in {@code cloudprovider/aws/aws_manager.go}.
     */
    static Map<String, String> labels(List<InstanceTypeFacts> types, Map<String, String> tagLabels) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (!types.isEmpty()) {
            labels.put(WellKnown.OS_LABEL, "linux");
            java.util.Set<String> archs = new java.util.HashSet<>();
            types.forEach(t -> archs.add(String.valueOf(t.arch())));
            if (archs.size() == 1 && types.get(0).arch() != null) {
                labels.put(WellKnown.ARCH_LABEL, types.get(0).arch());
            }
        }
        labels.putAll(tagLabels);
        return labels;
    }

    private List<String> instanceTypes(AsgInstanceTypes source, List<String> problems) throws CloudException {
        if (!source.types().isEmpty()) {
            return source.types();
        }
        if (source.launchTemplate() == null) {
            problems.add("node template: " + source.problem() + "; set scaling.node in the node-group file");
            return List.of();
        }
        CachedType cached = launchTemplates.get(source.launchTemplate());
        Instant now = clock.instant();
        if (cached == null || !now.isBefore(cached.readAt().plus(LAUNCH_TEMPLATE_TTL))) {
            cached = new CachedType(ec2.launchTemplateInstanceType(source.launchTemplate()), now);
            launchTemplates.put(source.launchTemplate(), cached);
        }
        if (cached.type().isEmpty()) {
            problems.add(
                    "node template: launch template " + source.launchTemplate().describe()
                            + " names no instance type; set scaling.node in the node-group file");
            return List.of();
        }
        return List.of(cached.type().get());
    }

    @Override
    public void close() {
        ec2.close();
    }
}
