package io.joblane.scaler.cloud.fake;

import io.joblane.model.Quantity;
import io.joblane.model.WellKnown;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.MemoryCloud;
import io.joblane.model.config.NodeGroup;
import io.joblane.model.config.Scaling;
import io.joblane.model.config.Taint;
import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.cloud.NodeGroupProvider;
import io.joblane.scaler.cloud.NodeTemplate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake, in-process cloud for tests, demos ({@code provider: memory}) and the simulator, never a production provider:
 * groups with desired/min/max, instances that launch Pending and turn InService after a boot delay measured with the
 * injected {@link Clock}. A group may have several instance types ({@link FakeInstanceType}): the cloud then picks
 * the type of each new instance by a {@link LaunchRule}, falls back to the next type when one is out of capacity, and
 * describes every type's shape in its {@link NodeTemplate}, as an Auto Scaling group with a MixedInstancesPolicy does.
 * Records every call and can inject failures. Thread-safe; listeners are called with the provider's lock held, on the
 * thread that triggered the change.
 */
public final class FakeNodeGroupProvider implements NodeGroupProvider {
    public static final String DESCRIBE = "describe";
    public static final String SET_DESIRED = "setDesiredCapacity";
    public static final String TERMINATE = "terminateInstance";
    public static final String PROTECT = "setScaleInProtection";
    public static final String CANCEL = "cancelUnfulfilled";
    private static final String[] ZONES = {"zone-a", "zone-b", "zone-c"};

    /** One recorded call, {@code detail} in a short readable form (e.g. "desired=3", "i-0001 protect=true"). */
    public record Call(Instant at, String operation, String groupId, String detail) {}

    /** Instance lifecycle callbacks, e.g. for the simulator to register and remove nodes. */
    public interface Listener {
        default void launched(String groupId, CloudInstance instance) {}

        default void inService(String groupId, CloudInstance instance) {}

        /** The instance started terminating (only with a termination delay; it still runs until terminated). */
        default void terminating(String groupId, CloudInstance instance) {}

        default void terminated(String groupId, CloudInstance instance) {}
    }

    private final Clock clock;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, ArrayDeque<CloudException>> nextFailures = new HashMap<>();
    private final Map<String, ArrayDeque<CloudException>> failuresAfterActing = new HashMap<>();
    private final Map<String, CloudException> stickyFailures = new HashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** Instance id to its instance type, in groups that have types. */
    private final Map<String, FakeInstanceType> typeOfInstance = new HashMap<>();
    /**
     * Instance id to the time it finally goes, for instances in Terminating (lifecycle hook, shutdown). Walked at every
     * advance: linked, so a walk costs its entries, not a table a burst of terminations once grew.
     */
    private final Map<String, Instant> terminatingUntil = new LinkedHashMap<>();

    private Duration terminationDelay = Duration.ZERO;
    private long nextId = 1;
    private long totalCalls;
    private int callLimit = Integer.MAX_VALUE;

