package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.joblane.model.WellKnown;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.NodeGroup;
import io.joblane.model.config.SpotSettings;
import io.joblane.scaler.plan.CapacityType;
import io.joblane.scaler.plan.DaemonSetInfo;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.NodeAnnotations;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PodConstraints;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.scaler.plan.PodPhase;
import io.joblane.scaler.plan.ProviderIds;
import io.joblane.scaler.plan.Resources;
import io.joblane.scaler.plan.SpotNotice;
import io.joblane.scaler.plan.Toleration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns the fabric8 API objects the informers hold into the planner's model ({@link NodeInfo}, {@link PodInfo},
 * {@link DaemonSetInfo}). Pure: no client and no I/O, so it is tested with built objects; {@link KubeClusterAccess}
 * does the reads. An instance keeps the pod and node translations of the last scan (to reuse unchanged ones,
 * {@link KeptTranslations}) and its nodes (for their uids); used from the loop thread only.
 */
final class ModelTranslator {
    /** Assumed for a group without nodes yet: nearly every DaemonSet selects Linux nodes. */
    private static final Map<String, String> ASSUMED_NODE_LABELS = Map.of(WellKnown.OS_LABEL, "linux");

    private static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
    private static final List<Toleration> TOLERATE_ALL = List.of(new Toleration(null, "Exists", null, null));

    /** The last scan's nodes, for their uids (a node re-created under the same name is another node). */
    private List<Node> lastNodes = List.of();

    /** This scan's node affinity of bound volumes, by "namespace/claim". */
    private Map<String, PodConstraints.NodeTerms> volumeTerms = Map.of();
    /** The groups' own taint keys, from the last config: tolerations of them decide nothing. */
    private Set<String> ownTaintKeys = Set.of();

    /**
     * Pod translations by namespace/name, updated each scan; deleted pods drop out. A pod with claims is read again: its
     * claim may have been bound since, without the pod changing.
     */
    private final KeptTranslations<Pod, PodInfo> podTranslations = new KeptTranslations<>(
            KeptTranslations::name,
            p -> p.getSpec() == null || !PodConstraintsReader.hasClaims(p.getSpec()),
            p -> podInfo(p, volumeTerms, ownTaintKeys));

    /** The Spot settings the node translations read (which taints are notices): a change makes them all stale. */
    private SpotSettings spot;

    /**
     * Node translations by name, kept while a node's resourceVersion is unchanged (kubelet heartbeats go to Leases, so
     * most nodes do not change between scans): the same {@link NodeInfo} scan after scan.
     */
    private final KeptTranslations<Node, NodeInfo> nodeTranslations =
            new KeptTranslations<>(n -> n.getMetadata().getName(), n -> true, n -> nodeInfo(n, spot));

    /** One scan of the informers' lists in the planner's model. */
    record Scan(List<NodeInfo> nodes, List<PodInfo> pods, List<DaemonSetInfo> daemonSets) {}

    /**
     * Translates one scan: every node, every cached pod (reusing the last translation of the same resourceVersion),
     * the unscheduled group pods not already among them, and the DaemonSets per scaled group they land on.
     */
    Scan translate(
            List<Node> nodes,
            List<Pod> pods,
            List<Pod> unscheduledGroupPods,
            List<DaemonSet> daemonSets,
            JoblaneConfig config) {
        return translate(nodes, pods, unscheduledGroupPods, daemonSets, List.of(), List.of(), config);
    }

    /** As above, with the claims and volumes whose node affinity pins pods to a zone. */
    Scan translate(
            List<Node> nodes,
            List<Pod> pods,
            List<Pod> unscheduledGroupPods,
            List<DaemonSet> daemonSets,
            List<PersistentVolumeClaim> claims,
            List<PersistentVolume> volumes,
            JoblaneConfig config) {
        volumeTerms = PodConstraintsReader.volumeTerms(claims, volumes);
        ownTaintKeys = ownTaintKeys(config);
        if (!config.scaler().spot().equals(spot)) {
            spot = config.scaler().spot();
            nodeTranslations.clear();
        }
        List<NodeInfo> nodeInfos = new ArrayList<>(nodes.size());
        Map<String, Node> sampleNodeByGroup = new HashMap<>();
        nodeTranslations.begin();
        for (Node n : nodes) {
            NodeInfo info = nodeTranslations.translate(n);
            nodeInfos.add(info);
            if (info.group() != null) {
                sampleNodeByGroup.putIfAbsent(info.group(), n);
            }
        }
        nodeTranslations.end();
        List<PodInfo> podInfos = new ArrayList<>(pods.size() + unscheduledGroupPods.size());
        podTranslations.begin();
        for (Pod p : pods) {
            podInfos.add(podTranslations.translate(p));
        }
        for (Pod p : unscheduledGroupPods) {
            if (!podTranslations.foundThisScan(KeptTranslations.name(p))) {
                podInfos.add(podTranslations.translate(p));
            }
        }
        podTranslations.end();
        lastNodes = nodes;
        return new Scan(nodeInfos, podInfos, daemonSets(daemonSets, config, sampleNodeByGroup));
    }

