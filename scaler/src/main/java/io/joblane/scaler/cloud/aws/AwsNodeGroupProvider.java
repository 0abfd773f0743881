package io.joblane.scaler.cloud.aws;

import io.joblane.model.config.JoblaneConfig;
import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.cloud.NodeGroupProvider;
import io.joblane.scaler.cloud.NodeTemplate;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.Activity;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsResponse;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.SuspendedProcess;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * {@link NodeGroupProvider} over EC2 Auto Scaling. Each {@link #describe} is one scan's view and only reads: the
 * groups in batches and, when capacity is missing or instances are new, their recent scaling activities; it reports
 * unprotected instances and an active AZRebalance, which the loop's plan actions protect and suspend. The mutating
 * calls act on that cached view; only the loop makes them, so only the loop decides dry-run and checks the Lease.
 * Called from the loop's thread; methods are synchronized so a config reload or a status reader is safe.
 */
public final class AwsNodeGroupProvider implements NodeGroupProvider, AutoCloseable {

    /** The documented default of names per DescribeAutoScalingGroups call. */
    static final int NAMES_PER_DESCRIBE = 50;
    /** The documented maximum of MaxRecords for DescribeAutoScalingGroups. */
    static final int MAX_RECORDS = 100;
    /** The documented maximum of instance ids per SetInstanceProtection call. */
    static final int IDS_PER_PROTECTION_CALL = 50;
    /** Recent activities read per group; launches older than {@link #LAUNCH_FAILURE_WINDOW} do not count. */
    static final int ACTIVITIES_PER_GROUP = 50;

    static final Duration LAUNCH_FAILURE_WINDOW = Duration.ofMinutes(30);
    static final String AZ_REBALANCE = "AZRebalance";

    private static final Logger LOG = LoggerFactory.getLogger(AwsNodeGroupProvider.class);

    /**
     * Longest a termination call may take, SDK work included: with the loop's bound from the live checks to the call
     * ({@code ScaleLoop.TERMINATE_CHECK_BOUND}, 2 s) a termination lands at most 5 s after the bound-pod check began,
     * within the Lease's safety margin (lease duration minus renew deadline, 5 s by default).
     */
    static final Duration TERMINATE_TIMEOUT = Duration.ofSeconds(3);
    /**
     * The termination is sent once, never retried by the SDK: a retry seconds later could act after this replica lost
     * the Lease or after a pod was bound. A failure is retried by a later scan, after a fresh live check.
     */
    private static final SdkPlugin TRY_ONCE = config -> config.overrideConfiguration(
            c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(TERMINATE_TIMEOUT));

    private final AutoScalingClient client;
    private final Clock clock;
    private Map<String, AwsGroupSettings> settings;

    /** The last describe's result per group: the view the mutating calls check against. */
    private final Map<String, CloudGroup> described = new HashMap<>();
    /** Per group, the raw API lifecycle state of each instance in the last describe (SetInstanceProtection's rules). */
    private final Map<String, Map<String, String>> rawStates = new HashMap<>();
    /** Launch time per group and instance, from scaling activities or, failing that, first sight. */
    private final Map<String, Map<String, Instant>> launchTimes = new HashMap<>();
    /** Last known launch report per group, kept when reading activities fails. */
    private final Map<String, LaunchActivities.Report> launchReports = new HashMap<>();

    private final Set<String> unknownGroups = new HashSet<>();
    private final Set<String> unprotectedAtLaunchLogged = new HashSet<>();
    /** Reads node templates for scale from zero; null when the provider was built without EC2. */
    private final NodeTemplateReader templates;

    public AwsNodeGroupProvider(AutoScalingClient client, Map<String, AwsGroupSettings> settings, Clock clock) {
        this(client, null, settings, clock);
    }

    /** With {@code ec2} (may be null) the groups that need it get a node template read from EC2 and their tags. */
    public AwsNodeGroupProvider(
            AutoScalingClient client, Ec2Client ec2, Map<String, AwsGroupSettings> settings, Clock clock) {
        this.templates = ec2 == null ? null : new NodeTemplateReader(new Ec2Gateway(ec2), clock);
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Map.copyOf(settings);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The production provider: default credential chain, region and endpoint from {@code scaler.aws}, the
     * groups of every node group with {@code provider: aws}, every API call counted in {@code registry} when not null.
     *
     * @throws IllegalStateException when the client cannot be built (no region), naming the setting to fix
     */
    public static AwsNodeGroupProvider create(JoblaneConfig config, MeterRegistry registry) {
        return new AwsNodeGroupProvider(
                AutoScalingClients.create(config.scaler().aws(), AwsClientOptions.DEFAULTS, registry),
                Ec2Clients.create(config.scaler().aws(), AwsClientOptions.DEFAULTS, registry),
                AwsGroupSettings.fromConfig(config),
                Clock.systemUTC());
    }

    /** Takes a reloaded node-group file's caps and AZRebalance choices; the client stays as built. */
    public synchronized void reconfigure(JoblaneConfig config) {
        this.settings = AwsGroupSettings.fromConfig(config);
    }

    @Override
    public synchronized Map<String, CloudGroup> describe(Collection<String> groupIds) throws CloudException {
        List<String> names = new ArrayList<>(new LinkedHashSet<>(groupIds));
        Map<String, AutoScalingGroup> found = new LinkedHashMap<>();
        Map<String, String> refused = new LinkedHashMap<>();
        for (int from = 0; from < names.size(); from += NAMES_PER_DESCRIBE) {
            List<String> batch = names.subList(from, Math.min(names.size(), from + NAMES_PER_DESCRIBE));
            try {
                describeBatch(batch, found);
            } catch (CloudException e) {
                if (!"ValidationError".equals(e.code()) || batch.size() == 1) {
                    throw e;
                }
                // One malformed name fails the whole batch: ask name by name so the other groups carry on.
                for (String name : batch) {
                    try {
                        describeBatch(List.of(name), found);
                    } catch (CloudException single) {
                        if (!"ValidationError".equals(single.code())) {
                            throw single;
                        }
                        refused.put(name, single.getMessage());
                    }
                }
                if (batch.stream().allMatch(refused::containsKey)) {
                    throw e;
                }
            }
        }

        Map<String, CloudGroup> result = new LinkedHashMap<>();
        for (String name : names) {
            AutoScalingGroup group = found.get(name);
            if (group == null) {
                forget(name);
                if (unknownGroups.add(name)) {
                    LOG.warn(
                            "event=asg_unknown group={} detail=\"{}; skipped until it can be described\"",
                            name,
                            refused.getOrDefault(
                                    name, "no Auto Scaling group of that name in this account and region"));
                }
                continue;
            }
            unknownGroups.remove(name);
            CloudGroup cloudGroup = observe(group);
            described.put(name, cloudGroup);
            result.put(name, cloudGroup);
        }
        return result;
    }

    /** Pages through DescribeAutoScalingGroups for one batch of at most {@link #NAMES_PER_DESCRIBE} names. */
    private void describeBatch(List<String> batch, Map<String, AutoScalingGroup> found) throws CloudException {
        String token = null;
        do {
            DescribeAutoScalingGroupsResponse page;
            try {
                String next = token;
                page = client.describeAutoScalingGroups(r ->
                        r.autoScalingGroupNames(batch).maxRecords(MAX_RECORDS).nextToken(next));
            } catch (SdkException e) {
                throw AwsErrors.classify("DescribeAutoScalingGroups", e);
            }
            page.autoScalingGroups().forEach(g -> found.put(g.autoScalingGroupName(), g));
            token = page.nextToken();
        } while (token != null && !token.isEmpty());
    }

    /**
     * Names asked for in the last describe that the cloud does not know or refused as malformed (readiness detail
     * for the loop).
     */
    public synchronized Set<String> unknownGroups() {
        return Set.copyOf(unknownGroups);
    }

    @Override
    public synchronized void setDesiredCapacity(String groupId, int desired) throws CloudException {
        CloudGroup group = current(groupId);
        if (desired <= group.desired()) {
            LOG.debug(
                    "event=asg_desired_unchanged group={} current={} requested={}", groupId, group.desired(), desired);
            return;
        }
        int target = Math.min(desired, group.max());
        if (target < desired) {
            LOG.warn("event=asg_desired_capped group={} requested={} max={}", groupId, desired, group.max());
        }
        if (target <= group.desired()) {
            return;
        }
        // Someone may have raised desired since the scan's describe: setting ours then would LOWER it, and the ASG
        // would pick the victims. One fresh describe of this group decides.
        int fresh = freshDesired(groupId);
        if (target <= fresh) {
            LOG.info(
                    "event=asg_desired_unchanged group={} current={} requested={} reason=raised_since_describe",
                    groupId,
                    fresh,
                    target);
            described.put(groupId, withDesired(group, fresh));
            return;
        }
        try {
            client.setDesiredCapacity(
                    r -> r.autoScalingGroupName(groupId).desiredCapacity(target).honorCooldown(false));
        } catch (SdkException e) {
            throw AwsErrors.classify("SetDesiredCapacity " + groupId, e);
        }
        LOG.info("event=asg_set_desired group={} from={} to={}", groupId, group.desired(), target);
        described.put(groupId, withDesired(group, target));
    }

    /**
     * {@inheritDoc} Decided on a fresh describe of the group, right before the call: the target is never below the
     * instances that are Pending or InService then, and the call is made only when every one of them is protected
     * from scale-in. AWS: "If all instances in an Auto Scaling group are protected from scale in, and a scale-in event
     * occurs, its desired capacity is decremented. However, the Auto Scaling group can't terminate the required number
     * of instances until their instance scale-in protection settings are disabled."
     * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-instance-protection.html). An instance
     * launched between that describe and the call is either protected (NewInstancesProtectedFromScaleIn) or a
     * Pending instance milliseconds old that runs nothing: the only one the group could pick.
     */
    @Override
    public synchronized int cancelUnfulfilled(String groupId, int desired) throws CloudException {
        CloudGroup group = current(groupId);
        if (desired >= group.desired()) {
            return group.desired();
        }
        Map<String, AutoScalingGroup> found = new HashMap<>();
        describeBatch(List.of(groupId), found);
        AutoScalingGroup fresh = found.get(groupId);
        if (fresh == null) {
            throw new CloudException(
                    CloudException.Kind.INVALID,
                    "GroupNotFound",
                    "Auto Scaling group " + groupId
                            + " was not found when re-read before cancelling unfulfilled capacity");
        }
        List<Instance> existing = fresh.instances().stream()
                .filter(i -> AwsLifecycleStates.map(i.lifecycleStateAsString()).isCapacity())
                .toList();
        int target = Math.max(Math.max(desired, existing.size()), fresh.minSize());
        if (target >= fresh.desiredCapacity()) {
            described.put(groupId, withDesired(group, fresh.desiredCapacity()));
            return fresh.desiredCapacity();
        }
        List<String> exposed = existing.stream()
                .filter(i -> !Boolean.TRUE.equals(i.protectedFromScaleIn()))
                .map(Instance::instanceId)
                .toList();
        if (!exposed.isEmpty()) {
            LOG.info(
                    "event=asg_cancel_unfulfilled_held group={} desired={} wanted={} unprotected={}",
                    groupId,
                    fresh.desiredCapacity(),
                    target,
                    exposed);
            return fresh.desiredCapacity();
        }
        try {
            client.setDesiredCapacity(
                    r -> r.autoScalingGroupName(groupId).desiredCapacity(target).honorCooldown(false));
        } catch (SdkException e) {
            throw AwsErrors.classify("SetDesiredCapacity (cancel unfulfilled) " + groupId, e);
        }
        LOG.info(
                "event=asg_cancel_unfulfilled group={} from={} to={} instances={}",
                groupId,
                fresh.desiredCapacity(),
                target,
                existing.size());
        described.put(groupId, withDesired(group, target));
        return target;
    }

    private int freshDesired(String groupId) throws CloudException {
        Map<String, AutoScalingGroup> found = new HashMap<>();
        describeBatch(List.of(groupId), found);
        AutoScalingGroup fresh = found.get(groupId);
        if (fresh == null) {
            throw new CloudException(
                    CloudException.Kind.INVALID,
                    "GroupNotFound",
                    "Auto Scaling group " + groupId + " was not found when re-read before SetDesiredCapacity");
        }
        return fresh.desiredCapacity();
    }

    /**
     * {@inheritDoc} One TerminateInstanceInAutoScalingGroup call and nothing else: scale-in protection does not
     * apply to it (AWS: "Instance scale-in protection does not protect Auto Scaling instances from [...] manual
     * termination through [...] the TerminateInstanceInAutoScalingGroup action",
     * https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-instance-protection.html), so the instance
     * keeps its protection against the ASG's own scale-in choices and no lift can delay the call past the loop's
     * checks. Decided on this scan's describe only, never a fresh one: nothing slow runs before the call.
     */
    @Override
    public synchronized void terminateInstance(String groupId, String instanceId) throws CloudException {
        CloudGroup group = described.get(groupId);
        if (group == null) {
            throw new CloudException(
                    CloudException.Kind.INVALID,
                    "UnknownGroup",
                    "Auto Scaling group " + groupId + " was not described in this scan; instance " + instanceId
                            + " not terminated");
        }
        CloudInstance instance = group.instances().stream()
                .filter(i -> i.id().equals(instanceId))
                .findFirst()
                .orElseThrow(() -> new CloudException(
                        CloudException.Kind.INVALID,
                        "InstanceNotInGroup",
                        "instance " + instanceId + " is not in Auto Scaling group " + groupId + "; not terminated"));
        if (instance.state() == LifecycleState.TERMINATING || instance.state() == LifecycleState.TERMINATED) {
            LOG.info(
                    "event=asg_terminate_skipped group={} instance={} reason=already_{}",
                    groupId,
                    instanceId,
                    instance.state().name().toLowerCase());
            return;
        }
        if (instance.state() == LifecycleState.STANDBY
                || instance.state() == LifecycleState.DETACHING
                || instance.state() == LifecycleState.WARMED) {
            throw new CloudException(
                    CloudException.Kind.INVALID,
                    "InstanceNotManaged",
                    "instance " + instanceId
                            + " of group " + groupId + " is " + rawState(groupId, instanceId)
                            + ": Joblane leaves it alone");
        }
        try {
            client.terminateInstanceInAutoScalingGroup(r -> r.instanceId(instanceId)
                    .shouldDecrementDesiredCapacity(true)
                    .overrideConfiguration(o -> o.addPlugin(TRY_ONCE)));
        } catch (SdkException e) {
            throw AwsErrors.classify("TerminateInstanceInAutoScalingGroup " + instanceId, e);
        }
        LOG.info(
                "event=asg_terminate group={} instance={} zone={} desired_after={}",
                groupId,
                instanceId,
                instance.zone(),
                group.desired() - 1);
        described.put(groupId, afterTermination(group, instanceId));
        rawStates.computeIfAbsent(groupId, g -> new HashMap<>()).put(instanceId, "Terminating");
    }

    /**
     * {@inheritDoc} Instances the last describe saw in a state the API refuses (Pending, Terminating, …) are left
     * out: protection only takes effect from InService, and {@link #describe} reports them unprotected once they
     * get there.
     */
    @Override
    public synchronized void setScaleInProtection(String groupId, Collection<String> instanceIds, boolean protect)
            throws CloudException {
        List<String> ids = new ArrayList<>();
        for (String id : new LinkedHashSet<>(instanceIds)) {
            String raw = rawState(groupId, id);
            if (raw == null || AwsLifecycleStates.protectable(raw)) {
                ids.add(id);
            } else {
                LOG.debug("event=asg_protect_deferred group={} instance={} state={}", groupId, id, raw);
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        for (int from = 0; from < ids.size(); from += IDS_PER_PROTECTION_CALL) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + IDS_PER_PROTECTION_CALL));
            try {
                client.setInstanceProtection(
                        r -> r.autoScalingGroupName(groupId).instanceIds(batch).protectedFromScaleIn(protect));
            } catch (SdkException e) {
                throw AwsErrors.classify("SetInstanceProtection(" + protect + ") " + groupId, e);
            }
            CloudGroup group = described.get(groupId);
            if (group != null) {
                described.put(groupId, withProtection(group, Set.copyOf(batch), protect));
            }
        }
        LOG.info("event=asg_protect group={} protect={} count={}", groupId, protect, ids.size());
    }

    /** {@inheritDoc} One SuspendProcesses call for AZRebalance; the group keeps every other process as it is. */
    @Override
    public synchronized void suspendZoneRebalancing(String groupId) throws CloudException {
        CloudGroup group = current(groupId);
        try {
            client.suspendProcesses(r -> r.autoScalingGroupName(groupId).scalingProcesses(AZ_REBALANCE));
        } catch (SdkException e) {
            throw AwsErrors.classify("SuspendProcesses " + groupId, e);
        }
        LOG.info("event=asg_suspend_azrebalance group={}", groupId);
        described.put(groupId, copy(group, group.desired(), group.instances(), false));
    }

    @Override
    public void close() {
        client.close();
        if (templates != null) {
            templates.close();
        }
    }

    /**
     * Read-only start-up check: for each node group whose {@code scaling.node} lacks cpu or memory, reads its Auto
     * Scaling group's node template and returns one refusal per group that gets no shape from either, naming the
     * field. Fails with {@link CloudException} when AWS cannot be read (a run-time failure, not a config error).
     */
    public synchronized List<String> missingNodeShapes(JoblaneConfig config) throws CloudException {
        return NodeShapeCheck.missing(config, names -> {
            Map<String, AutoScalingGroup> found = new LinkedHashMap<>();
            for (int from = 0; from < names.size(); from += NAMES_PER_DESCRIBE) {
                describeBatch(names.subList(from, Math.min(names.size(), from + NAMES_PER_DESCRIBE)), found);
            }
            Map<String, NodeTemplateReader.Result> out = new LinkedHashMap<>();
            found.forEach((name, group) -> {
                List<String> problems = new ArrayList<>();
                NodeTemplate template = templates == null ? null : templates.read(group, problems);
                out.put(name, new NodeTemplateReader.Result(template, problems));
            });
            return out;
        });
    }

    /** Maps one described group: its instances as the API reports them, its launches, what to report. Reads only. */
    private CloudGroup observe(AutoScalingGroup group) {
        String name = group.autoScalingGroupName();
        AwsGroupSettings own = settings.get(name);
        int max = own == null ? group.maxSize() : Math.min(group.maxSize(), own.maxNodes());
        List<String> problems = new ArrayList<>();
        Map<String, Instant> known = launchTimes.computeIfAbsent(name, k -> new HashMap<>());
        boolean newInstances = trackInstances(group, known);
        LaunchActivities.Report report = readLaunches(group, known, newInstances, problems);
        boolean launchFailing = report != null && report.failing();
        if (launchFailing) {
            problems.add(report.problem());
        }
        boolean zoneRebalancing = reportProcesses(group, own, problems);
        reportSetup(group, problems);
        List<CloudInstance> instances = new ArrayList<>();
        for (Instance instance : group.instances()) {
            instances.add(new CloudInstance(
                    instance.instanceId(),
                    instance.availabilityZone(),
                    AwsLifecycleStates.map(instance.lifecycleStateAsString()),
                    "Healthy".equalsIgnoreCase(instance.healthStatus()),
                    Boolean.TRUE.equals(instance.protectedFromScaleIn()),
                    known.get(instance.instanceId())));
        }
        return new CloudGroup(
                name,
                group.desiredCapacity(),
                group.minSize(),
                max,
                instances,
                problems,
                launchFailing,
                template(group, own, problems),
                zoneRebalancing,
                group.availabilityZones());
    }

    /** Keeps this describe's raw lifecycle states, forgets instances that left; true when one is new to this provider. */
    private boolean trackInstances(AutoScalingGroup group, Map<String, Instant> known) {
        Map<String, String> states = new HashMap<>();
        boolean newInstances = false;
        for (Instance instance : group.instances()) {
            states.put(instance.instanceId(), instance.lifecycleStateAsString());
            newInstances |= !known.containsKey(instance.instanceId());
        }
        rawStates.put(group.autoScalingGroupName(), states);
        known.keySet().retainAll(states.keySet());
        return newInstances;
    }

    /**
     * Reads the group's recent activities when capacity is missing or an instance is new (a failure keeps the last
     * report and becomes a problem), and gives every instance a launch time: its activity's, else first sight.
     */
    private LaunchActivities.Report readLaunches(
            AutoScalingGroup group, Map<String, Instant> known, boolean newInstances, List<String> problems) {
        String name = group.autoScalingGroupName();
        Instant now = clock.instant();
        long live = group.instances().stream()
                .filter(i -> AwsLifecycleStates.map(i.lifecycleStateAsString()).isCapacity())
                .count();
        // Nothing is on its way and nothing is new, so nothing can be failing to launch.
        LaunchActivities.Report report = null;
        if (group.desiredCapacity() > live || newInstances) {
            report = launchReports.get(name);
            try {
                List<Activity> activities = client.describeScalingActivities(
                                r -> r.autoScalingGroupName(name).maxRecords(ACTIVITIES_PER_GROUP))
                        .activities();
                report = LaunchActivities.read(activities, now, LAUNCH_FAILURE_WINDOW);
            } catch (SdkException e) {
                problems.add(AwsErrors.classify("DescribeScalingActivities", e).getMessage());
            }
        }
        Set<String> present = rawStates.get(name).keySet();
        if (report != null) {
            launchReports.put(name, report);
            report.launchTimes().forEach((id, at) -> {
                if (present.contains(id)) {
                    known.put(id, at);
                }
            });
        } else {
            launchReports.remove(name);
        }
        for (String id : present) {
            known.putIfAbsent(id, now);
        }
        return report;
    }

    /**
     * Reports a suspended Launch process, and AZRebalance when it is active and the config does not let the loop
     * suspend it; returns whether AZRebalance is active.
     */
    private static boolean reportProcesses(AutoScalingGroup group, AwsGroupSettings own, List<String> problems) {
        Set<String> suspended = new HashSet<>();
        for (SuspendedProcess process : group.suspendedProcesses()) {
            suspended.add(process.processName());
        }
        if (suspended.contains("Launch")) {
            problems.add("the Launch process is suspended: new instances will not start");
        }
        boolean active = !suspended.contains(AZ_REBALANCE);
        if (active && (own == null || !own.suspendAZRebalance())) {
            problems.add("AZRebalance is active: the Auto Scaling group may terminate busy instances to balance "
                    + "zones (set scaling.suspendAZRebalance: true or suspend it on the group)");
        }
        return active;
    }

    /** Reports what the group's owner must change: protection at launch, a deletion under way, units and weights. */
    private void reportSetup(AutoScalingGroup group, List<String> problems) {
        String name = group.autoScalingGroupName();
        if (!Boolean.TRUE.equals(group.newInstancesProtectedFromScaleIn())) {
            // Reported, never changed: the ASG belongs to the user; until a new instance is protected it is exposed.
            problems.add("NewInstancesProtectedFromScaleIn is off: a new instance is unprotected until the scan after "
                    + "it is InService; enable it on the Auto Scaling group");
            if (unprotectedAtLaunchLogged.add(name)) {
                LOG.info(
                        "event=asg_new_instances_unprotected group={} detail=\"Joblane protects instances once they "
                                + "are InService; set NewInstancesProtectedFromScaleIn on the group to close the gap\"",
                        name);
            }
        }
        if ("Delete in progress".equals(group.status())) {
            problems.add("the Auto Scaling group is being deleted");
        }
        checkUnits(group, problems);
    }

    /**
     * The group's node template when it needs one (no complete {@code scaling.node}) and EC2 is configured; else the
     * labels and taints of its node-template tags alone (they route pods among a node group's several ASGs).
     */
    private NodeTemplate template(AutoScalingGroup group, AwsGroupSettings own, List<String> problems) {
        return templates != null && (own == null || own.readTemplate())
                ? templates.read(group, problems)
                : NodeTemplateReader.fromTags(group, problems);
    }

    /**
     * Joblane counts nodes; a group whose desired capacity is in vCPUs or memory, or whose instances carry weights
     * other than 1, would make every size the loop computes wrong.
     */
    private static void checkUnits(AutoScalingGroup group, List<String> problems) {
        String type = group.desiredCapacityType();
        if (type != null && !type.isEmpty() && !"units".equals(type)) {
            problems.add("desired capacity is measured in " + type
                    + ", not instances: Joblane needs DesiredCapacityType " + "units");
        }
        group.instances().stream()
                .map(Instance::weightedCapacity)
                .filter(w -> w != null && !w.isEmpty() && !"1".equals(w))
                .findFirst()
                .ifPresent(w -> problems.add("instances carry weighted capacity " + w
                        + ": Joblane sizes groups in instances and needs weights of 1 (or none)"));
    }

    /** The group as this scan described it; describes it now if the loop did not (one call). */
    private CloudGroup current(String groupId) throws CloudException {
        CloudGroup group = described.get(groupId);
        if (group == null && !unknownGroups.contains(groupId)) {
            group = describe(List.of(groupId)).get(groupId);
        }
        if (group == null) {
            throw new CloudException(
                    CloudException.Kind.INVALID,
                    "UnknownGroup",
                    "no Auto Scaling group named " + groupId + " in this account and region");
        }
        return group;
    }

    /** The raw lifecycle state of an instance in the last describe, null when that describe did not list it. */
    private String rawState(String groupId, String instanceId) {
        return rawStates.getOrDefault(groupId, Map.of()).get(instanceId);
    }

    private void forget(String name) {
        described.remove(name);
        rawStates.remove(name);
        launchTimes.remove(name);
        launchReports.remove(name);
    }

    private static CloudGroup withDesired(CloudGroup g, int desired) {
        return copy(g, desired, g.instances(), g.zoneRebalancing());
    }

    private static CloudGroup afterTermination(CloudGroup g, String instanceId) {
        List<CloudInstance> instances = g.instances().stream()
                .map(i -> i.id().equals(instanceId)
                        ? new CloudInstance(
                                i.id(), i.zone(), LifecycleState.TERMINATING, i.healthy(), false, i.launchTime())
                        : i)
                .toList();
        return copy(g, g.desired() - 1, instances, g.zoneRebalancing());
    }

    private static CloudGroup withProtection(CloudGroup g, Set<String> ids, boolean protect) {
        List<CloudInstance> instances = g.instances().stream()
                .map(i -> ids.contains(i.id())
                        ? new CloudInstance(i.id(), i.zone(), i.state(), i.healthy(), protect, i.launchTime())
                        : i)
                .toList();
        return copy(g, g.desired(), instances, g.zoneRebalancing());
    }

    private static CloudGroup copy(CloudGroup g, int desired, List<CloudInstance> instances, boolean zoneRebalancing) {
        return new CloudGroup(
                g.id(),
                desired,
                g.min(),
                g.max(),
                instances,
                g.problems(),
                g.launchFailing(),
                g.template(),
                zoneRebalancing,
                g.zones());
    }
}
