package io.joblane.scaler.cloud.aws;

import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.Scaling;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the AWS provider needs to know about one Auto Scaling group from the node-group file.
 *
 * @param maxNodes Joblane's own cap; the effective max is the lower of this and the group's MaxSize
 * @param suspendAZRebalance whether the provider may suspend the group's AZRebalance process
 */
public record AwsGroupSettings(int maxNodes, boolean suspendAZRebalance) {

    /** Settings keyed by Auto Scaling group name, for every node group with {@code provider: aws}. */
    public static Map<String, AwsGroupSettings> fromConfig(JoblaneConfig config) {
        Map<String, AwsGroupSettings> byGroup = new LinkedHashMap<>();
        config.scaledGroups().stream()
                .map(g -> g.scaling())
                .filter(s -> Scaling.PROVIDER_AWS.equals(s.provider()))
                // ConfigLoader refuses two node groups on one Auto Scaling group, so each key comes once.
                .forEach(s -> byGroup.put(s.autoScalingGroup(),
                        new AwsGroupSettings(s.maxNodes(), s.suspendAZRebalance())));
        return Map.copyOf(byGroup);
    }
}
