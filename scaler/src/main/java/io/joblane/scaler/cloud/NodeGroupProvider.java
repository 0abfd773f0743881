package io.joblane.scaler.cloud;

import java.util.Collection;
import java.util.Map;

/**
 * The only view the planner and the loop have of the cloud: describe groups (a read and nothing else), set a group's
 * desired size, terminate one chosen instance, protect instances from scale-in, suspend zone rebalancing. Only the
 * loop calls the writes, so it alone decides dry-run and checks the Lease. Implementations: {@code FakeNodeGroupProvider}
 * (tests, demos, the simulator) and {@code AwsNodeGroupProvider} (EC2 Auto Scaling). Called from the loop's
 * single thread; implementations need not be thread-safe unless they say so.
 */
public interface NodeGroupProvider {

    /**
     * Describes the given cloud groups (e.g. Auto Scaling group names) in as few calls as the API allows.
     * A group the cloud does not know is absent from the map (and reported through {@link CloudGroup#problems()}
     * of no one): callers treat a missing entry as "skip this group this scan".
     */
    Map<String, CloudGroup> describe(Collection<String> groupIds) throws CloudException;

    /** Raises or lowers the desired size; callers never lower it, and never above the group's max. */
    void setDesiredCapacity(String groupId, int desired) throws CloudException;

    /**
     * Raises desired where the new nodes are needed: {@code newNodesByZone} holds how many new nodes waiting pods need
     * in which zone. A provider that cannot choose zones ignores it (one Auto Scaling group picks zones itself).
     */
    default void setDesiredCapacity(String groupId, int desired, Map<String, Integer> newNodesByZone)
            throws CloudException {
        setDesiredCapacity(groupId, desired);
    }

    /**
     * Raises member groups of a group over several ({@code AsgSets}) to the given desired sizes, as the planner split
     * the scale-up among them. Only a provider of such sets accepts it; the default refuses.
     */
    default void raiseMembers(String groupId, Map<String, Integer> desiredByMember) throws CloudException {
        throw new CloudException(
                CloudException.Kind.INVALID,
                "Unsupported",
                "group " + groupId + " is not a set of several groups: cannot raise members "
                        + desiredByMember.keySet());
    }

    /**
     * Cancels capacity asked for but never delivered (after insufficient capacity the cloud would otherwise launch
     * the whole backlog later): lowers desired toward {@code desired}, but never below the instances that exist
     * (pending or in service) nor the group's minimum, and only while every one of them is protected from scale-in,
     * so no running instance can be chosen as a victim. Returns desired afterwards, unchanged when refused.
     */
    int cancelUnfulfilled(String groupId, int desired) throws CloudException;

    /**
     * Terminates exactly {@code instanceId} and lowers the group's desired size by one, so the cloud never
     * picks a victim itself. One call, made at once: the loop's live checks run right before it, so an
     * implementation does nothing slow first (AWS: scale-in protection does not apply to this call, nothing to lift).
     */
    void terminateInstance(String groupId, String instanceId) throws CloudException;

    /** Sets or lifts scale-in protection on the given instances of a group (batched by the implementation). */
    void setScaleInProtection(String groupId, Collection<String> instanceIds, boolean protect) throws CloudException;

    /**
     * Stops the group from moving instances between zones by itself (AWS: suspends the AZRebalance process). Asked
     * only for a group whose describe reported {@link CloudGroup#zoneRebalancing()}, so a cloud that never rebalances
     * keeps this default, which refuses.
     */
    default void suspendZoneRebalancing(String groupId) throws CloudException {
        throw new CloudException(
                CloudException.Kind.INVALID,
                "Unsupported",
                "group " + groupId + ": this provider has no zone rebalancing to suspend");
    }
}
