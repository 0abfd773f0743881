package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.joblane.model.WellKnown;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.NodeGroup;
import io.joblane.scaler.loop.ClusterAccess;
import io.joblane.scaler.loop.ClusterException;
import io.joblane.scaler.loop.EventReason;
import io.joblane.scaler.loop.EventTarget;
import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.DaemonSetInfo;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.NodeAnnotations;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.scaler.plan.PodPhase;
import io.joblane.scaler.plan.ProviderIds;
import io.joblane.scaler.plan.Resources;
import io.joblane.scaler.plan.Toleration;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop's view of Kubernetes, with fabric8: snapshots from the {@link ClusterCache} informers, node writes through
 * {@link NodeWriter}, the live bound-pod check through {@link BoundPods}, Events through {@link EventRecorder}.
 * DaemonSet placement is decided here with the full rules ({@link DaemonSetPlacement}: node affinity, the labels of a
 * real node of the group) and handed to the planner once per group it lands on, selecting that group only.
 * Called from the loop thread.
 */
public final class KubeClusterAccess implements ClusterAccess {
    private static final Logger LOG = LoggerFactory.getLogger(KubeClusterAccess.class);
    /** Assumed for a group without nodes yet: nearly every DaemonSet selects Linux nodes. */
    static final Map<String, String> ASSUMED_NODE_LABELS = Map.of("kubernetes.io/os", "linux");
    private static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
    private static final List<Toleration> TOLERATE_ALL = List.of(new Toleration(null, "Exists", null, null));

    private final KubernetesClient client;
    private final ClusterCache cache;
    private final NodeWriter nodes;
    private final BoundPods boundPods;
    private final EventRecorder events;
    private final Supplier<JoblaneConfig> config;
    private final Clock clock;
    /** Last scan's pod translations by namespace/name; replaced each scan, so deleted pods drop out. */
    private Map<String, Translated> lastPods = Map.of();
    /** Node uids of the last snapshot, by name: a node re-created under the same name is another node. */
    private Map<String, String> snapshotUids = Map.of();
    /** Blocking pods the informers do not see, by node, found by a live check; see {@link #addForeignPods}. */
    private final Map<String, List<PodInfo>> foreign = new HashMap<>();

    private record Translated(String version, PodInfo info) {
    }

