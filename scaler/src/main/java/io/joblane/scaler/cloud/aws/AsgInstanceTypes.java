package io.joblane.scaler.cloud.aws;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.LaunchTemplateOverrides;
import software.amazon.awssdk.services.autoscaling.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.autoscaling.model.MixedInstancesPolicy;

/**
 * Where an Auto Scaling group's instance types come from: the overrides of its MixedInstancesPolicy, in the
 * group's order, else the instance type of its launch template (to be read with DescribeLaunchTemplateVersions),
 * else nothing Joblane can read (a launch configuration, attribute-based selection). Pure.
 *
 * @param types          the instance types the group names directly, in order (may be empty)
 * @param launchTemplate the launch template to read the type from when {@code types} is empty, or null
 * @param problem        why no type can be read, or null
 */
record AsgInstanceTypes(List<String> types, LaunchTemplateRef launchTemplate, String problem) {

    /** A launch template and version as the group names it; version {@code $Default} when the group gives none. */
    record LaunchTemplateRef(String id, String name, String version) {
        String describe() {
            return (id != null ? id : name) + " version " + version;
        }
    }

    AsgInstanceTypes {
        types = List.copyOf(types);
    }

    static AsgInstanceTypes of(AutoScalingGroup group) {
        MixedInstancesPolicy mixed = group.mixedInstancesPolicy();
        LaunchTemplateSpecification spec = group.launchTemplate();
        if (mixed != null && mixed.launchTemplate() != null) {
            Set<String> types = new LinkedHashSet<>();
            boolean requirements = false;
            for (LaunchTemplateOverrides o : mixed.launchTemplate().overrides()) {
                if (o.instanceType() != null && !o.instanceType().isBlank()) {
                    types.add(o.instanceType());
                }
                requirements |= o.instanceRequirements() != null;
            }
            if (requirements) {
                return new AsgInstanceTypes(
                        List.of(),
                        null,
                        "the MixedInstancesPolicy selects instance types by "
                                + "attributes (InstanceRequirements), which Joblane does not read");
            }
            if (!types.isEmpty()) {
                return new AsgInstanceTypes(new ArrayList<>(types), null, null);
            }
            spec = mixed.launchTemplate().launchTemplateSpecification();
        }
        if (spec != null && (spec.launchTemplateId() != null || spec.launchTemplateName() != null)) {
            String version = spec.version() == null || spec.version().isBlank() ? "$Default" : spec.version();
            return new AsgInstanceTypes(
                    List.of(),
                    new LaunchTemplateRef(spec.launchTemplateId(), spec.launchTemplateName(), version),
                    null);
        }
        if (group.launchConfigurationName() != null) {
            return new AsgInstanceTypes(
                    List.of(),
                    null,
                    "the group uses launch configuration " + group.launchConfigurationName()
                            + ", which Joblane does not read");
        }
        return new AsgInstanceTypes(List.of(), null, "the group names neither a launch template nor instance types");
    }
}
