package io.joblane.scaler.cloud;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node groups over several Auto Scaling groups ({@code scaling.autoScalingGroups}), seen by the loop and the planner
 * as one cloud group under a set id: {@code describe} merges the members (sizes summed, instances and zones joined,
 * problems named by member), a scale-up is split among them by {@link AsgSplit}, and every write on an instance goes
 * to the member that owns it (a termination is exactly that instance in its own group, by attrition as for one
 * group). Ids that are no set pass through to the wrapped provider unchanged. Called from the loop's thread only.
 */
public final class AsgSets implements NodeGroupProvider {
    private static final Logger LOG = LoggerFactory.getLogger(AsgSets.class);

    private final NodeGroupProvider members;
    private final Map<String, List<String>> sets;
    /** Each member as last described (or written since), by member id. */
    private final Map<String, CloudGroup> last = new LinkedHashMap<>();

    /** {@code sets}: per set id, its member groups' ids in the file's order. */
    public AsgSets(NodeGroupProvider members, Map<String, List<String>> sets) {
        this.members = members;
        this.sets = Map.copyOf(sets);
    }

    /** The provider behind the sets. */
    public NodeGroupProvider members() {
        return members;
    }

    @Override
    public Map<String, CloudGroup> describe(Collection<String> groupIds) throws CloudException {
        Set<String> ids = new LinkedHashSet<>();
        for (String id : groupIds) {
            ids.addAll(sets.getOrDefault(id, List.of(id)));
        }
        Map<String, CloudGroup> found = members.describe(ids);
        Map<String, CloudGroup> out = new LinkedHashMap<>();
        for (String id : groupIds) {
            List<String> set = sets.get(id);
            if (set == null) {
                if (found.containsKey(id)) {
                    out.put(id, found.get(id));
                }
                continue;
            }
            CloudGroup merged = merge(id, set, found);
            if (merged != null) {
                out.put(id, merged);
            }
        }
        return out;
    }

    /** The members as one group; null when the cloud knows none of them (the loop then reports the set missing). */
    private CloudGroup merge(String setId, List<String> set, Map<String, CloudGroup> found) {
        int desired = 0;
        int min = 0;
        int max = 0;
        List<CloudInstance> instances = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> zones = new LinkedHashSet<>();
        boolean failing = false;
        boolean rebalancing = false;
        boolean singleZones = true;
        NodeTemplate template = null;
        List<AsgMember> members = new ArrayList<>();
        for (String member : set) {
            CloudGroup g = found.get(member);
            if (g == null) {
                problems.add("Auto Scaling group " + member + " of " + setId + " not found");
                continue;
            }
            last.put(member, g);
            desired += g.desired();
            min += g.min();
            max += g.max();
            instances.addAll(g.instances());
            g.problems().forEach(p -> problems.add(member + ": " + p));
            zones.addAll(g.zones());
            singleZones &= g.zones().size() == 1;
            failing |= g.launchFailing();
            rebalancing |= g.zoneRebalancing();
            template = template == null ? g.template() : template;
            members.add(new AsgMember(
                    member,
                    g.desired(),
                    g.max(),
                    g.zones(),
                    g.template(),
                    g.instances().stream().map(CloudInstance::id).toList()));
        }
        if (set.stream().noneMatch(found::containsKey)) {
            return null;
        }
        return new CloudGroup(
                setId,
                desired,
                min,
                max,
                instances,
                problems,
                failing,
                template,
                rebalancing,
                List.copyOf(zones),
                singleZones && zones.size() > 1,
                members);
    }

    @Override
    public void setDesiredCapacity(String groupId, int desired) throws CloudException {
        setDesiredCapacity(groupId, desired, Map.of());
    }

    @Override
    public void setDesiredCapacity(String groupId, int desired, Map<String, Integer> newNodesByZone)
            throws CloudException {
        List<String> set = sets.get(groupId);
        if (set == null) {
            members.setDesiredCapacity(groupId, desired, newNodesByZone);
            return;
        }
        List<AsgSplit.Member> state = new ArrayList<>();
        int current = 0;
        for (String member : set) {
            CloudGroup g = known(groupId, member);
            state.add(new AsgSplit.Member(member, g.desired(), g.max(), g.zones()));
            current += g.desired();
        }
        if (desired <= current) {
            return; // callers never lower desired through this call
        }
        raiseMembers(groupId, AsgSplit.raise(state, desired - current, newNodesByZone));
    }

