package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
import io.joblane.model.config.Taint;
import io.joblane.scaler.cloud.AsgMember;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.cloud.NodeTemplate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Hand-built clusters for planner tests: short constructors with the defaults most tests want. */
public final class Fixtures {
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    public static final long GI = io.joblane.model.Quantity.GI;
    public static final long MI = io.joblane.model.Quantity.MI;

    private Fixtures() {}

    public static Resources cpuMem(long cpuMillis, long memMillis) {
        return Resources.of(cpuMillis, memMillis);
    }

    public static Resources res(Object... nameAndMillis) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < nameAndMillis.length; i += 2) {
            m.put((String) nameAndMillis[i], ((Number) nameAndMillis[i + 1]).longValue());
        }
        return Resources.ofMillis(m);
    }

    /** A group with shape 4 cpu / 16Gi / 110 pods, min 0, max 10, delays 10m / settle 30s, one drain at a time. */
    public static GroupSpec spec(String name) {
        return spec(name, 0, 10, res("cpu", 4000, "memory", 16 * GI, "pods", 110_000));
    }

    public static GroupSpec spec(String name, int min, int max, Resources shape) {
        return new GroupSpec(
                name,
                "asg-" + name,
                min,
                max,
                shape,
                Duration.ofMinutes(10),
                1,
                Duration.ofMinutes(15),
                Duration.ofSeconds(30),
                Map.of(WellKnown.NODE_GROUP_LABEL, name),
                List.of(new Taint(WellKnown.DEDICATED_TAINT, name, "NoSchedule")),
                false,
                Duration.ofSeconds(90),
                false);
    }

    public static GroupSpec withMaxDraining(GroupSpec s, int maxDraining) {
        return respec(s, maxDraining, s.taints(), s.suspendZoneRebalancing(), s.bootDelay(), s.scaleInByCost());
    }

    /** The group with {@code taints} as its own taints (its config's {@code taints}). */
    public static GroupSpec withTaints(GroupSpec s, List<Taint> taints) {
        return respec(s, s.maxDraining(), taints, s.suspendZoneRebalancing(), s.bootDelay(), s.scaleInByCost());
    }

    /** The group with {@code scaleInTiming: cost} and the given boot delay. */
    public static GroupSpec withCostTiming(GroupSpec s, Duration bootDelay) {
        return respec(s, s.maxDraining(), s.taints(), s.suspendZoneRebalancing(), bootDelay, true);
    }

    /** The group with the fields tests vary set, the others as in {@code s}. */
    public static GroupSpec respec(
            GroupSpec s,
            int maxDraining,
            List<Taint> taints,
            boolean suspendZoneRebalancing,
            Duration bootDelay,
            boolean scaleInByCost) {
        return new GroupSpec(
                s.name(),
                s.cloudGroupId(),
                s.minNodes(),
                s.maxNodes(),
                s.shape(),
                s.scaleDownDelay(),
                maxDraining,
                s.registrationTimeout(),
                s.settleDelay(),
                s.nodeLabels(),
                taints,
                suspendZoneRebalancing,
                bootDelay,
                scaleInByCost);
    }

    /** A Ready, schedulable node of 4 cpu / 16Gi / 110 pods created an hour before T0. */
    public static NodeInfo node(String name, String group) {
        return node(name, group, res("cpu", 4000, "memory", 16 * GI, "pods", 110_000));
    }

    public static NodeInfo node(String name, String group, Resources allocatable) {
        return new NodeInfo(
                name,
                group,
                "i-" + name,
                allocatable,
                true,
                T0.minus(Duration.ofHours(1)),
                false,
                false,
                DrainState.NONE,
                false,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Map.of(),
                List.of());
    }

    public static NodeInfo draining(NodeInfo n, DrainState state, Instant since) {
        return copy(n, c -> {
            c.draining = state;
            c.drainingSince = since;
        });
    }

    public static NodeInfo cordonedByJoblane(NodeInfo n, Instant at) {
        return copy(n, c -> {
            c.cordoned = true;
            c.cordonedByJoblane = true;
            c.cordonedAt = at;
        });
    }

    public static NodeInfo cordonedByHuman(NodeInfo n) {
        return copy(n, c -> {
            c.cordoned = true;
            c.cordonedByJoblane = false;
            c.cordonedAt = null;
        });
    }

    public static NodeInfo unneededSince(NodeInfo n, Instant since) {
        return copy(n, c -> c.unneededSince = since);
    }

    public static NodeInfo scaleDownDisabled(NodeInfo n) {
        return copy(n, c -> c.scaleDownDisabled = true);
    }

    public static NodeInfo notReady(NodeInfo n, Instant created) {
        return copy(n, c -> {
            c.ready = false;
            c.created = created;
        });
    }

    /** {@code n} as the node of another instance, created at {@code created} (a node name reused). */
    public static NodeInfo onInstance(NodeInfo n, String instanceId, Instant created) {
        return copy(n, c -> {
            c.instanceId = instanceId;
            c.created = created;
        });
    }

    /** {@code n} as Spot capacity. */
    public static NodeInfo onSpot(NodeInfo n) {
        return copy(n, c -> c.capacityType = CapacityType.SPOT);
    }

    /** {@code n} with what {@code change} sets, every other field (labels, taints, notices ...) kept. */
    private static NodeInfo copy(NodeInfo n, java.util.function.Consumer<NodeCopy> change) {
        NodeCopy c = new NodeCopy(n);
        change.accept(c);
        return new NodeInfo(
                n.name(),
                n.group(),
                c.instanceId,
                n.allocatable(),
                c.ready,
                c.created,
                c.cordoned,
                c.cordonedByJoblane,
                c.draining,
                c.scaleDownDisabled,
                c.unneededSince,
                c.cordonedAt,
                c.drainingSince,
                n.terminationRequestedAt(),
                n.notReadySince(),
                n.spotNotice(),
                c.capacityType,
                n.labels(),
                n.taints());
    }

    /** The fields the copy helpers change. */
    private static final class NodeCopy {
        String instanceId;
        boolean ready;
        Instant created;
        boolean cordoned;
        boolean cordonedByJoblane;
        DrainState draining;
        boolean scaleDownDisabled;
        Instant unneededSince;
        Instant cordonedAt;
        Instant drainingSince;
        CapacityType capacityType;

        NodeCopy(NodeInfo n) {
            instanceId = n.instanceId();
            ready = n.ready();
            created = n.created();
            cordoned = n.cordoned();
            cordonedByJoblane = n.cordonedByJoblane();
            draining = n.draining();
            scaleDownDisabled = n.scaleDownDisabled();
            unneededSince = n.unneededSince();
            cordonedAt = n.cordonedAt();
            drainingSince = n.drainingSince();
            capacityType = n.capacityType();
        }
    }

    public static PodInfo pending(String name, String group, Resources requests) {
        return pending(name, group, requests, T0.minusSeconds(60));
    }

    /** A waiting Job pod created at {@code created}. */
    public static PodInfo pending(String name, String group, Resources requests, Instant created) {
        return new PodInfo(
                "uid-" + name,
                "default",
                name,
                group,
                requests,
                PodPhase.PENDING_UNSCHEDULABLE,
                true,
                false,
                false,
                null,
                created,
                null,
                null,
                Map.of(),
                PodConstraints.NONE);
    }

    public static PodInfo running(String name, String group, Resources requests, String node, Instant started) {
        return new PodInfo(
                "uid-" + name,
                "default",
                name,
                group,
                requests,
                PodPhase.RUNNING,
                true,
                false,
                false,
                node,
                started.minusSeconds(5),
                started,
                null,
                Map.of(),
                PodConstraints.NONE);
    }

    public static PodInfo daemonPod(String name, String node) {
        return new PodInfo(
                "uid-" + name,
                "kube-system",
                name,
                null,
                cpuMem(100, 64 * MI),
                PodPhase.RUNNING,
                false,
                true,
                false,
                node,
                T0.minusSeconds(3600),
                T0.minusSeconds(3600),
                null,
                Map.of(),
                PodConstraints.NONE);
    }

    /** The pod with other scheduling constraints, everything else kept. */
    public static PodInfo withConstraints(PodInfo p, PodConstraints constraints) {
        return new PodInfo(
                p.uid(),
                p.namespace(),
                p.name(),
                p.group(),
                p.requests(),
                p.phase(),
                p.jobPod(),
                p.daemonSetPod(),
                p.mirrorPod(),
                p.nodeName(),
                p.created(),
                p.started(),
                p.expectedEnd(),
                p.labels(),
                constraints);
    }

    /** One member ASG of a group: its sizes, zone, template and instances. */
    public record Member(
            String id, int desired, int max, String zone, NodeTemplate template, List<CloudInstance> inst) {}

    /** A group over several ASGs (sizes summed, zones in member order), the first member's template as the group's. */
    public static CloudGroup asgSet(String group, List<Member> members) {
        int desired = 0;
        int max = 0;
        List<CloudInstance> instances = new ArrayList<>();
        Set<String> zones = new LinkedHashSet<>();
        List<AsgMember> out = new ArrayList<>();
        for (Member m : members) {
            desired += m.desired();
            max += m.max();
            instances.addAll(m.inst());
            zones.add(m.zone());
            out.add(new AsgMember(
                    m.id(),
                    m.desired(),
                    m.max(),
                    List.of(m.zone()),
                    m.template(),
                    m.inst().stream().map(CloudInstance::id).toList()));
        }
        return new CloudGroup(
                GroupSpec.asgSetId(group),
                desired,
                0,
                max,
                instances,
                List.of(),
                false,
                members.get(0).template(),
                false,
                List.copyOf(zones),
                true,
                out);
    }

    public static CloudInstance instance(String id, LifecycleState state, Instant launched, boolean protect) {
        return new CloudInstance(id, "zone-a", state, true, protect, launched);
    }

    /** A cloud group with one protected InService instance per node (ids {@code i-<node>}), desired = that count. */
    public static CloudGroup cloudFor(List<NodeInfo> nodes, int min, int max) {
        List<CloudInstance> inst = new ArrayList<>();
        for (NodeInfo n : nodes) {
            inst.add(instance(n.instanceId(), LifecycleState.IN_SERVICE, n.created(), true));
        }
        return new CloudGroup("asg", inst.size(), min, max, inst, List.of(), false);
    }

    public static CloudGroup withExtra(CloudGroup g, int desired, CloudInstance... extra) {
        List<CloudInstance> inst = new ArrayList<>(g.instances());
        inst.addAll(List.of(extra));
        return new CloudGroup(g.id(), desired, g.min(), g.max(), inst, g.problems(), g.launchFailing());
    }

    public static SnapshotIndex index(List<NodeInfo> nodes, List<PodInfo> pods, List<DaemonSetInfo> daemonSets) {
        return new SnapshotIndex(new ClusterSnapshot(T0, nodes, pods, daemonSets));
    }

    public static SnapshotIndex index(List<NodeInfo> nodes, List<PodInfo> pods) {
        return index(nodes, pods, List.of());
    }
}
