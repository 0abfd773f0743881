package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.joblane.model.WellKnown;
import io.joblane.model.lanes.FamilyKey;
import io.joblane.model.lanes.FamilyTable;
import io.joblane.scaler.lanes.LaneNode;
import io.joblane.scaler.lanes.LanePod;
import io.joblane.scaler.lanes.LanePods;
import io.joblane.scaler.lanes.LanesAccess;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lanes' Kubernetes side: group nodes and Job pods from the informer caches, the family table in the ConfigMap
 * {@code joblane-lanes} of the scaler's namespace (read live, written whole), and the {@code joblane.io/lane-end}
 * node label (a JSON Patch of that one label, so it never races the draining label or taint). Pods are translated
 * again only when their cached object changed, and handed node by node as lists kept while unchanged
 * ({@link LanePodsByNode}). Called from the loop thread.
 */
public final class KubeLanes implements LanesAccess {
    private static final Logger LOG = LoggerFactory.getLogger(KubeLanes.class);
    private static final String SUCCEEDED = "Succeeded";
    private static final String FAILED = "Failed";
    private static final int UNPROCESSABLE = 422;

    private final KubernetesClient client;
    private final ClusterCache cache;
    private final String namespace;
    /** The pods' translations and nodes' lists kept across scans. */
    private final LanePodsByNode lanePods = new LanePodsByNode(KubeLanes::lanePod);

    public KubeLanes(KubernetesClient client, ClusterCache cache, String namespace) {
        this.client = client;
        this.cache = cache;
        this.namespace = namespace;
    }

    @Override
    public List<LaneNode> nodes() {
        return cache.nodes().stream()
                .map(n -> new LaneNode(n.getMetadata().getName(), label(n)))
                .toList();
    }

    @Override
    public List<LanePod> pods() {
        return lanePods.translate(cache.pods());
    }

    /** A node whose bound Job pods did not change gets last scan's list: lanes predicts their ends again only then. */
    @Override
    public LanePods pods(List<LaneNode> nodes) {
        return lanePods.group(nodes, cache.pods());
    }

    /** How many pod translations are kept (those of the pods the last read found), for tests. */
    int translationsHeld() {
        return lanePods.held();
    }

    @Override
    public FamilyTable published() throws LanesException {
        try {
            ConfigMap cm = client.configMaps()
                    .inNamespace(namespace)
                    .withName(WellKnown.LANES_CONFIGMAP)
                    .get();
            if (cm == null || cm.getData() == null) {
                return FamilyTable.EMPTY;
            }
            return FamilyTable.decode(cm.getData().get(WellKnown.LANES_CONFIGMAP_KEY));
        } catch (KubernetesClientException e) {
            throw new LanesException(
                    "reading ConfigMap " + namespace + "/" + WellKnown.LANES_CONFIGMAP + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // Edited by hand into something unreadable: start afresh rather than never learn again.
            LOG.warn(
                    "lanes: ConfigMap {}/{} unreadable, learning afresh: {}",
                    namespace,
                    WellKnown.LANES_CONFIGMAP,
                    e.getMessage());
            return FamilyTable.EMPTY;
        }
    }

    @Override
    public void publish(FamilyTable table) throws LanesException {
        Map<String, String> data = Map.of(WellKnown.LANES_CONFIGMAP_KEY, table.encode());
        try {
            var resource = client.configMaps().inNamespace(namespace).withName(WellKnown.LANES_CONFIGMAP);
            if (resource.get() == null) {
                client.configMaps()
                        .inNamespace(namespace)
                        .resource(new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName(WellKnown.LANES_CONFIGMAP)
                                .withNamespace(namespace)
                                .addToLabels("app.kubernetes.io/name", "joblane")
                                .addToLabels("app.kubernetes.io/component", "scaler")
                                .endMetadata()
                                .withData(data)
                                .build())
                        .create();
            } else {
                resource.edit(cm -> {
                    cm.setData(data);
                    return cm;
                });
            }
        } catch (KubernetesClientException e) {
            throw new LanesException(
                    "writing ConfigMap " + namespace + "/" + WellKnown.LANES_CONFIGMAP + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void setLaneEnd(String node, String value) throws LanesException {
        String path = "/metadata/labels/"
                + WellKnown.LANE_END_LABEL.replace("~", "~0").replace("/", "~1");
        String patch = value == null
                ? "[{\"op\":\"remove\",\"path\":\"" + path + "\"}]"
                : "[{\"op\":\"add\",\"path\":\"" + path + "\",\"value\":\"" + value + "\"}]";
        try {
            client.nodes().withName(node).patch(PatchContext.of(PatchType.JSON), patch);
        } catch (KubernetesClientException e) {
            if (value == null && e.getCode() == UNPROCESSABLE) {
                return; // the label was gone already (the cache lagged)
            }
            throw new LanesException("labelling node " + node + ": " + e.getMessage(), e);
        }
    }

    private static String label(Node n) {
        Map<String, String> labels = n.getMetadata().getLabels();
        return labels == null ? null : labels.get(WellKnown.LANE_END_LABEL);
    }

    static LanePod lanePod(Pod p) {
        Map<String, String> labels =
                p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
        Map<String, String> annotations = p.getMetadata().getAnnotations() == null
                ? Map.of()
                : p.getMetadata().getAnnotations();
        String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
        Long deadline = p.getSpec() == null ? null : p.getSpec().getActiveDeadlineSeconds();
        PodStatus status = p.getStatus();
        String phase = status == null ? null : status.getPhase();
        boolean finished = SUCCEEDED.equals(phase) || FAILED.equals(phase);
        long start = status == null ? -1 : millis(status.getStartTime());
        long end = SUCCEEDED.equals(phase) ? lastTermination(status) : -1;
        return new LanePod(
                p.getMetadata().getUid(),
                node == null || node.isEmpty() ? null : node,
                FamilyKey.of(p.getMetadata().getNamespace(), labels),
                annotations.get(WellKnown.EXPECTED_DURATION_ANNOTATION),
                deadline == null ? 0 : deadline * 1000,
                node != null && !node.isEmpty() && !finished,
                start,
                end);
    }

    /** For the lean cache: of a Succeeded pod's container statuses, only the termination times; else nothing. */
    static List<ContainerStatus> finishedOnly(PodStatus status) {
        if (!SUCCEEDED.equals(status.getPhase()) || status.getContainerStatuses() == null) {
            return List.of();
        }
        return status.getContainerStatuses().stream()
                .filter(c -> c.getState() != null && c.getState().getTerminated() != null)
                .map(c -> {
                    ContainerStateTerminated terminated = new ContainerStateTerminated();
                    terminated.setFinishedAt(c.getState().getTerminated().getFinishedAt());
                    ContainerState state = new ContainerState();
                    state.setTerminated(terminated);
                    ContainerStatus kept = new ContainerStatus();
                    kept.setState(state);
                    return kept;
                })
                .toList();
    }

    private static long lastTermination(PodStatus status) {
        long last = -1;
        if (status.getContainerStatuses() != null) {
            for (ContainerStatus c : status.getContainerStatuses()) {
                if (c.getState() != null && c.getState().getTerminated() != null) {
                    last = Math.max(last, millis(c.getState().getTerminated().getFinishedAt()));
                }
            }
        }
        return last;
    }

    private static long millis(String timestamp) {
        if (timestamp == null) {
            return -1;
        }
        try {
            return Instant.parse(timestamp).toEpochMilli();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }
}