    public FakeNodeGroupProvider(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A provider with one group per {@code provider: memory} group of the config, starting at its minimum. A group
     * over several {@code autoScalingGroups} gets one group per member, member i in zone {@code zone-a}, {@code zone-b},
     * {@code zone-c} in turn (as one Auto Scaling group per zone) unless its {@code scaling.memory} entry names a zone,
     * the minimum spread over them. {@code scaling.memory} gives each its instance types (picked by its launch rule,
     * each node of its type's shape) and node-template labels.
     */
    public static FakeNodeGroupProvider fromConfig(JoblaneConfig config, Clock clock) {
        FakeNodeGroupProvider p = new FakeNodeGroupProvider(clock);
        for (NodeGroup g : config.scaledGroups()) {
            Scaling s = g.scaling();
            if (!Scaling.PROVIDER_MEMORY.equals(s.provider())) {
                continue;
            }
            List<String> members = s.asgNames().isEmpty() ? List.of(g.name()) : s.asgNames();
            for (int i = 0; i < members.size(); i++) {
                int min = s.minNodes() / members.size() + (i < s.minNodes() % members.size() ? 1 : 0);
                p.addConfigured(
                        s, members.get(i), min, members.size() == 1 ? List.of() : List.of(ZONES[i % ZONES.length]));
            }
        }
        return p;
    }

    /** One member of a memory group as its {@code scaling.memory} section describes it. */
    private void addConfigured(Scaling s, String id, int min, List<String> defaultZones) {
        MemoryCloud memory = s.memory() == null ? new MemoryCloud(null, null, null, null) : s.memory();
        MemoryCloud.Asg own = memory.autoScalingGroups().get(id);
        List<String> zones = own != null && own.zone() != null ? List.of(own.zone()) : defaultZones;
        List<FakeInstanceType> types = new ArrayList<>();
        for (MemoryCloud.InstanceType t : memory.typesOf(id)) {
            Map<String, Long> allocatable = new LinkedHashMap<>();
            t.allocatable().forEach((resource, quantity) -> allocatable.put(resource, Quantity.toMillis(quantity)));
            types.add(new FakeInstanceType(t.name(), allocatable, t.pricePerHour()));
        }
        addGroup(
                id,
                min,
                s.maxNodes(),
                min,
                s.bootDelayDuration(),
                zones,
                types,
                LaunchRule.ofAwsName(memory.launchRule()),
                memory.labelsOf(id));
        templateTaints(id, memory.taintsOf(id));
    }

    /** Adds (or replaces) a group; instances up to {@code desired} launch on the next call. */
    public synchronized FakeNodeGroupProvider addGroup(String id, int min, int max, int desired, Duration bootDelay) {
        if (min < 0 || max < min || desired < min || desired > max) {
            throw new IllegalArgumentException(
                    "bad sizes for group " + id + ": min " + min + " max " + max + " desired " + desired);
        }
        groups.put(id, new Group(id, min, max, desired, bootDelay, List.of()));
        return this;
    }

    /**
     * Adds (or replaces) a group whose instances launch only in {@code zones}, each new one in the zone with the
     * fewest of the group's instances (first listed on a tie), as an Auto Scaling group balances its zones.
     */
    public synchronized FakeNodeGroupProvider addGroup(
            String id, int min, int max, int desired, Duration bootDelay, List<String> zones) {
        addGroup(id, min, max, desired, bootDelay);
        groups.put(id, new Group(id, min, max, desired, bootDelay, zones));
        return this;
    }

    /**
     * Adds (or replaces) a group of several instance types, in the group's order (the order {@link
     * LaunchRule#PRIORITIZED} follows); {@code rule} picks the type of each new instance.
     */
    public synchronized FakeNodeGroupProvider addGroup(
            String id,
            int min,
            int max,
            int desired,
            Duration bootDelay,
            List<FakeInstanceType> types,
            LaunchRule rule) {
        if (types.isEmpty()) {
            throw new IllegalArgumentException("group " + id + ": at least one instance type");
        }
        addGroup(id, min, max, desired, bootDelay);
        Group g = groups.get(id);
        g.types.addAll(types);
        g.rule = Objects.requireNonNull(rule, "rule");
        return this;
    }

    /**
     * Adds (or replaces) a group in {@code zones} (empty: the provider's three) of several instance types (none: the
     * file's shape plans its nodes) whose node template carries {@code labels}, as an Auto Scaling group with
     * cluster-autoscaler's node-template label tags.
     */
    public synchronized FakeNodeGroupProvider addGroup(
            String id,
            int min,
            int max,
            int desired,
            Duration bootDelay,
            List<String> zones,
            List<FakeInstanceType> types,
            LaunchRule rule,
            Map<String, String> labels) {
        addGroup(id, min, max, desired, bootDelay, zones);
        Group g = groups.get(id);
        g.types.addAll(types);
        g.rule = Objects.requireNonNull(rule, "rule");
        g.labels = Map.copyOf(labels);
        return this;
    }

    /** Gives group {@code id}'s node template these taints; its nodes register with them ({@link #nodeTaints}). */
    public synchronized FakeNodeGroupProvider templateTaints(String id, List<Taint> taints) {
        group(id).taints = List.copyOf(taints);
        return this;
    }

    /** The taints the node of an instance registers with: its group's template taints; empty for an unknown one. */
    public synchronized List<Taint> nodeTaints(String instanceId) {
        for (Group g : groups.values()) {
            if (g.instances.containsKey(instanceId)) {
                return g.taints;
            }
        }
        return List.of();
    }

    /**
     * The labels the node of an instance gets, as a kubelet on AWS sets them: its group's node-template labels, its
     * instance type ({@code node.kubernetes.io/instance-type}) and zone ({@code topology.kubernetes.io/zone}); empty
     * for an unknown instance.
     */
    public synchronized Map<String, String> nodeLabels(String instanceId) {
        for (Group g : groups.values()) {
            CloudInstance inst = g.instances.get(instanceId);
            if (inst != null) {
                Map<String, String> labels = new LinkedHashMap<>(g.labels);
                FakeInstanceType type = typeOfInstance.get(instanceId);
                if (type != null) {
                    labels.put(WellKnown.INSTANCE_TYPE_LABEL, type.name());
                }
                if (inst.zone() != null) {
                    labels.put(WellKnown.ZONE_LABEL, inst.zone());
                }
                return labels;
            }
        }
        return Map.of();
    }

    /** The instance type an instance was launched as, or null (a group without types, or an unknown instance). */
    public synchronized FakeInstanceType instanceType(String instanceId) {
        return typeOfInstance.get(instanceId);
    }

    /**
     * From now on the cloud runs at most {@code capacity} instances of {@code type} in the group (running ones stay):
     * an insufficient-capacity spell of one type, which makes the launch rule fall back to the next type.
     */
    public synchronized void setTypeCapacity(String groupId, String type, int capacity) {
        Group g = group(groupId);
        for (int i = 0; i < g.types.size(); i++) {
            FakeInstanceType t = g.types.get(i);
            if (t.name().equals(type)) {
                g.types.set(i, t.withCapacity(capacity));
                return;
            }
        }
        throw new IllegalArgumentException("group " + groupId + " has no instance type " + type);
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** The next call of {@code operation} (any group) fails with {@code failure}; queued in order. */
    public synchronized void failNext(String operation, CloudException failure) {
        nextFailures.computeIfAbsent(operation, o -> new ArrayDeque<>()).add(failure);
    }

    /**
     * The next call of {@code operation} takes effect and THEN reports {@code failure}, like a request whose answer
     * was lost: the caller must not assume that a failed call changed nothing.
     */
    public synchronized void failNextAfterActing(String operation, CloudException failure) {
        failuresAfterActing.computeIfAbsent(operation, o -> new ArrayDeque<>()).add(failure);
    }

    /** Every call of {@code operation} fails until {@link #clearFailures()}. */
    public synchronized void failAlways(String operation, CloudException failure) {
        stickyFailures.put(operation, failure);
    }

    public synchronized void clearFailures() {
        nextFailures.clear();
        failuresAfterActing.clear();
        stickyFailures.clear();
    }

    /**
     * Terminated instances stay {@link LifecycleState#TERMINATING} this long (a lifecycle hook's
     * {@code Terminating:Wait}, the shutdown) before they go; their node keeps running meanwhile. Default zero.
     */
    public synchronized FakeNodeGroupProvider terminationDelay(Duration delay) {
        this.terminationDelay = Objects.requireNonNull(delay, "delay");
        return this;
    }

    /**
     * The cloud's own replacement of an instance (a failed health check, a rebalance, an instance refresh): it is
     * terminated without lowering desired, so a new one launches. Not a call of the provider's API.
     */
    public synchronized void replaceInstance(String groupId, String instanceId) {
        Group g = group(groupId);
        CloudInstance inst = g.instances.get(instanceId);
        if (inst != null && inst.state() != LifecycleState.TERMINATING) {
            remove(g, inst);
            advance();
        }
    }

    /** While true, no instance launches and describe reports {@code launchFailing} (an out-of-capacity zone). */
    public synchronized void setLaunchFailing(String groupId, boolean failing) {
        group(groupId).launchFailing = failing;
    }

    /**
     * Keeps only the last {@code max} calls in {@link #calls()}: the simulator makes millions of calls over a long trace
     * and must not hold them all. Tests keep the default, every call.
     */
    public synchronized FakeNodeGroupProvider keepCalls(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative: " + max);
        }
        callLimit = max;
        while (calls.size() > callLimit) {
            calls.remove(0);
        }
        return this;
    }

    /** Every call so far, in order. */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Number of calls ever made (kept or not); with {@link #callsSince(long)} a caller sees one scan's calls. */
    public synchronized long callCount() {
        return totalCalls;
    }

    /** The kept calls made after the first {@code count} calls ever made. */
    public synchronized List<Call> callsSince(long count) {
        long dropped = totalCalls - calls.size();
        int from = (int) Math.max(0, Math.min(calls.size(), count - dropped));
        return List.copyOf(calls.subList(from, calls.size()));
    }

    public synchronized List<Call> calls(String operation) {
        return calls.stream().filter(c -> c.operation().equals(operation)).toList();
    }

    /** The group as it is now, without recording a call or injecting failures. */
    public synchronized CloudGroup peek(String groupId) {
        advance();
        return group(groupId).describe();
    }

    /** Applies the passage of time: launches instances up to desired, turns booted ones InService. */
    public synchronized void advance() {
        Instant now = clock.instant();
        for (Group g : groups.values()) {
            // The simulator calls this on every scan over thousands of instances: only walk what can change.
            if (!terminatingUntil.isEmpty()) {
                for (CloudInstance inst : g.dueToGo(terminatingUntil, now)) {
                    terminatingUntil.remove(inst.id());
                    gone(g, inst);
                }
            }
            launchUpToDesired(g, now);
            if (!anyBooted(g, now)) {
                continue;
            }
            for (CloudInstance inst : g.booted(now)) {
                CloudInstance up = with(inst, LifecycleState.IN_SERVICE, inst.protectedFromScaleIn());
                g.put(up);
                listeners.forEach(l -> l.inService(g.id, up));
            }
        }
    }

    /** Launches instances until the group has its desired capacity, each of the type its launch rule picks. */
    private void launchUpToDesired(Group g, Instant now) {
        g.outOfCapacity = false;
        while (!g.launchFailing && g.desired > 0 && g.capacity() < g.desired) {
            FakeInstanceType type = g.types.isEmpty() ? null : g.rule.next(g.types, g::running);
            if (type == null && !g.types.isEmpty()) {
                g.outOfCapacity = true; // every type at its capacity: the launch fails, as with EC2's ICE
                return;
            }
            String id = instanceId(nextId);
            if (type != null) {
                typeOfInstance.put(id, type);
                g.runningByType.merge(type.name(), 1, Integer::sum);
            }
            CloudInstance inst = new CloudInstance(id, g.nextZone(nextId), LifecycleState.PENDING, true, false, now);
            nextId++;
            g.put(inst);
            listeners.forEach(l -> l.launched(g.id, inst));
        }
    }

    /** {@code String.format("i-%017x", seq)} without the formatter: the simulator launches every node it runs. */
    static String instanceId(long seq) {
        String hex = Long.toHexString(seq); // at most 16 digits
        return "i-" + "0".repeat(17 - hex.length()) + hex;
    }

    /** Whether a Pending instance has booted: not one walk over the instances while the earliest has not. */
    private static boolean anyBooted(Group g, Instant now) {
        if (g.pending.isEmpty()) {
            return false;
        }
        if (g.earliestPending == null) {
            for (String id : g.pending) {
                Instant launched = g.instances.get(id).launchTime();
                if (g.earliestPending == null || launched.isBefore(g.earliestPending)) {
                    g.earliestPending = launched;
                }
            }
        }
        return !now.isBefore(g.earliestPending.plus(g.bootDelay));
    }

    @Override
    public synchronized Map<String, CloudGroup> describe(Collection<String> groupIds) throws CloudException {
        record(DESCRIBE, String.join(",", groupIds), "");
        failIfInjected(DESCRIBE);
        advance();
        Map<String, CloudGroup> out = new LinkedHashMap<>();
        for (String id : groupIds) {
            Group g = groups.get(id);
            if (g != null) {
                out.put(id, g.describe());
            }
        }
        return out;
    }

    @Override
    public synchronized void setDesiredCapacity(String groupId, int desired) throws CloudException {
        record(SET_DESIRED, groupId, "desired=" + desired);
        failIfInjected(SET_DESIRED);
        Group g = known(groupId);
        if (desired < g.min || desired > g.max) {
            throw new CloudException(
                    CloudException.Kind.INVALID,
                    "ValidationError",
                    "desired " + desired + " outside [" + g.min + ", " + g.max + "] of group " + groupId);
        }
        advance();
        g.desired = desired;
        if (g.capacity() <= g.desired) {
            advance();
            failIfInjectedAfterActing(SET_DESIRED);
            return; // nothing to terminate: no need to sort every instance
        }
        // Like a real cloud: a lower desired terminates unprotected instances of its own choosing, newest first.
        List<CloudInstance> victims = new ArrayList<>(g.instances.values());
        victims.sort((a, b) -> b.launchTime().compareTo(a.launchTime()));
        for (CloudInstance inst : victims) {
            if (g.capacity() <= g.desired) {
                break;
            }
            if (inst.state().isCapacity() && !inst.protectedFromScaleIn()) {
                remove(g, inst);
            }
        }
        advance();
        failIfInjectedAfterActing(SET_DESIRED);
    }

    @Override
    public synchronized int cancelUnfulfilled(String groupId, int desired) throws CloudException {
        record(CANCEL, groupId, "desired=" + desired);
        failIfInjected(CANCEL);
        Group g = known(groupId);
        advance();
        int target = Math.max(Math.max(desired, g.capacity()), g.min);
        boolean allProtected = g.instances.values().stream()
                .filter(i -> i.state().isCapacity())
                .allMatch(CloudInstance::protectedFromScaleIn);
        if (target < g.desired && allProtected) {
            g.desired = target;
        }
        failIfInjectedAfterActing(CANCEL);
        return g.desired;
    }

    @Override
    public synchronized void terminateInstance(String groupId, String instanceId) throws CloudException {
        record(TERMINATE, groupId, instanceId);
        failIfInjected(TERMINATE);
        Group g = known(groupId);
        CloudInstance inst = g.instances.get(instanceId);
        if (inst == null) {
            throw new CloudException(
                    CloudException.Kind.INVALID,
                    "ValidationError",
                    "instance " + instanceId + " is not part of group " + groupId);
        }
        if (inst.state() == LifecycleState.TERMINATING) {
            return; // already going; desired was lowered when it started
        }
        if (g.desired - 1 < g.min) {
            throw new CloudException(
                    CloudException.Kind.INVALID,
                    "ValidationError",
                    "terminating " + instanceId + " would take group " + groupId + " below its minimum " + g.min);
        }
        g.desired--;
        remove(g, inst);
        failIfInjectedAfterActing(TERMINATE);
    }

    @Override
    public synchronized void setScaleInProtection(String groupId, Collection<String> instanceIds, boolean protect)
            throws CloudException {
        record(PROTECT, groupId, instanceIds + " protect=" + protect);
        failIfInjected(PROTECT);
        Group g = known(groupId);
        for (String id : instanceIds) {
            if (!g.instances.containsKey(id)) {
                throw new CloudException(
                        CloudException.Kind.INVALID,
                        "ValidationError",
                        "instance " + id + " is not part of group " + groupId);
            }
        }
        for (String id : instanceIds) {
            CloudInstance inst = g.instances.get(id);
            g.put(with(inst, inst.state(), protect));
        }
        failIfInjectedAfterActing(PROTECT);
    }

    private void remove(Group g, CloudInstance inst) {
        if (!terminationDelay.isZero()) {
            CloudInstance going = with(inst, LifecycleState.TERMINATING, inst.protectedFromScaleIn());
            g.put(going);
            terminatingUntil.put(inst.id(), clock.instant().plus(terminationDelay));
            listeners.forEach(l -> l.terminating(g.id, going));
            return;
        }
        gone(g, inst);
    }

    private void gone(Group g, CloudInstance inst) {
        g.drop(inst.id());
        FakeInstanceType type = typeOfInstance.remove(inst.id());
        if (type != null) {
            g.runningByType.merge(type.name(), -1, Integer::sum);
        }
        CloudInstance gone = with(inst, LifecycleState.TERMINATED, inst.protectedFromScaleIn());
        listeners.forEach(l -> l.terminated(g.id, gone));
    }

    private static CloudInstance with(CloudInstance i, LifecycleState state, boolean protect) {
        return new CloudInstance(i.id(), i.zone(), state, i.healthy(), protect, i.launchTime());
    }

    private Group group(String id) {
        Group g = groups.get(id);
        if (g == null) {
            throw new IllegalArgumentException("no in-memory group " + id);
        }
        return g;
    }

    private Group known(String id) throws CloudException {
        Group g = groups.get(id);
        if (g == null) {
            throw new CloudException(CloudException.Kind.INVALID, "ValidationError", "group " + id + " not found");
        }
        return g;
    }

    private void record(String operation, String groupId, String detail) {
        totalCalls++;
        calls.add(new Call(clock.instant(), operation, groupId, detail));
        if (calls.size() > callLimit) {
            calls.remove(0);
        }
    }

    private void failIfInjectedAfterActing(String operation) throws CloudException {
        ArrayDeque<CloudException> queue = failuresAfterActing.get(operation);
        if (queue != null && !queue.isEmpty()) {
            throw queue.poll();
        }
    }

    private void failIfInjected(String operation) throws CloudException {
        ArrayDeque<CloudException> queue = nextFailures.get(operation);
        if (queue != null && !queue.isEmpty()) {
            throw queue.poll();
        }
        CloudException sticky = stickyFailures.get(operation);
        if (sticky != null) {
            throw sticky;
        }
    }

    private static final class Group {
        final String id;
        final int min;
        final int max;
        final Duration bootDelay;
        /** Its instances; changed only through {@link #put} and {@link #drop}, which keep the counts below. */
        final Map<String, CloudInstance> instances = new LinkedHashMap<>();
        /** Instances that are capacity (Pending or InService): asked at every launch, not counted each time. */
        private int capacity;
        /** The ids of its Pending instances, and the earliest launch time among them (null: not known, found by a walk). */
        final Set<String> pending = new LinkedHashSet<>(); // walked at every advance: linked, not a burst's table

        Instant earliestPending;
        /** The instances as last described, the same list while none changes (null: one changed since). */
        private List<CloudInstance> described;
        /** {@link #instances} in their order, as an array: what a describe copies. */
        private final LaunchOrder order = new LaunchOrder();

        final List<FakeInstanceType> types = new ArrayList<>();
        /** Instances per type until they are gone (a terminating instance still holds its capacity). */
        final Map<String, Integer> runningByType = new HashMap<>();

        LaunchRule rule = LaunchRule.PRIORITIZED;
        /** The labels of its node template (cluster-autoscaler's node-template label tags on AWS). */
        Map<String, String> labels = Map.of();
        /** The taints of its node template (cluster-autoscaler's node-template taint tags on AWS). */
        List<Taint> taints = List.of();

        int desired;
        boolean launchFailing;
        /** The last launch attempt found every type at its capacity. */
        boolean outOfCapacity;

        /** The zones of a group added with zones; empty: the provider's three, round robin over all groups. */
        final List<String> zones;

        Group(String id, int min, int max, int desired, Duration bootDelay, List<String> zones) {
            this.id = id;
            this.zones = List.copyOf(zones);
            this.min = min;
            this.max = max;
            this.desired = desired;
            this.bootDelay = bootDelay == null ? Duration.ZERO : bootDelay;
        }

        /** The zone of the next instance: the group's least used zone, or round robin when it has none of its own. */
        String nextZone(long seq) {
            if (zones.isEmpty()) {
                return ZONES[(int) (seq % ZONES.length)];
            }
            String best = zones.get(0);
            long bestCount = Long.MAX_VALUE;
            for (String z : zones) {
                long n = instances.values().stream()
                        .filter(i -> i.state().isCapacity() && z.equals(i.zone()))
                        .count();
                if (n < bestCount) {
                    best = z;
                    bestCount = n;
                }
            }
            return best;
        }

        int capacity() {
            return capacity;
        }

        /** Adds or replaces an instance (by id). */
        void put(CloudInstance inst) {
            uncount(instances.put(inst.id(), inst));
            order.put(inst);
            capacity += inst.state().isCapacity() ? 1 : 0;
            if (inst.state() == LifecycleState.PENDING) {
                pending.add(inst.id());
                if (earliestPending != null && inst.launchTime().isBefore(earliestPending)) {
                    earliestPending = inst.launchTime();
                }
            }
            described = null;
        }

        void drop(String id) {
            uncount(instances.remove(id));
            order.drop(id);
            described = null;
        }

        /**
         * Its instances whose {@code until} has come, in the group's order: found among the terminating ones (few),
         * not by a walk over every instance at every call (the simulator advances at every scan, and a busy group
         * nearly always has one terminating).
         */
        List<CloudInstance> dueToGo(Map<String, Instant> until, Instant now) {
            List<CloudInstance> due = new ArrayList<>(0);
            until.forEach((id, at) -> {
                CloudInstance inst = now.isBefore(at) ? null : instances.get(id);
                if (inst != null) {
                    due.add(inst);
                }
            });
            due.sort(order.launchOrder());
            return due;
        }

        private void uncount(CloudInstance was) {
            if (was == null) {
                return;
            }
            capacity -= was.state().isCapacity() ? 1 : 0;
            if (was.state() == LifecycleState.PENDING) {
                pending.remove(was.id());
                earliestPending = null; // it may have been the earliest
            }
        }

        /**
         * The Pending instances that have booted by {@code now}, in the group's order: found among the Pending ones
         * (few), not by a walk over every instance.
         */
        List<CloudInstance> booted(Instant now) {
            List<CloudInstance> up = new ArrayList<>(0);
            for (String id : pending) {
                CloudInstance inst = instances.get(id);
                if (!now.isBefore(inst.launchTime().plus(bootDelay))) {
                    up.add(inst);
                }
            }
            up.sort(order.launchOrder());
            return up;
        }

        int running(String type) {
            return runningByType.getOrDefault(type, 0);
        }

        CloudGroup describe() {
            List<String> problems = launchFailing
                    ? List.of("launch failed: InsufficientInstanceCapacity (simulated)")
                    : outOfCapacity
                            ? List.of("launch failed: InsufficientInstanceCapacity for every instance type (simulated)")
                            : List.of();
            return new CloudGroup(
                    id,
                    desired,
                    min,
                    max,
                    instances(),
                    problems,
                    launchFailing || outOfCapacity,
                    template(),
                    false,
                    zones.isEmpty() ? List.of(ZONES) : zones);
        }

        /** The instances in launch order: the same list object from describe to describe while none changes. */
        List<CloudInstance> instances() {
            if (described == null) {
                described = order.list(); // CloudGroup's List.copyOf keeps it: the same list describe to describe
            }
            return described;
        }

        /**
         * Every type's shape, in the group's order, and the template's labels; null for a group with neither (the
         * file's shape plans).
         */
        NodeTemplate template() {
            if (types.isEmpty() && labels.isEmpty() && taints.isEmpty()) {
                return null;
            }
            List<NodeTemplate.Shape> shapes = new ArrayList<>();
            types.forEach(t -> shapes.add(new NodeTemplate.Shape(t.name(), t.allocatableMillis())));
            return new NodeTemplate(shapes, labels, taints);
        }
    }
}