    /** True when the last scan translated the pod of this {@link PodInfo#key()}, i.e. the informers see it. */
    boolean translatedLastScan(String podKey) {
        return podTranslations.holds(podKey);
    }

    /** How many pod translations are kept (those of the pods the last scan found), for tests. */
    int podsHeld() {
        return podTranslations.held();
    }

    /** The node's uid in the last scan ("" when it had none), null when the last scan had no node of that name. */
    String lastScanUid(String node) {
        // Looked up at a termination only, so no map per scan; the last of a name, as a map filled in order would.
        for (int i = lastNodes.size() - 1; i >= 0; i--) {
            ObjectMeta meta = lastNodes.get(i).getMetadata();
            if (Objects.equals(node, meta.getName())) {
                return Objects.requireNonNullElse(meta.getUid(), "");
            }
        }
        return null;
    }

    static NodeInfo nodeInfo(Node n) {
        return nodeInfo(n, SpotSettings.DEFAULTS);
    }

    /** {@code spot} names the taints that are Spot notices. */
    static NodeInfo nodeInfo(Node n, SpotSettings spot) {
        ObjectMeta meta = n.getMetadata();
        Map<String, String> labels = orEmpty(meta.getLabels());
        Map<String, String> ann = orEmpty(meta.getAnnotations());
        boolean cordoned =
                n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable());
        boolean ready = ready(n);
        return new NodeInfo(
                meta.getName(),
                labels.get(WellKnown.NODE_GROUP_LABEL),
                instanceIdOf(n),
                allocatable(n),
                ready,
                instant(meta.getCreationTimestamp()),
                cordoned,
                cordoned && ann.containsKey(NodeAnnotations.CORDONED_AT),
                drainState(n),
                "true".equals(ann.get(WellKnown.SCALE_DOWN_DISABLED_ANNOTATION)),
                NodeAnnotations.parse(ann.get(NodeAnnotations.UNNEEDED_SINCE)),
                NodeAnnotations.parse(ann.get(NodeAnnotations.CORDONED_AT)),
                NodeAnnotations.parse(ann.get(NodeAnnotations.DRAINING_SINCE)),
                NodeAnnotations.parse(ann.get(NodeAnnotations.TERMINATION_REQUESTED_AT)),
                ready ? null : notReadySince(n),
                spotNotice(n, spot),
                CapacityType.ofLabels(labels),
                labels,
                taints(n));
    }

    /** The node's taints, every effect; the planner decides which keep a pod off ({@code plan.NodeTaints}). */
    static List<io.joblane.model.config.Taint> taints(Node n) {
        if (n.getSpec() == null
                || n.getSpec().getTaints() == null
                || n.getSpec().getTaints().isEmpty()) {
            return List.of();
        }
        List<io.joblane.model.config.Taint> out =
                new ArrayList<>(n.getSpec().getTaints().size());
        for (Taint t : n.getSpec().getTaints()) {
            out.add(new io.joblane.model.config.Taint(t.getKey(), t.getValue(), t.getEffect()));
        }
        return out;
    }

    /** The strongest Spot notice among the node's taints, by key whatever the effect (NTH uses NoSchedule). */
    static SpotNotice spotNotice(Node n, SpotSettings spot) {
        if (n.getSpec() == null || n.getSpec().getTaints() == null) {
            return SpotNotice.NONE;
        }
        SpotNotice notice = SpotNotice.NONE;
        for (Taint t : n.getSpec().getTaints()) {
            if (spot.interruptionTaints().contains(t.getKey())) {
                return SpotNotice.INTERRUPTION;
            }
            if (spot.rebalanceTaints().contains(t.getKey())) {
                notice = SpotNotice.REBALANCE;
            }
        }
        return notice;
    }

    /** The instance named by the node's spec.providerID; null when it names none. */
    static String instanceIdOf(Node n) {
        return n.getSpec() == null ? null : ProviderIds.instanceId(n.getSpec().getProviderID());
    }

    /** The strongest effect among the node's draining taints (there should be at most one). */
    private static DrainState drainState(Node n) {
        DrainState draining = DrainState.NONE;
        if (n.getSpec() == null || n.getSpec().getTaints() == null) {
            return draining;
        }
        for (Taint t : n.getSpec().getTaints()) {
            if (WellKnown.DRAINING_TAINT.equals(t.getKey())) {
                DrainState s = DrainState.ofEffect(t.getEffect());
                if (s.ordinal() > draining.ordinal()) {
                    draining = s;
                }
            }
        }
        return draining;
    }

    private static Resources allocatable(Node n) {
        return Resources.ofMillis(
                n.getStatus() == null
                        ? Map.of()
                        : PodRequests.toMillis(n.getStatus().getAllocatable()));
    }

    private static boolean ready(Node n) {
        return n.getStatus() != null
                && n.getStatus().getConditions() != null
                && n.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** When the Ready condition last changed, if it is not True; null when there is no such condition. */
    private static Instant notReadySince(Node n) {
        if (n.getStatus() == null || n.getStatus().getConditions() == null) {
            return null;
        }
        return n.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .map(c -> instant(c.getLastTransitionTime()))
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    static PodInfo podInfo(Pod p) {
        return podInfo(p, Map.of());
    }

    static PodInfo podInfo(Pod p, Map<String, PodConstraints.NodeTerms> volumeTerms) {
        return podInfo(p, volumeTerms, Set.of());
    }

    /** The taint keys of every group's own taints: the webhook tolerates them, so they decide nothing. */
    static Set<String> ownTaintKeys(JoblaneConfig config) {
        Set<String> keys = new HashSet<>();
        config.nodeGroups().forEach(g -> g.taints().forEach(t -> keys.add(t.key())));
        return keys;
    }

    static PodInfo podInfo(Pod p, Map<String, PodConstraints.NodeTerms> volumeTerms, Set<String> ownTaintKeys) {
        ObjectMeta meta = p.getMetadata();
        Map<String, String> labels = orEmpty(meta.getLabels());
        List<OwnerReference> owners = meta.getOwnerReferences() == null ? List.of() : meta.getOwnerReferences();
        boolean jobPod = isJobPod(owners, labels);
        // Only the DaemonSet controller's own pods and kubelets' mirror pods are per-node overhead; a Job pod never.
        boolean daemonSetPod = !jobPod && isDaemonSetPod(owners);
        boolean mirror = !jobPod && isMirrorPod(meta, owners);
        String nodeName = nodeName(p);
        String group = group(p, labels);
        return new PodInfo(
                meta.getUid(),
                meta.getNamespace(),
                meta.getName(),
                group,
                requests(p.getSpec()),
                phase(p, nodeName),
                jobPod,
                daemonSetPod,
                mirror,
                nodeName,
                instant(meta.getCreationTimestamp()),
                p.getStatus() == null ? null : instant(p.getStatus().getStartTime()),
                null,
                labels,
                PodConstraintsReader.read(p.getSpec(), meta.getNamespace(), group, volumeTerms::get, ownTaintKeys));
    }

    private static boolean isJobPod(List<OwnerReference> owners, Map<String, String> labels) {
        return owners.stream().anyMatch(o -> "Job".equals(o.getKind()))
                || labels.containsKey(WellKnown.JOB_NAME_LABEL)
                || labels.containsKey(WellKnown.LEGACY_JOB_NAME_LABEL);
    }

    private static boolean isDaemonSetPod(List<OwnerReference> owners) {
        return owners.stream()
                .anyMatch(o -> Boolean.TRUE.equals(o.getController())
                        && "DaemonSet".equals(o.getKind())
                        && "apps/v1".equals(o.getApiVersion()));
    }

    /** A kubelet's mirror pod carries the annotation and is owned by its Node; the annotation alone can be forged. */
    private static boolean isMirrorPod(ObjectMeta meta, List<OwnerReference> owners) {
        return meta.getAnnotations() != null
                && meta.getAnnotations().containsKey(MIRROR_ANNOTATION)
                && owners.stream().anyMatch(o -> "Node".equals(o.getKind()) && "v1".equals(o.getApiVersion()));
    }

    /** The node the pod is bound to; null when unbound (absent or empty spec.nodeName). */
    private static String nodeName(Pod p) {
        String nodeName = p.getSpec() == null ? null : p.getSpec().getNodeName();
        return nodeName == null || nodeName.isEmpty() ? null : nodeName;
    }

    /** The group label, else the group in the nodeSelector (a pod pinned to a group by its nodeSelector alone). */
    private static String group(Pod p, Map<String, String> labels) {
        String group = labels.get(WellKnown.NODE_GROUP_LABEL);
        if (group == null && p.getSpec() != null && p.getSpec().getNodeSelector() != null) {
            group = p.getSpec().getNodeSelector().get(WellKnown.NODE_GROUP_LABEL);
        }
        return group;
    }

    /** The pod's effective requests without the pod-count resource, which the planner counts itself. */
    private static Resources requests(PodSpec spec) {
        Map<String, Long> requests = spec == null ? new HashMap<>() : new HashMap<>(PodRequests.of(spec));
        requests.remove(WellKnown.RESOURCE_PODS);
        return Resources.ofMillis(requests);
    }

    private static PodPhase phase(Pod p, String nodeName) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return PodPhase.FINISHED;
        }
        if (nodeName == null) {
            if (p.getMetadata().getDeletionTimestamp() != null) {
                return PodPhase.FINISHED; // deleted before it was ever bound: holds nothing
            }
            boolean unschedulable = p.getStatus() != null
                    && p.getStatus().getConditions() != null
                    && p.getStatus().getConditions().stream().anyMatch(ModelTranslator::unschedulable);
            return unschedulable ? PodPhase.PENDING_UNSCHEDULABLE : PodPhase.PENDING_SCHEDULING;
        }
        if (p.getMetadata().getDeletionTimestamp() != null) {
            return PodPhase.TERMINATING;
        }
        return "Running".equals(phase) ? PodPhase.RUNNING : PodPhase.PENDING_BOUND;
    }

    private static boolean unschedulable(PodCondition c) {
        return "PodScheduled".equals(c.getType())
                && "False".equals(c.getStatus())
                && "Unschedulable".equals(c.getReason());
    }

    /**
     * One entry per (DaemonSet, group) it lands on, selecting only that group's label and tolerating everything,
     * because placement was already decided here with affinity and real node labels the planner does not see.
     */
    static List<DaemonSetInfo> daemonSets(List<DaemonSet> all, JoblaneConfig config, Map<String, Node> sampleNodes) {
        List<DaemonSetInfo> out = new ArrayList<>();
        for (NodeGroup group : config.scaledGroups()) {
            Map<String, String> labels = nodeLabels(group, sampleNodes.get(group.name()));
            List<Taint> taints = group.taints().stream()
                    .map(t -> new Taint(t.effect(), t.key(), null, t.value()))
                    .toList();
            for (DaemonSet ds : all) {
                PodSpec spec = podSpec(ds);
                if (spec != null && DaemonSetPlacement.landsOn(spec, labels, taints)) {
                    out.add(new DaemonSetInfo(
                            ds.getMetadata().getNamespace(),
                            ds.getMetadata().getName(),
                            requests(spec),
                            Map.of(WellKnown.NODE_GROUP_LABEL, group.name()),
                            TOLERATE_ALL));
                }
            }
        }
        return out;
    }

    /** The labels a node of the group has: assumed ones, the group's selector, and those of a real node if any. */
    private static Map<String, String> nodeLabels(NodeGroup group, Node sample) {
        Map<String, String> labels = new LinkedHashMap<>(ASSUMED_NODE_LABELS);
        labels.putAll(group.nodeSelector(WellKnown.NODE_GROUP_LABEL));
        if (sample != null && sample.getMetadata().getLabels() != null) {
            labels.putAll(sample.getMetadata().getLabels());
        }
        return labels;
    }

    private static PodSpec podSpec(DaemonSet ds) {
        return ds.getSpec() == null || ds.getSpec().getTemplate() == null
                ? null
                : ds.getSpec().getTemplate().getSpec();
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    /** An RFC 3339 timestamp of the API; null when absent or unreadable. */
    static Instant instant(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
