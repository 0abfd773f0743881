package io.joblane.scaler.cloud.aws;

import io.joblane.model.WellKnown;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.Scaling;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the AWS provider needs to know about one Auto Scaling group from the node-group file.
 *
 * @param maxNodes Joblane's own cap; the effective max is the lower of this and the group's MaxSize
 * @param suspendAZRebalance whether the provider may suspend the group's AZRebalance process
 * @param readTemplate whether to read the group's node template from EC2 and its tags: only when
 *                     {@code scaling.node} does not give both cpu and memory
 */
public record AwsGroupSettings(int maxNodes, boolean suspendAZRebalance, boolean readTemplate) {

    /** Settings of a group whose node template is read when the provider has a reader. */
    public AwsGroupSettings(int maxNodes, boolean suspendAZRebalance) {
        this(maxNodes, suspendAZRebalance, true);
    }

    /** Settings keyed by Auto Scaling group name, for every node group with {@code provider: aws}. */
    public static Map<String, AwsGroupSettings> fromConfig(JoblaneConfig config) {
        Map<String, AwsGroupSettings> byGroup = new LinkedHashMap<>();
        config.scaledGroups().stream()
                .map(g -> g.scaling())
                .filter(s -> Scaling.PROVIDER_AWS.equals(s.provider()))
                // ConfigLoader refuses two node groups on one Auto Scaling group, so each key comes once.
                .forEach(s -> s.asgNames()
                        .forEach(asg -> byGroup.put(
                                asg,
                                new AwsGroupSettings(s.maxNodes(), s.suspendAZRebalance(), !hasCompleteShape(s)))));
        return Map.copyOf(byGroup);
    }

    /** True when {@code scaling.node} gives cpu and memory: the override alone is a shape, no template needed. */
    public static boolean hasCompleteShape(Scaling s) {
        return s.node().containsKey(WellKnown.RESOURCE_CPU) && s.node().containsKey(WellKnown.RESOURCE_MEMORY);
    }
}