    /**
     * Raises the named members of a set to the given desired sizes (the planner's split, {@code AsgSplit}); a member
     * already at or above its new size is left alone, and a name that is no member of the set is refused before
     * anything is written.
     */
    @Override
    public void raiseMembers(String groupId, Map<String, Integer> desiredByMember) throws CloudException {
        List<String> set = sets.get(groupId);
        if (set == null || !set.containsAll(desiredByMember.keySet())) {
            throw new CloudException(
                    CloudException.Kind.INVALID,
                    "ValidationError",
                    "Auto Scaling groups " + desiredByMember.keySet() + " are not all members of " + groupId
                            + (set == null ? "" : " " + set));
        }
        for (Map.Entry<String, Integer> e : desiredByMember.entrySet()) {
            CloudGroup g = known(groupId, e.getKey());
            if (e.getValue() <= g.desired()) {
                continue;
            }
            LOG.info("{}: raise Auto Scaling group {} from {} to {}", groupId, e.getKey(), g.desired(), e.getValue());
            members.setDesiredCapacity(e.getKey(), e.getValue());
            last.put(e.getKey(), withDesired(g, e.getValue()));
        }
    }

    @Override
    public int cancelUnfulfilled(String groupId, int desired) throws CloudException {
        List<String> set = sets.get(groupId);
        if (set == null) {
            return members.cancelUnfulfilled(groupId, desired);
        }
        int current = 0;
        for (String member : set) {
            current += known(groupId, member).desired();
        }
        int toCancel = current - desired;
        int after = 0;
        for (String member : set) {
            CloudGroup g = known(groupId, member);
            int gap = (int) Math.max(0, g.desired() - g.capacityInstances());
            int cancel = Math.min(gap, Math.max(0, toCancel));
            int now = cancel > 0 ? members.cancelUnfulfilled(member, g.desired() - cancel) : g.desired();
            toCancel -= g.desired() - now;
            last.put(member, withDesired(g, now));
            after += now;
        }
        return after;
    }

    @Override
    public void terminateInstance(String groupId, String instanceId) throws CloudException {
        List<String> set = sets.get(groupId);
        if (set == null) {
            members.terminateInstance(groupId, instanceId);
            return;
        }
        String owner = owner(groupId, set, instanceId);
        LOG.info("{}: terminate instance {} in Auto Scaling group {}", groupId, instanceId, owner);
        members.terminateInstance(owner, instanceId);
    }

    @Override
    public void setScaleInProtection(String groupId, Collection<String> instanceIds, boolean protect)
            throws CloudException {
        List<String> set = sets.get(groupId);
        if (set == null) {
            members.setScaleInProtection(groupId, instanceIds, protect);
            return;
        }
        Map<String, List<String>> byOwner = new LinkedHashMap<>();
        for (String id : instanceIds) {
            byOwner.computeIfAbsent(owner(groupId, set, id), k -> new ArrayList<>())
                    .add(id);
        }
        for (Map.Entry<String, List<String>> e : byOwner.entrySet()) {
            members.setScaleInProtection(e.getKey(), e.getValue(), protect);
        }
    }

    @Override
    public void suspendZoneRebalancing(String groupId) throws CloudException {
        List<String> set = sets.get(groupId);
        if (set == null) {
            members.suspendZoneRebalancing(groupId);
            return;
        }
        for (String member : set) {
            if (known(groupId, member).zoneRebalancing()) {
                members.suspendZoneRebalancing(member);
            }
        }
    }

    /** The member whose last description lists the instance; refuses an instance of none (never guesses). */
    private String owner(String setId, List<String> set, String instanceId) throws CloudException {
        for (String member : set) {
            CloudGroup g = last.get(member);
            if (g != null && g.instances().stream().anyMatch(i -> i.id().equals(instanceId))) {
                return member;
            }
        }
        throw new CloudException(
                CloudException.Kind.INVALID,
                "InstanceNotInSet",
                "instance " + instanceId + " is in none of the Auto Scaling groups " + set + " of " + setId);
    }

    private CloudGroup known(String setId, String member) throws CloudException {
        CloudGroup g = last.get(member);
        if (g == null) {
            throw new CloudException(
                    CloudException.Kind.INVALID,
                    "ValidationError",
                    "Auto Scaling group " + member + " of " + setId + " was not described");
        }
        return g;
    }

    private static CloudGroup withDesired(CloudGroup g, int desired) {
        return new CloudGroup(
                g.id(),
                desired,
                g.min(),
                g.max(),
                g.instances(),
                g.problems(),
                g.launchFailing(),
                g.template(),
                g.zoneRebalancing(),
                g.zones(),
                g.zonesChoosable(),
                g.members());
    }
}