    public KubeClusterAccess(KubernetesClient client, ClusterCache cache, BoundPods boundPods, EventRecorder events,
            Supplier<JoblaneConfig> config, Clock clock) {
        this.client = client;
        this.cache = cache;
        this.nodes = new NodeWriter(client);
        this.boundPods = boundPods;
        this.events = events;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public ClusterSnapshot snapshot() throws ClusterException {
        if (!cache.synced()) {
            throw new ClusterException("informers not synced: " + String.join("; ", cache.problems()));
        }
        List<Node> cachedNodes = cache.nodes();
        List<NodeInfo> nodeInfos = new ArrayList<>(cachedNodes.size());
        Map<String, Node> sampleNodeByGroup = new HashMap<>();
        Map<String, String> uids = new HashMap<>();
        for (Node n : cachedNodes) {
            uids.put(n.getMetadata().getName(), n.getMetadata().getUid() == null ? "" : n.getMetadata().getUid());
            NodeInfo info = nodeInfo(n);
            nodeInfos.add(info);
            if (info.group() != null) {
                sampleNodeByGroup.putIfAbsent(info.group(), n);
            }
        }
        List<Pod> cachedPods = cache.pods();
        List<PodInfo> podInfos = new ArrayList<>(cachedPods.size());
        Map<String, Translated> translated = new HashMap<>(cachedPods.size() * 2);
        for (Pod p : cachedPods) {
            // Most pods do not change between scans: reuse the translation of the same resourceVersion.
            String key = p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
            String version = p.getMetadata().getResourceVersion();
            Translated before = lastPods.get(key);
            PodInfo info = before != null && version != null && version.equals(before.version())
                    ? before.info() : podInfo(p);
            translated.put(key, new Translated(version, info));
            podInfos.add(info);
        }
        for (Pod p : cache.unscheduledGroupPods()) {
            String key = p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
            if (!translated.containsKey(key)) {
                PodInfo info = podInfo(p);
                translated.put(key, new Translated(p.getMetadata().getResourceVersion(), info));
                podInfos.add(info);
            }
        }
        lastPods = translated;
        snapshotUids = uids;
        addForeignPods(podInfos, translated, nodeInfos);
        List<DaemonSetInfo> daemonSets = daemonSets(cache.daemonSets(), config.get(), sampleNodeByGroup);
        return new ClusterSnapshot(clock.instant(), nodeInfos, podInfos, daemonSets);
    }

    /**
     * Pods outside the informers (no group label, e.g. a debug pod tolerating every taint) that a live check found on
     * a group node keep that node busy in later snapshots, re-read live each scan until they are gone, so the loop
     * does not cordon and uncordon such a node over and over.
     */
    private void addForeignPods(List<PodInfo> pods, Map<String, Translated> cached, List<NodeInfo> nodes) {
        if (foreign.isEmpty()) {
            return;
        }
        Set<String> present = new HashSet<>();
        nodes.forEach(n -> present.add(n.name()));
        foreign.keySet().retainAll(present);
        for (String node : List.copyOf(foreign.keySet())) {
            try {
                List<PodInfo> still = foreignBlocking(boundPods.boundTo(node).stream().map(KubeClusterAccess::podInfo)
                        .toList(), cached);
                if (still.isEmpty()) {
                    foreign.remove(node);
                } else {
                    foreign.put(node, still);
                    pods.addAll(still);
                }
            } catch (KubernetesClientException e) {
                pods.addAll(foreign.get(node)); // keep the node busy while we cannot look
            }
        }
    }

    private static List<PodInfo> foreignBlocking(List<PodInfo> live, Map<String, Translated> cached) {
        return live.stream().filter(p -> p.blocksScaleIn() && !cached.containsKey(p.key())).toList();
    }

    @Override
    public void setDrainingTaint(String node, DrainState state) throws ClusterException {
        call("set draining taint on " + node, () -> {
            if (state == DrainState.NONE) {
                nodes.removeDrainingTaint(node);
            } else {
                nodes.setDrainingTaint(node, state.effect());
            }
        });
    }

    @Override
    public boolean cordon(String node, Instant at) throws ClusterException {
        boolean[] ours = {false};
        call("cordon " + node, () -> ours[0] = nodes.cordon(node, at));
        return ours[0];
    }

    @Override
    public void uncordon(String node) throws ClusterException {
        call("uncordon " + node, () -> nodes.uncordon(node));
    }

    @Override
    public void annotateNode(String node, Map<String, String> annotations) throws ClusterException {
        call("annotate " + node, () -> nodes.setAnnotations(node, annotations));
    }

    @Override
    public List<PodInfo> podsBoundTo(String node) throws ClusterException {
        try {
            List<PodInfo> live = boundPods.boundTo(node).stream().map(KubeClusterAccess::podInfo).toList();
            List<PodInfo> unseen = foreignBlocking(live, lastPods);
            if (!unseen.isEmpty()) {
                foreign.put(node, unseen);
            }
            return live;
        } catch (KubernetesClientException e) {
            throw new ClusterException("listing pods bound to " + node + " failed: " + e.getMessage(), e);
        }
    }

    /** True when a live node (any label) names this instance in its providerID. */
    public boolean instanceHasNode(String instanceId) throws ClusterException {
        try {
            return liveNodes().stream().anyMatch(n -> instanceId.equals(instanceIdOf(n)));
        } catch (KubernetesClientException e) {
            throw new ClusterException("listing nodes failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> whyInstanceMayHaveNode(String instanceId) throws ClusterException {
        try {
            // Live and unfiltered by label: a node that lost its group label still runs on that instance.
            Set<String> names = new HashSet<>();
            for (Node n : liveNodes()) {
                String name = n.getMetadata().getName();
                names.add(name);
                String id = instanceIdOf(n);
                if (instanceId.equals(id)) {
                    return Optional.of("node " + name + " runs on it");
                }
                if (id == null) {
                    String providerId = n.getSpec() == null ? null : n.getSpec().getProviderID();
                    return Optional.of("node " + name + " has no usable spec.providerID ("
                            + (providerId == null || providerId.isEmpty() ? "empty" : "'" + providerId + "'")
                            + ") and could be this instance");
                }
            }
            // Pages, so the whole pod list is never decoded at once.
            String next = null;
            do {
                PodList page = client.pods().inAnyNamespace()
                        .list(new ListOptionsBuilder().withLimit(500L).withContinue(next).build());
                for (Pod p : page.getItems()) {
                    String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
                    if (node != null && !node.isEmpty() && !names.contains(node) && BoundPods.holdsNode(p)) {
                        return Optional.of("pod " + p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()
                                + " is bound to node " + node + ", which has no Node object");
                    }
                }
                next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
            } while (next != null && !next.isEmpty());
            return Optional.empty();
        } catch (KubernetesClientException e) {
            throw new ClusterException("live check for instance " + instanceId + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> whyNodeNotTerminable(String node, String instanceId) throws ClusterException {
        Node live;
        try {
            live = client.nodes().withName(node).get();
        } catch (KubernetesClientException e) {
            throw new ClusterException("reading node " + node + " failed: " + e.getMessage(), e);
        }
        if (live == null) {
            return Optional.of("the node is gone");
        }
        if (live.getSpec() == null || !Boolean.TRUE.equals(live.getSpec().getUnschedulable())) {
            return Optional.of("the node is no longer cordoned");
        }
        Map<String, String> ann = live.getMetadata().getAnnotations();
        if (ann == null || !ann.containsKey(NodeAnnotations.CORDONED_AT)) {
            return Optional.of("the node's cordon is no longer Joblane's");
        }
        if ("true".equals(ann.get(WellKnown.SCALE_DOWN_DISABLED_ANNOTATION))) {
            return Optional.of("scale-down was disabled on it (" + WellKnown.SCALE_DOWN_DISABLED_ANNOTATION + ")");
        }
        if (!instanceId.equals(instanceIdOf(live))) {
            return Optional.of("the node's providerID no longer names instance " + instanceId);
        }
        String uid = live.getMetadata().getUid() == null ? "" : live.getMetadata().getUid();
        if (!uid.equals(snapshotUids.get(node))) {
            return Optional.of("the node was re-created since the snapshot (uid " + uid + ")");
        }
        return Optional.empty();
    }

    @Override
    public Optional<Instant> markTerminationRequested(String node, Instant at) throws ClusterException {
        Instant[] earlier = {null};
        call("mark termination of " + node, () -> earlier[0] = nodes.markTerminationRequested(node, at));
        return Optional.ofNullable(earlier[0]);
    }

    private List<Node> liveNodes() {
        return client.nodes().list().getItems();
    }

    private static String instanceIdOf(Node n) {
        return n.getSpec() == null ? null : ProviderIds.instanceId(n.getSpec().getProviderID());
    }

    @Override
    public void recordEvent(EventTarget target, EventReason reason, String message) {
        try {
            events.record(new ObjectRef(target.kind(), target.namespace(), target.name(), target.uid()),
                    reason.type(), reason.reason(), message);
        } catch (RuntimeException e) {
            // Best effort by contract: EventRecorder logs API failures itself; this catches anything else.
            LOG.warn("event {} not recorded: {}", reason, e.toString());
        }
    }

    static NodeInfo nodeInfo(Node n) {
        Map<String, String> labels = n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
        Map<String, String> ann = n.getMetadata().getAnnotations() == null ? Map.of() : n.getMetadata().getAnnotations();
        boolean cordoned = n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable());
        DrainState draining = DrainState.NONE;
        if (n.getSpec() != null && n.getSpec().getTaints() != null) {
            for (Taint t : n.getSpec().getTaints()) {
                if (WellKnown.DRAINING_TAINT.equals(t.getKey())) {
                    DrainState s = DrainState.ofEffect(t.getEffect());
                    if (s.ordinal() > draining.ordinal()) {
                        draining = s;
                    }
                }
            }
        }
        Map<String, Long> allocatable = n.getStatus() == null ? Map.of()
                : PodRequests.toMillis(n.getStatus().getAllocatable());
        boolean ready = n.getStatus() != null && n.getStatus().getConditions() != null
                && n.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        return new NodeInfo(n.getMetadata().getName(), labels.get(WellKnown.NODE_GROUP_LABEL),
                n.getSpec() == null ? null : ProviderIds.instanceId(n.getSpec().getProviderID()),
                Resources.ofMillis(allocatable), ready, instant(n.getMetadata().getCreationTimestamp()), cordoned,
                cordoned && ann.containsKey(NodeAnnotations.CORDONED_AT), draining,
                "true".equals(ann.get(WellKnown.SCALE_DOWN_DISABLED_ANNOTATION)),
                NodeAnnotations.parse(ann.get(NodeAnnotations.UNNEEDED_SINCE)),
                NodeAnnotations.parse(ann.get(NodeAnnotations.CORDONED_AT)),
                NodeAnnotations.parse(ann.get(NodeAnnotations.DRAINING_SINCE)),
                NodeAnnotations.parse(ann.get(NodeAnnotations.TERMINATION_REQUESTED_AT)), ready ? null : notReadySince(n));
    }

    /** When the Ready condition last changed, if it is not True; null when there is no such condition. */
    private static Instant notReadySince(Node n) {
        if (n.getStatus() == null || n.getStatus().getConditions() == null) {
            return null;
        }
        return n.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                .map(c -> instant(c.getLastTransitionTime())).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    static PodInfo podInfo(Pod p) {
        Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
        List<OwnerReference> owners = p.getMetadata().getOwnerReferences() == null ? List.of()
                : p.getMetadata().getOwnerReferences();
        boolean jobPod = owners.stream().anyMatch(o -> "Job".equals(o.getKind()))
                || labels.containsKey(WellKnown.JOB_NAME_LABEL) || labels.containsKey(WellKnown.LEGACY_JOB_NAME_LABEL);
        // Only the DaemonSet controller's own pods are per-node overhead; a Job pod is never exempt.
        boolean daemonSetPod = !jobPod && owners.stream().anyMatch(o -> Boolean.TRUE.equals(o.getController())
                && "DaemonSet".equals(o.getKind()) && "apps/v1".equals(o.getApiVersion()));
        Map<String, String> ann = p.getMetadata().getAnnotations();
        // A kubelet's mirror pod carries the annotation and is owned by its Node; the annotation alone can be forged.
        boolean mirror = !jobPod && ann != null && ann.containsKey(MIRROR_ANNOTATION)
                && owners.stream().anyMatch(o -> "Node".equals(o.getKind()) && "v1".equals(o.getApiVersion()));
        String nodeName = p.getSpec() == null ? null : p.getSpec().getNodeName();
        if (nodeName != null && nodeName.isEmpty()) {
            nodeName = null;
        }
        String group = labels.get(WellKnown.NODE_GROUP_LABEL);
        if (group == null && p.getSpec() != null && p.getSpec().getNodeSelector() != null) {
            group = p.getSpec().getNodeSelector().get(WellKnown.NODE_GROUP_LABEL);
        }
        Map<String, Long> requests = p.getSpec() == null ? new HashMap<>() : new HashMap<>(PodRequests.of(p.getSpec()));
        requests.remove(WellKnown.RESOURCE_PODS);
        return new PodInfo(p.getMetadata().getUid(), p.getMetadata().getNamespace(), p.getMetadata().getName(), group,
                Resources.ofMillis(requests), phase(p, nodeName), jobPod, daemonSetPod, mirror, nodeName,
                instant(p.getMetadata().getCreationTimestamp()),
                p.getStatus() == null ? null : instant(p.getStatus().getStartTime()));
    }

    static PodPhase phase(Pod p, String nodeName) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return PodPhase.FINISHED;
        }
        if (nodeName == null) {
            if (p.getMetadata().getDeletionTimestamp() != null) {
                return PodPhase.FINISHED; // deleted before it was ever bound: holds nothing
            }
            boolean unschedulable = p.getStatus() != null && p.getStatus().getConditions() != null
                    && p.getStatus().getConditions().stream().anyMatch(KubeClusterAccess::unschedulable);
            return unschedulable ? PodPhase.PENDING_UNSCHEDULABLE : PodPhase.PENDING_SCHEDULING;
        }
        if (p.getMetadata().getDeletionTimestamp() != null) {
            return PodPhase.TERMINATING;
        }
        return "Running".equals(phase) ? PodPhase.RUNNING : PodPhase.PENDING_BOUND;
    }

    private static boolean unschedulable(PodCondition c) {
        return "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason());
    }

    /**
     * One entry per (DaemonSet, group) it lands on, selecting only that group's label and tolerating everything,
     * because placement was already decided here with affinity and real node labels the planner does not see.
     */
    static List<DaemonSetInfo> daemonSets(List<DaemonSet> all, JoblaneConfig config, Map<String, Node> sampleNodes) {
        List<DaemonSetInfo> out = new ArrayList<>();
        for (NodeGroup group : config.scaledGroups()) {
            Map<String, String> labels = new LinkedHashMap<>(ASSUMED_NODE_LABELS);
            labels.putAll(group.nodeSelector(WellKnown.NODE_GROUP_LABEL));
            Node sample = sampleNodes.get(group.name());
            if (sample != null && sample.getMetadata().getLabels() != null) {
                labels.putAll(sample.getMetadata().getLabels());
            }
            List<Taint> taints = group.taints().stream()
                    .map(t -> new Taint(t.effect(), t.key(), null, t.value())).toList();
            for (DaemonSet ds : all) {
                if (ds.getSpec() == null || ds.getSpec().getTemplate() == null
                        || ds.getSpec().getTemplate().getSpec() == null) {
                    continue;
                }
                var spec = ds.getSpec().getTemplate().getSpec();
                if (DaemonSetPlacement.landsOn(spec, labels, taints)) {
                    Map<String, Long> requests = new HashMap<>(PodRequests.of(spec));
                    requests.remove(WellKnown.RESOURCE_PODS);
                    out.add(new DaemonSetInfo(ds.getMetadata().getNamespace(), ds.getMetadata().getName(),
                            Resources.ofMillis(requests), Map.of(WellKnown.NODE_GROUP_LABEL, group.name()),
                            TOLERATE_ALL));
                }
            }
        }
        return out;
    }

    private static Instant instant(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private interface KubeCall {
        void run();
    }

    private static void call(String what, KubeCall call) throws ClusterException {
        try {
            call.run();
        } catch (KubernetesClientException e) {
            throw new ClusterException(what + " failed: " + e.getMessage(), e);
        }
    }
}
