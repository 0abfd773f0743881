package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.joblane.model.WellKnown;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Cuts informer items down, in place, to what the snapshot reads, before they enter the cache: a pod keeps its
 * identity, group, Job and family labels, owner kinds, node name and selector, deadline, per-container resources,
 * phase and scheduling condition, and once Succeeded its containers' termination times (lanes learns run times), and
 * its placement rules (required node affinity and anti-affinity, spread, claim names; all its labels when it has
 * anti-affinity or spread), and its tolerations other than those of node-condition and {@code joblane.io/} taints
 * (they decide between a group's Auto Scaling groups); a node keeps its labels, spec, allocatable and Ready condition;
 * a claim its volume name; a volume its node affinity. Managed fields, env, volumes, images,
 * other container statuses and foreign annotations go, and repeated small values (namespaces, kinds,
 * quantities) are shared. {@code LeanCacheHeapEstimate} measures the effect. Called on informer threads.
 */
final class Lean {
    /** Annotations kept: Joblane's own, which the scaler reads back (cordon mark, scale-down-disabled). */
    static final String KEPT_ANNOTATION_PREFIX = "joblane.io/";

    private static final List<String> KEPT_POD_CONDITIONS = List.of("PodScheduled");
    private static final Set<String> KEPT_POD_LABELS = Set.of(
            WellKnown.NODE_GROUP_LABEL,
            WellKnown.JOB_NAME_LABEL,
            WellKnown.LEGACY_JOB_NAME_LABEL,
            WellKnown.FAMILY_LABEL);
    /** Shared instances of repeated values; bounded so a cluster of unique values cannot grow it without end. */
    private static final int MAX_SHARED = 50_000;

    private static final Map<String, String> STRINGS = new ConcurrentHashMap<>();
    private static final Map<String, Quantity> QUANTITIES = new ConcurrentHashMap<>();
    private static final List<String> KEPT_NODE_CONDITIONS = List.of("Ready");

    private Lean() {}

    static Pod pod(Pod pod) {
        leanMeta(pod);
        ObjectMeta meta = pod.getMetadata();
        meta.setNamespace(shared(meta.getNamespace()));
        PodSpec original = pod.getSpec();
        // Others' anti-affinity and spread select pods by any label: a pod that has such rules keeps all of its own.
        if (original == null || !PodConstraintsReader.hasTopologyRules(original)) {
            leanLabels(meta);
        }
        if (meta.getOwnerReferences() != null) {
            meta.setOwnerReferences(meta.getOwnerReferences().stream()
                    .map(o -> {
                        OwnerReference kept = new OwnerReference();
                        kept.setApiVersion(shared(o.getApiVersion()));
                        kept.setKind(shared(o.getKind()));
                        kept.setName(o.getName());
                        kept.setController(o.getController());
                        return kept;
                    })
                    .collect(Collectors.toList()));
        }
        pod.setSpec(leanPodSpec(original, group(meta, original)));
        PodStatus status = pod.getStatus();
        if (status != null) {
            PodStatus kept = new PodStatus();
            kept.setPhase(shared(status.getPhase()));
            kept.setStartTime(status.getStartTime());
            kept.setNominatedNodeName(status.getNominatedNodeName());
            kept.setContainerStatuses(KubeLanes.finishedOnly(status));
            if (status.getConditions() != null) {
                kept.setConditions(status.getConditions().stream()
                        .filter(c -> KEPT_POD_CONDITIONS.contains(c.getType()))
                        .map(c -> {
                            PodCondition condition = new PodCondition();
                            condition.setType(shared(c.getType()));
                            condition.setStatus(shared(c.getStatus()));
                            condition.setReason(shared(c.getReason()));
                            return condition;
                        })
                        .collect(Collectors.toList()));
            }
            pod.setStatus(kept);
        }
        return pod;
    }

    private static void leanLabels(ObjectMeta meta) {
        if (meta.getLabels() == null) {
            return;
        }
        Map<String, String> kept = new HashMap<>(4);
        meta.getLabels().forEach((k, v) -> {
            if (KEPT_POD_LABELS.contains(k)) {
                kept.put(k, WellKnown.NODE_GROUP_LABEL.equals(k) ? shared(v) : v);
            }
        });
        meta.setLabels(kept);
    }

    /** The pod's group: its label, else its nodeSelector (read before the labels are trimmed). */
    private static String group(ObjectMeta meta, PodSpec spec) {
        String group = meta.getLabels() == null ? null : meta.getLabels().get(WellKnown.NODE_GROUP_LABEL);
        if (group == null && spec != null && spec.getNodeSelector() != null) {
            group = spec.getNodeSelector().get(WellKnown.NODE_GROUP_LABEL);
        }
        return group;
    }

    /** The pod's lean spec: {@link #leanSpec} without tolerations, plus its placement rules when it has some. */
    private static PodSpec leanPodSpec(PodSpec original, String group) {
        PodSpec spec = leanSpec(original);
        if (spec == null) {
            return null;
        }
        boolean placementRules = PodConstraintsReader.hasPlacementRules(original, group);
        spec.setTolerations(keptTolerations(original.getTolerations()));
        spec.setAffinity(placementRules ? placementAffinity(original.getAffinity()) : null);
        spec.setSchedulerName(null);
        if (placementRules) {
            spec.setTopologySpreadConstraints(original.getTopologySpreadConstraints());
        }
        spec.setVolumes(claimVolumes(original.getVolumes()));
        return spec;
    }

    /**
     * The tolerations that can decide between a group's Auto Scaling groups ({@link PodConstraintsReader#tolerations}):
     * null, as for most pods, when only node-condition and {@code joblane.io/} ones (the webhook's) are there.
     */
    private static List<Toleration> keptTolerations(List<Toleration> all) {
        if (all == null) {
            return null;
        }
        List<Toleration> kept = new ArrayList<>();
        for (Toleration t : all) {
            if (PodConstraintsReader.keepsToleration(t, Set.of())
                    && (t.getKey() == null || !t.getKey().startsWith(KEPT_ANNOTATION_PREFIX))) {
                kept.add(t);
            }
        }
        return kept.isEmpty() ? null : kept;
    }

    /** The required node affinity and pod anti-affinity; preferences and pod affinity go. */
    private static Affinity placementAffinity(Affinity a) {
        Affinity kept = new Affinity();
        if (a.getNodeAffinity() != null) {
            NodeAffinity node = new NodeAffinity();
            node.setRequiredDuringSchedulingIgnoredDuringExecution(
                    a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
            kept.setNodeAffinity(node);
        }
        if (a.getPodAntiAffinity() != null) {
            PodAntiAffinity anti = new PodAntiAffinity();
            anti.setRequiredDuringSchedulingIgnoredDuringExecution(
                    a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
            kept.setPodAntiAffinity(anti);
        }
        return kept;
    }

    /** Only the volumes that name a PersistentVolumeClaim, with only the claim's name; null when none. */
    private static List<Volume> claimVolumes(List<Volume> volumes) {
        if (volumes == null) {
            return null;
        }
        List<Volume> kept = new ArrayList<>();
        for (Volume v : volumes) {
            if (v.getPersistentVolumeClaim() != null) {
                Volume claim = new Volume();
                claim.setName(v.getName());
                claim.setPersistentVolumeClaim(new PersistentVolumeClaimVolumeSource(
                        v.getPersistentVolumeClaim().getClaimName(), null));
                kept.add(claim);
            }
        }
        return kept.isEmpty() ? null : kept;
    }

    /** A claim keeps its identity and the volume it is bound to. */
    static PersistentVolumeClaim claim(PersistentVolumeClaim pvc) {
        leanMeta(pvc);
        PersistentVolumeClaimSpec spec = new PersistentVolumeClaimSpec();
        spec.setVolumeName(pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName());
        pvc.setSpec(spec);
        pvc.setStatus(null);
        return pvc;
    }

    /** A volume keeps its identity and its node affinity (the zone of a zonal disk). */
    static PersistentVolume volume(PersistentVolume pv) {
        leanMeta(pv);
        PersistentVolumeSpec spec = new PersistentVolumeSpec();
        spec.setNodeAffinity(pv.getSpec() == null ? null : pv.getSpec().getNodeAffinity());
        pv.setSpec(spec);
        pv.setStatus(null);
        return pv;
    }

    static Node node(Node node) {
        leanMeta(node);
        NodeStatus status = node.getStatus();
        if (status != null) {
            NodeStatus kept = new NodeStatus();
            kept.setAllocatable(status.getAllocatable());
            kept.setCapacity(status.getCapacity());
            if (status.getConditions() != null) {
                kept.setConditions(status.getConditions().stream()
                        .filter(c -> KEPT_NODE_CONDITIONS.contains(c.getType()))
                        .collect(Collectors.toList()));
            }
            node.setStatus(kept);
        }
        return node;
    }

    static DaemonSet daemonSet(DaemonSet ds) {
        leanMeta(ds);
        ds.setStatus(null);
        if (ds.getSpec() != null && ds.getSpec().getTemplate() != null) {
            ds.getSpec()
                    .getTemplate()
                    .setSpec(leanSpec(ds.getSpec().getTemplate().getSpec()));
            if (ds.getSpec().getTemplate().getMetadata() != null) {
                ds.getSpec().getTemplate().setMetadata(null);
            }
        }
        return ds;
    }

    private static void leanMeta(HasMetadata item) {
        ObjectMeta meta = item.getMetadata();
        meta.setManagedFields(null);
        meta.setFinalizers(null);
        meta.setGenerateName(null);
        Map<String, String> annotations = meta.getAnnotations();
        if (annotations != null) {
            annotations.keySet().removeIf(k -> !k.startsWith(KEPT_ANNOTATION_PREFIX));
            if (annotations.isEmpty()) {
                meta.setAnnotations(null);
            }
        }
    }

    private static PodSpec leanSpec(PodSpec spec) {
        if (spec == null) {
            return null;
        }
        PodSpec kept = new PodSpec();
        kept.setNodeName(spec.getNodeName());
        kept.setNodeSelector(spec.getNodeSelector());
        kept.setTolerations(spec.getTolerations());
        kept.setPriority(spec.getPriority());
        kept.setActiveDeadlineSeconds(spec.getActiveDeadlineSeconds());
        kept.setSchedulerName(spec.getSchedulerName());
        kept.setOverhead(shared(spec.getOverhead()));
        kept.setResources(shared(spec.getResources()));
        if (spec.getAffinity() != null && spec.getAffinity().getNodeAffinity() != null) {
            Affinity affinity = new Affinity();
            affinity.setNodeAffinity(spec.getAffinity().getNodeAffinity());
            kept.setAffinity(affinity);
        }
        kept.setContainers(leanContainers(spec.getContainers()));
        kept.setInitContainers(leanContainers(spec.getInitContainers()));
        return kept;
    }

    private static List<Container> leanContainers(List<Container> containers) {
        if (containers == null) {
            return null;
        }
        return containers.stream()
                .map(c -> {
                    Container kept = new Container();
                    kept.setName(c.getName());
                    kept.setResources(shared(c.getResources()));
                    kept.setRestartPolicy(shared(c.getRestartPolicy()));
                    return kept;
                })
                .collect(Collectors.toList());
    }

    private static String shared(String value) {
        if (value == null || STRINGS.size() >= MAX_SHARED) {
            return value;
        }
        String before = STRINGS.putIfAbsent(value, value);
        return before == null ? value : before;
    }

    private static ResourceRequirements shared(ResourceRequirements r) {
        if (r == null) {
            return null;
        }
        ResourceRequirements kept = new ResourceRequirements();
        kept.setRequests(shared(r.getRequests()));
        kept.setLimits(shared(r.getLimits()));
        return kept;
    }

    /** The same map with shared names and Quantity instances (never mutated once cached). */
    private static Map<String, Quantity> shared(Map<String, Quantity> quantities) {
        if (quantities == null || quantities.isEmpty()) {
            return null;
        }
        Map<String, Quantity> kept = new HashMap<>(4);
        quantities.forEach((name, q) -> {
            if (q == null || q.getAmount() == null) {
                return;
            }
            String key = q.getAmount() + (q.getFormat() == null ? "" : q.getFormat());
            Quantity canonical = QUANTITIES.size() >= MAX_SHARED ? q : QUANTITIES.computeIfAbsent(key, k -> q);
            kept.put(shared(name), canonical);
        });
        return kept;
    }
}
