package io.joblane.scaler.e2e;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.joblane.model.WellKnown;
import io.joblane.scaler.cloud.aws.LocalAutoScaling;
import io.joblane.scaler.cloud.aws.LocalAutoScaling.InstanceView;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A small cluster for running the scaler jar end to end, all on loopback: the fabric8 mock API server in CRUD mode
 * (with the {@code spec.nodeName} field selector served), the local Auto Scaling endpoint, and, every 200 ms, a
 * scheduler and the kubelets of the test's own. EC2 and the kubelet: a Pending instance goes InService after
 * {@code boot} and registers its Node (providerID {@code aws:///zone/i-...}, the group's label and taint), Ready
 * {@code ready} later; a Terminating instance shuts down {@code shutdown} later, which kills every unfinished pod on
 * it (recorded as a {@link Kill}), deletes the Node and removes the instance. Bound pods run for their
 * {@value #RUN_MILLIS} annotation, then succeed. The referee (kills, nodes reopened while their instance terminates)
 * watches only the API objects and the cloud, never the scaler's code.
 */
public final class World implements AutoCloseable {

    public static final String GROUP = "batch";
    public static final String ASG = "eks-batch";
    public static final String JOBS_NAMESPACE = "jobs";
    public static final String LEASE_NAMESPACE = "joblane";
    /** How long a Job pod of this world runs once bound, in milliseconds. */
    public static final String RUN_MILLIS = "e2e.joblane.io/run-millis";
    /** Marks the pods that tolerate every taint ({@code tolerations: [{operator: Exists}]}). */
    static final String TOLERATE_ALL = "e2e.joblane.io/tolerate-all";
    /** The annotation with which the scaler marks its own cordon (see scaler/DESIGN.md). */
    static final String CORDONED_AT = "joblane.io/cordoned-at";

    /** How long EC2 and the kubelet take. */
    public record Timing(Duration boot, Duration ready, Duration shutdown) {
        public static final Timing FAST =
                new Timing(Duration.ofMillis(1500), Duration.ofMillis(500), Duration.ofSeconds(1));
    }

    /** A pod that was not finished when its node's instance shut down: the failure Joblane promises never to cause. */
    public record Kill(String pod, String node, String instance, boolean tolerateAll) {}

    /** A node made schedulable again while its instance was already terminating. */
    public record Reopen(String node, String instance) {}

    /** Counts at one instant, for progress lines and waits. */
    public record Summary(
            int desired,
            int instances,
            int nodes,
            int readyNodes,
            int cordoned,
            int pending,
            int running,
            int succeeded,
            int failed) {
        public boolean empty() {
            return instances == 0 && nodes == 0 && desired == 0;
        }

        @Override
        public String toString() {
            return "desired " + desired + ", instances " + instances + ", nodes " + nodes + " (" + readyNodes
                    + " Ready, " + cordoned + " cordoned); Job pods: " + pending + " waiting, " + running
                    + " running, " + succeeded + " succeeded, " + failed + " failed";
        }
    }

    /** Held so the setting sticks (JUL keeps loggers weakly): the mock server logs every request at INFO. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final NodeNameFieldSelectorDispatcher dispatcher = new NodeNameFieldSelectorDispatcher();
    private final KubernetesMockServer api;
    private final KubernetesClient client;
    private final LocalAutoScaling asg;
    private final Timing timing;
    private final Consumer<String> log;
    private final ScheduledExecutorService ticker;
    private final java.util.concurrent.ExecutorService sideThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "world-after-live-check");
        t.setDaemon(true);
        return t;
    });
    private final Object lock = new Object();
    private final Random random;

    // Guarded by lock.
    private final Map<String, Instant> pendingSince = new HashMap<>();
    private final Map<String, Instant> terminatingSince = new HashMap<>();
    private final Map<String, String> nodeOfInstance = new HashMap<>();
    private final Map<String, Instant> registeredAt = new HashMap<>();
    private final Map<String, String> lastNodeState = new HashMap<>();
    private final List<Kill> kills = new ArrayList<>();
    private final List<Reopen> reopens = new ArrayList<>();
    private final Set<String> reopenedNodes = ConcurrentHashMap.newKeySet();
    private final Map<String, String> preferredNode = new ConcurrentHashMap<>();
    private final Map<String, Instant> runningSince = new HashMap<>();
    private int nodeNumber;
    private int lastDesired;
    private int launched;
    private int shutDown;
    private int maxInstances;
    private Summary lastSummary;
    private volatile RuntimeException tickFailure;
    private volatile boolean closed;
    private volatile java.util.function.Supplier<String> watchdog = () -> null;

    private World(Timing timing, Consumer<String> log, long seed) throws IOException {
        this.timing = timing;
        this.log = log;
        this.random = new Random(seed);
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        client = api.createClient();
        asg = new LocalAutoScaling();
        asg.addGroup(ASG, 0, 20);
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "world");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the API server, the Auto Scaling endpoint and the world's clock (a tick every 200 ms). */
    public static World start(Timing timing, Consumer<String> log, long seed) throws IOException {
        World world = new World(timing, log, seed);
        world.ticker.scheduleWithFixedDelay(world::tickSafely, 200, 200, TimeUnit.MILLISECONDS);
        return world;
    }

    public KubernetesClient client() {
        return client;
    }

    public LocalAutoScaling autoScaling() {
        return asg;
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + api.getPort();
    }

    /**
     * {@code listener} gets the node name of each live check (a {@code spec.nodeName} pod list) right after the API
     * server computed its answer, on a thread of its own: what it does happens just after the check.
     */
    public void afterLiveCheck(Consumer<String> listener) {
        dispatcher.afterLookup(node -> sideThread.execute(() -> {
            try {
                listener.accept(node);
            } catch (RuntimeException e) {
                if (!closed && tickFailure == null) {
                    tickFailure = e;
                }
            }
        }));
    }

    /** Pod lists the API server answered for a {@code spec.nodeName} field selector (the scaler's live check). */
    public int liveNodeChecks() {
        return dispatcher.nodeNameLookups();
    }

    /** A kubeconfig for the scaler process: this API server over plain HTTP, namespace {@value #LEASE_NAMESPACE}. */
    public Path writeKubeconfig(Path file) throws IOException {
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: e2e
                    cluster: {server: "%s"}
                users:
                  - name: e2e
                    user: {token: e2e-token}
                contexts:
                  - name: e2e
                    context: {cluster: e2e, user: e2e, namespace: %s}
                current-context: e2e
                """.formatted(apiUrl(), LEASE_NAMESPACE));
        return file;
    }

    /**
     * The node-group file: one AWS group behind the local endpoint (the endpoint override), short delays so a run
     * takes seconds (settleDelay at the 10 s the scaler accepts at least). The node template matches what the
     * kubelet registers.
     */
    public Path writeConfig(Path file) throws IOException {
        Files.writeString(file, """
                nodeGroups:
                  - name: %s
                    default: true
                    taints: [{key: %s, value: %s, effect: NoSchedule}]
                    scaling:
                      provider: aws
                      autoScalingGroup: %s
                      minNodes: 0
                      maxNodes: 8
                      node: {cpu: "4", memory: 16Gi, pods: "110"}
                      scaleDownDelay: 2s
                      registrationTimeout: 1m
                      suspendAZRebalance: true
                scaler:
                  scanInterval: 1s
                  settleDelay: 10s
                  aws: {region: us-east-1, endpoint: "%s"}
                """.formatted(GROUP, WellKnown.DEDICATED_TAINT, GROUP, ASG, asg.endpoint()));
        return file;
    }

    // ---- Jobs ----

    /** {@code count} Job pods of random shape (0.5 to 2 cpu, 1 to 3 GiB, 1.5 to 4 s), named {@code prefix-NN}. */
    public List<String> submitJobs(String prefix, int count) {
        List<String> names = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            int cpu = 500 * (1 + random.nextInt(4));
            int gib = 1 + random.nextInt(3);
            long run = 1500 + random.nextInt(2501);
            names.add(submitJob(String.format("%s-%02d", prefix, n), cpu + "m", gib + "Gi", run, false));
        }
        log.accept("submitted " + count + " Jobs " + prefix + "-01.." + String.format("%s-%02d", prefix, count));
        return names;
    }

    /**
     * One Job's pod as the Job controller creates it and the Joblane webhook steers it: the group's nodeSelector,
     * label and toleration, the eviction annotations, and the required node affinity {@code joblane.io/draining
     * DoesNotExist} (see {@link WellKnown#DRAINING_LABEL}). A tolerate-all pod also has
     * {@code tolerations: [{operator: Exists}]}, which crosses every taint and the cordon.
     */
    public String submitJob(String job, String cpu, String memory, long runMillis, boolean tolerateAll) {
        return submitJob(job, cpu, memory, runMillis, tolerateAll, true);
    }

    /**
     * As {@link #submitJob(String, String, String, long, boolean)}; without {@code drainingAffinity} the pod lacks
     * the draining-label fence, as a pod admitted by an earlier webhook version that did not add it.
     */
    public String submitJob(
            String job, String cpu, String memory, long runMillis, boolean tolerateAll, boolean drainingAffinity) {
        String name = job + "-0";
        PodBuilder pod = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(JOBS_NAMESPACE)
                .addToLabels(WellKnown.NODE_GROUP_LABEL, GROUP)
                .addToLabels(WellKnown.JOB_NAME_LABEL, job)
                .addToLabels(WellKnown.JOB_CONTROLLER_UID_LABEL, "uid-" + job)
                .addToAnnotations(WellKnown.SAFE_TO_EVICT_ANNOTATION, "false")
                .addToAnnotations(WellKnown.KARPENTER_DO_NOT_DISRUPT_ANNOTATION, "true")
                .addToAnnotations(RUN_MILLIS, Long.toString(runMillis))
                .addNewOwnerReference()
                .withApiVersion("batch/v1")
                .withKind("Job")
                .withName(job)
                .withUid("uid-" + job)
                .withController(true)
                .withBlockOwnerDeletion(true)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withSchedulerName("default-scheduler")
                .addToNodeSelector(WellKnown.NODE_GROUP_LABEL, GROUP)
                .addNewToleration()
                .withKey(WellKnown.DEDICATED_TAINT)
                .withOperator("Equal")
                .withValue(GROUP)
                .withEffect("NoSchedule")
                .endToleration()
                .addNewContainer()
                .withName("main")
                .withImage("busybox:1.36")
                .withCommand("sleep", "3600")
                .withNewResources()
                .addToRequests("cpu", new Quantity(cpu))
                .addToRequests("memory", new Quantity(memory))
                .endResources()
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Pending")
                .endStatus();
        if (drainingAffinity) {
            pod.editSpec()
                    .withNewAffinity()
                    .withNewNodeAffinity()
                    .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .addNewNodeSelectorTerm()
                    .addNewMatchExpression()
                    .withKey(WellKnown.DRAINING_LABEL)
                    .withOperator("DoesNotExist")
                    .endMatchExpression()
                    .endNodeSelectorTerm()
                    .endRequiredDuringSchedulingIgnoredDuringExecution()
                    .endNodeAffinity()
                    .endAffinity()
                    .endSpec();
        }
        if (tolerateAll) {
            pod.editMetadata()
                    .addToAnnotations(TOLERATE_ALL, "true")
                    .endMetadata()
                    .editSpec()
                    .addNewToleration()
                    .withOperator("Exists")
                    .endToleration()
                    .endSpec();
        }
        client.pods().inNamespace(JOBS_NAMESPACE).resource(pod.build()).create();
        return name;
    }

    /**
     * Among the nodes the scheduler's filters allow, it picks this one for the pod: the test chooses the worst
     * interleaving the scoring could produce, the filters stay real.
     */
    public void preferNode(String pod, String node) {
        preferredNode.put(pod, node);
    }

    // ---- the referee ----

    public List<Kill> kills() {
        synchronized (lock) {
            return List.copyOf(kills);
        }
    }

    public List<Reopen> reopens() {
        synchronized (lock) {
            return List.copyOf(reopens);
        }
    }

    /** Instances launched and instances shut down so far, and the most instances at once. */
    public int launched() {
        synchronized (lock) {
            return launched;
        }
    }

    public int shutDown() {
        synchronized (lock) {
            return shutDown;
        }
    }

    public int maxInstances() {
        synchronized (lock) {
            return maxInstances;
        }
    }

    /** The node registered for an instance, null before it registers. */
    public String nodeOf(String instanceId) {
        synchronized (lock) {
            return nodeOfInstance.get(instanceId);
        }
    }

    /** Phase of each of the world's Job pods. */
    public Map<String, String> phases() {
        return client.pods().inNamespace(JOBS_NAMESPACE).list().getItems().stream()
                .collect(Collectors.toMap(
                        p -> p.getMetadata().getName(), World::phase, (a, b) -> a, LinkedHashMap::new));
    }

    public Summary summary() {
        List<InstanceView> instances = asg.instances(ASG);
        List<Node> nodes = client.nodes().list().getItems();
        List<Pod> pods = client.pods().inNamespace(JOBS_NAMESPACE).list().getItems();
        Map<String, Long> byPhase = pods.stream().collect(Collectors.groupingBy(World::phase, Collectors.counting()));
        return new Summary(
                asg.desired(ASG),
                instances.size(),
                nodes.size(),
                (int) nodes.stream().filter(Placement::ready).count(),
                (int) nodes.stream().filter(Placement::cordoned).count(),
                byPhase.getOrDefault("Pending", 0L).intValue(),
                byPhase.getOrDefault("Running", 0L).intValue(),
                byPhase.getOrDefault("Succeeded", 0L).intValue(),
                byPhase.getOrDefault("Failed", 0L).intValue());
    }

    /** A problem that ends every wait at once, e.g. "the scaler process exited"; null while all is well. */
    public void watchdog(java.util.function.Supplier<String> problem) {
        this.watchdog = problem;
    }

    /** Rethrows a failure of the world's own clock (a bug in the test), or the watchdog's problem. */
    public void checkHealthy() {
        RuntimeException failure = tickFailure;
        if (failure != null) {
            throw new IllegalStateException("the world's tick failed", failure);
        }
        String problem = watchdog.get();
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
    }

    // ---- the clock ----

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            if (closed) {
                return;
            }
            if (tickFailure == null) {
                tickFailure = e;
            }
            log.accept("world tick failed: " + e);
        }
    }

    /** One step of EC2, the kubelets and the scheduler. Also called by tests to schedule at once. */
    public void tick() {
        synchronized (lock) {
            Instant now = Instant.now();
            cloud(now);
            Map<String, Node> nodes = new LinkedHashMap<>();
            client.nodes()
                    .list()
                    .getItems()
                    .forEach(n -> nodes.put(n.getMetadata().getName(), n));
            watchNodes(nodes);
            List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
            kubelet(now, nodes, pods);
            schedule(nodes, client.pods().inAnyNamespace().list().getItems());
            Summary s = summary();
            if (!s.equals(lastSummary)) {
                lastSummary = s;
                log.accept(s.toString());
            }
        }
    }

    private void cloud(Instant now) {
        int desired = asg.desired(ASG);
        if (desired != lastDesired) {
            log.accept("Auto Scaling group " + ASG + ": desired " + lastDesired + " -> " + desired);
            lastDesired = desired;
        }
        List<InstanceView> instances = asg.instances(ASG);
        maxInstances = Math.max(maxInstances, instances.size());
        for (InstanceView i : instances) {
            switch (i.state()) {
                case "Pending" -> {
                    if (pendingSince.putIfAbsent(i.id(), now) == null) {
                        launched++;
                        log.accept("EC2: instance " + i.id() + " launching in " + i.zone());
                    } else if (!now.isBefore(pendingSince.get(i.id()).plus(timing.boot()))) {
                        asg.setState(i.id(), "InService");
                        register(i, now);
                    }
                }
                case "InService" -> {
                    String node = nodeOfInstance.get(i.id());
                    Instant at = registeredAt.get(i.id());
                    if (node != null && at != null && !now.isBefore(at.plus(timing.ready()))) {
                        registeredAt.remove(i.id());
                        client.nodes().withName(node).editStatus(n -> withReady(n, now));
                        log.accept("kubelet: node " + node + " Ready");
                    }
                }
                case "Terminating" -> {
                    Instant since = terminatingSince.get(i.id());
                    if (since == null) {
                        terminatingSince.put(i.id(), now);
                        log.accept("EC2: instance " + i.id() + " terminating (node " + nodeOfInstance.get(i.id())
                                + "), shuts down in " + timing.shutdown().toMillis() + " ms");
                    } else if (!now.isBefore(since.plus(timing.shutdown()))) {
                        shutDown(i, now);
                    }
                }
                case "Terminated" -> asg.remove(ASG, i.id());
                default -> {}
            }
        }
    }

    private void register(InstanceView i, Instant now) {
        nodeNumber++;
        String name = "ip-10-0-" + (nodeNumber / 250) + "-" + (nodeNumber % 250 + 1) + ".ec2.internal";
        Node node = new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels(WellKnown.NODE_GROUP_LABEL, GROUP)
                .addToLabels("kubernetes.io/os", "linux")
                .addToLabels("kubernetes.io/hostname", name)
                .addToLabels("topology.kubernetes.io/zone", i.zone())
                .addToLabels("node.kubernetes.io/instance-type", "m5.xlarge")
                .endMetadata()
                .withNewSpec()
                .withProviderID("aws:///" + i.zone() + "/" + i.id())
                .addNewTaint()
                .withKey(WellKnown.DEDICATED_TAINT)
                .withValue(GROUP)
                .withEffect("NoSchedule")
                .endTaint()
                .endSpec()
                .withNewStatus()
                .addToCapacity("cpu", new Quantity("4"))
                .addToCapacity("memory", new Quantity("16Gi"))
                .addToCapacity("pods", new Quantity("110"))
                .addToAllocatable("cpu", new Quantity("3920m"))
                .addToAllocatable("memory", new Quantity("15Gi"))
                .addToAllocatable("pods", new Quantity("110"))
                .addToConditions(new NodeConditionBuilder()
                        .withType("Ready")
                        .withStatus("False")
                        .withReason("KubeletNotReady")
                        .withMessage("container runtime starting")
                        .withLastTransitionTime(now.toString())
                        .build())
                .endStatus()
                .build();
        client.nodes().resource(node).create();
        nodeOfInstance.put(i.id(), name);
        registeredAt.put(i.id(), now);
        log.accept("EC2: instance " + i.id() + " InService; kubelet registered node " + name);
    }

    private static Node withReady(Node n, Instant now) {
        List<NodeCondition> conditions = new ArrayList<>(n.getStatus().getConditions());
        conditions.removeIf(c -> "Ready".equals(c.getType()));
        conditions.add(new NodeConditionBuilder()
                .withType("Ready")
                .withStatus("True")
                .withReason("KubeletReady")
                .withLastTransitionTime(now.toString())
                .build());
        n.getStatus().setConditions(conditions);
        return n;
    }

    /** The instance is gone: whatever still runs on its node dies with it. */
    private void shutDown(InstanceView i, Instant now) {
        String node = nodeOfInstance.get(i.id());
        if (node != null) {
            for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
                if (node.equals(pod.getSpec().getNodeName()) && !finished(pod)) {
                    boolean tolerateAll = pod.getMetadata().getAnnotations() != null
                            && pod.getMetadata().getAnnotations().containsKey(TOLERATE_ALL);
                    kills.add(new Kill(pod.getMetadata().getName(), node, i.id(), tolerateAll));
                    client.pods()
                            .inNamespace(pod.getMetadata().getNamespace())
                            .withName(pod.getMetadata().getName())
                            .editStatus(p -> new PodBuilder(p)
                                    .editStatus()
                                    .withPhase("Failed")
                                    .withReason("NodeShutdown")
                                    .withMessage("the instance " + i.id() + " was terminated while the pod ran")
                                    .endStatus()
                                    .build());
                    log.accept("KILLED: pod " + pod.getMetadata().getName() + " was " + phase(pod) + " on node " + node
                            + " when instance " + i.id() + " shut down");
                }
            }
            client.nodes().withName(node).delete();
        }
        asg.setState(i.id(), "Terminated");
        shutDown++;
        log.accept("EC2: instance " + i.id() + " terminated" + (node == null ? "" : "; node " + node + " deleted"));
    }

    /** Logs what the scaler did to nodes, and catches a node reopened while its instance terminates. */
    private void watchNodes(Map<String, Node> nodes) {
        Map<String, String> instanceOfNode = new HashMap<>();
        nodeOfInstance.forEach((instance, node) -> instanceOfNode.put(node, instance));
        for (Node n : nodes.values()) {
            String name = n.getMetadata().getName();
            String state = nodeState(n);
            String before = lastNodeState.put(name, state);
            if (before != null && !before.equals(state)) {
                log.accept("scaler: node " + name + " " + state);
            }
            String instance = instanceOfNode.get(name);
            if (instance != null
                    && terminatingSince.containsKey(instance)
                    && !Placement.cordoned(n)
                    && reopenedNodes.add(name)) {
                reopens.add(new Reopen(name, instance));
                log.accept(
                        "REOPENED: node " + name + " is schedulable again while instance " + instance + " terminates");
            }
        }
        lastNodeState.keySet().retainAll(nodes.keySet());
    }

    private static String nodeState(Node n) {
        List<String> parts = new ArrayList<>();
        List<Taint> taints =
                n.getSpec().getTaints() == null ? List.of() : n.getSpec().getTaints();
        taints.stream()
                .filter(t -> WellKnown.DRAINING_TAINT.equals(t.getKey()))
                .forEach(t -> parts.add("tainted " + t.getKey() + ":" + t.getEffect()));
        if (n.getMetadata().getLabels() != null && n.getMetadata().getLabels().containsKey(WellKnown.DRAINING_LABEL)) {
            parts.add("labelled " + WellKnown.DRAINING_LABEL);
        }
        if (Placement.cordoned(n)) {
            boolean ours = n.getMetadata().getAnnotations() != null
                    && n.getMetadata().getAnnotations().containsKey(CORDONED_AT);
            parts.add(ours ? "cordoned by the scaler" : "cordoned");
        }
        return parts.isEmpty() ? "open for Job pods" : String.join(", ", parts);
    }

    private void kubelet(Instant now, Map<String, Node> nodes, List<Pod> pods) {
        for (Pod pod : pods) {
            String node = pod.getSpec().getNodeName();
            if (node == null || node.isEmpty() || finished(pod) || !nodes.containsKey(node)) {
                continue;
            }
            String ns = pod.getMetadata().getNamespace();
            String name = pod.getMetadata().getName();
            if ("Pending".equals(phase(pod))) {
                runningSince.put(ns + "/" + name, now);
                client.pods()
                        .inNamespace(ns)
                        .withName(name)
                        .editStatus(p -> new PodBuilder(p)
                                .editStatus()
                                .withPhase("Running")
                                .withStartTime(now.toString())
                                .endStatus()
                                .build());
            } else if ("Running".equals(phase(pod))) {
                Instant started = runningSince.computeIfAbsent(ns + "/" + name, k -> now);
                if (!now.isBefore(started.plusMillis(runMillis(pod)))) {
                    client.pods()
                            .inNamespace(ns)
                            .withName(name)
                            .editStatus(p -> new PodBuilder(p)
                                    .editStatus()
                                    .withPhase("Succeeded")
                                    .endStatus()
                                    .build());
                }
            }
        }
    }

    /** Binds waiting pods, oldest first, to a feasible node; marks the others unschedulable as the scheduler does. */
    private void schedule(Map<String, Node> nodes, List<Pod> pods) {
        Map<String, Placement.Used> used = new HashMap<>();
        for (Pod pod : pods) {
            String node = pod.getSpec().getNodeName();
            if (node != null && !node.isEmpty() && !finished(pod)) {
                used.merge(node, Placement.Used.NONE.plus(pod), Placement.Used::plus);
            }
        }
        List<Pod> waiting = pods.stream()
                .filter(p -> (p.getSpec().getNodeName() == null
                                || p.getSpec().getNodeName().isEmpty())
                        && "Pending".equals(phase(p)))
                .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp())
                        .thenComparing(p -> p.getMetadata().getName()))
                .toList();
        for (Pod pod : waiting) {
            List<Node> feasible = nodes.values().stream()
                    .filter(n -> Placement.feasible(
                            pod, n, used.getOrDefault(n.getMetadata().getName(), Placement.Used.NONE)))
                    .toList();
            String preferred = preferredNode.get(pod.getMetadata().getName());
            Node chosen = feasible.stream()
                    .filter(n -> n.getMetadata().getName().equals(preferred))
                    .findFirst()
                    .orElse(feasible.stream()
                            .min(Comparator.comparingInt((Node n) -> Placement.intolerablePreferNoSchedule(pod, n))
                                    .thenComparing(n -> -Placement.freeCpuShareAfter(
                                            pod,
                                            n,
                                            used.getOrDefault(n.getMetadata().getName(), Placement.Used.NONE)))
                                    .thenComparing(n -> n.getMetadata().getName()))
                            .orElse(null));
            String ns = pod.getMetadata().getNamespace();
            String name = pod.getMetadata().getName();
            if (chosen != null) {
                String node = chosen.getMetadata().getName();
                client.pods()
                        .inNamespace(ns)
                        .withName(name)
                        .edit(p -> new PodBuilder(p)
                                .editSpec()
                                .withNodeName(node)
                                .endSpec()
                                .build());
                client.pods().inNamespace(ns).withName(name).editStatus(p -> withScheduled(p, "True", null));
                used.merge(node, Placement.Used.NONE.plus(pod), Placement.Used::plus);
                if (preferred != null) {
                    log.accept("scheduler: bound " + name + " to " + node);
                }
            } else if (!unschedulable(pod)) {
                client.pods()
                        .inNamespace(ns)
                        .withName(name)
                        .editStatus(p -> withScheduled(p, "False", "Unschedulable"));
            }
        }
    }

    private static Pod withScheduled(Pod p, String status, String reason) {
        List<PodCondition> conditions = new ArrayList<>(
                p.getStatus().getConditions() == null
                        ? List.of()
                        : p.getStatus().getConditions());
        conditions.removeIf(c -> "PodScheduled".equals(c.getType()));
        conditions.add(new PodConditionBuilder()
                .withType("PodScheduled")
                .withStatus(status)
                .withReason(reason)
                .withMessage(reason == null ? null : "0/N nodes are available")
                .withLastTransitionTime(Instant.now().toString())
                .build());
        p.getStatus().setConditions(conditions);
        return p;
    }

    private static boolean unschedulable(Pod p) {
        return p.getStatus().getConditions() != null
                && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "PodScheduled".equals(c.getType())
                                && "False".equals(c.getStatus())
                                && "Unschedulable".equals(c.getReason()));
    }

    static String phase(Pod p) {
        return p.getStatus() == null || p.getStatus().getPhase() == null
                ? "Pending"
                : p.getStatus().getPhase();
    }

    private static boolean finished(Pod p) {
        return "Succeeded".equals(phase(p)) || "Failed".equals(phase(p));
    }

    private static long runMillis(Pod p) {
        Map<String, String> annotations = p.getMetadata().getAnnotations();
        return annotations == null || !annotations.containsKey(RUN_MILLIS)
                ? 0
                : Long.parseLong(annotations.get(RUN_MILLIS));
    }

    @Override
    public void close() {
        closed = true;
        sideThread.shutdownNow();
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
        api.destroy();
        asg.close();
    }
}
