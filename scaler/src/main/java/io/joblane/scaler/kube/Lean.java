package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Cuts informer items down, in place, to what the snapshot reads, before they enter the cache: a pod keeps its
 * identity, labels, owners, scheduling fields, per-container resources and scheduling condition; a node keeps its
 * labels, spec, allocatable and Ready condition. Managed fields, env, volumes, images, container statuses and
 * foreign annotations go. This is what keeps 50,000 pods and 5,000 nodes well under the heap budget.
 * Called on informer threads, one item at a time.
 */
final class Lean {
    /** Annotations kept: Joblane's own, which the scaler reads back (cordon mark, scale-down-disabled). */
    static final String KEPT_ANNOTATION_PREFIX = "joblane.io/";
    private static final List<String> KEPT_POD_CONDITIONS = List.of("PodScheduled", "Ready");
    private static final List<String> KEPT_NODE_CONDITIONS = List.of("Ready");

    private Lean() {
    }

    static Pod pod(Pod pod) {
        leanMeta(pod);
        pod.setSpec(leanSpec(pod.getSpec()));
        PodStatus status = pod.getStatus();
        if (status != null) {
            PodStatus kept = new PodStatus();
            kept.setPhase(status.getPhase());
            kept.setStartTime(status.getStartTime());
            kept.setNominatedNodeName(status.getNominatedNodeName());
            if (status.getConditions() != null) {
                kept.setConditions(status.getConditions().stream()
                        .filter(c -> KEPT_POD_CONDITIONS.contains(c.getType())).collect(Collectors.toList()));
            }
            pod.setStatus(kept);
        }
        return pod;
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
                        .filter(c -> KEPT_NODE_CONDITIONS.contains(c.getType())).collect(Collectors.toList()));
            }
            node.setStatus(kept);
        }
        return node;
    }

    static DaemonSet daemonSet(DaemonSet ds) {
        leanMeta(ds);
        ds.setStatus(null);
        if (ds.getSpec() != null && ds.getSpec().getTemplate() != null) {
            ds.getSpec().getTemplate().setSpec(leanSpec(ds.getSpec().getTemplate().getSpec()));
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
        kept.setSchedulerName(spec.getSchedulerName());
        kept.setOverhead(spec.getOverhead());
        kept.setResources(spec.getResources());
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
        return containers.stream().map(c -> {
            Container kept = new Container();
            kept.setName(c.getName());
            kept.setResources(c.getResources());
            kept.setRestartPolicy(c.getRestartPolicy());
            return kept;
        }).collect(Collectors.toList());
    }
}
