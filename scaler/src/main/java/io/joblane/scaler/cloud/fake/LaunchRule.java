package io.joblane.scaler.cloud.fake;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Which instance type an in-memory group launches next, modelled on the On-Demand allocation strategies of an EC2
 * Auto Scaling group with several instance types (InstancesDistribution.OnDemandAllocationStrategy,
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html): the cloud, not the
 * autoscaler, picks the type of each new instance. Pure.
 */
public enum LaunchRule {
    /**
     * {@code prioritized}, the default of groups without InstanceRequirements: the first type in the group's order,
     * and when its capacity cannot be had, the next, and so on.
     */
    PRIORITIZED,
    /** {@code lowest-price}: the cheapest type first (equal prices in the group's order), then the next cheapest. */
    LOWEST_PRICE;

    /** Its name as AWS spells it ({@code prioritized}, {@code lowest-price}). */
    public String awsName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The rule AWS names {@code name}; refuses anything else naming both choices. */
    public static LaunchRule ofAwsName(String name) {
        for (LaunchRule r : values()) {
            if (r.awsName().equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("launch rule must be prioritized or lowest-price, not '" + name + "'");
    }

    /**
     * The type the next instance is launched as, or null when every type is at its capacity (the launch fails).
     *
     * @param running instances of a type (by name) the group runs now
     */
    public FakeInstanceType next(List<FakeInstanceType> types, ToIntFunction<String> running) {
        FakeInstanceType best = null;
        for (FakeInstanceType t : types) {
            if (running.applyAsInt(t.name()) >= t.capacity()) {
                continue;
            }
            if (best == null || (this == LOWEST_PRICE && t.pricePerHour() < best.pricePerHour())) {
                best = t;
            }
        }
        return best;
    }
}
