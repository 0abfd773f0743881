package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.scaler.loop.ClusterAccess;
import io.joblane.scaler.loop.ClusterException;
import io.joblane.scaler.loop.EventReason;
import io.joblane.scaler.loop.EventTarget;
import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PodInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop's view of Kubernetes, with fabric8: the I/O half. Snapshots read from the {@link ClusterCache} informers and
 * translated by {@link ModelTranslator}; node writes through {@link NodeWriter}; the live checks before a termination
 * (the bound pods through {@link BoundPods}, nodes and pods read live and judged by {@link LiveChecks}); Events
 * through {@link EventRecorder}. Called from the loop thread.
 */
public final class KubeClusterAccess implements ClusterAccess {
    private static final Logger LOG = LoggerFactory.getLogger(KubeClusterAccess.class);
    /** Pods per page when listing every pod, so the whole list is never decoded at once. */
    private static final long POD_PAGE = 500L;

    private final KubernetesClient client;
    private final ClusterCache cache;
    private final NodeWriter nodes;
    private final BoundPods boundPods;
    private final EventRecorder events;
    private final Supplier<JoblaneConfig> config;
    private final Clock clock;
    private final ModelTranslator translator = new ModelTranslator();
    private final PodsByNode podsByNode = new PodsByNode();
    /** Blocking pods the informers do not see, by node, found by a live check; see {@link #addForeignPods}. */
    private final Map<String, List<PodInfo>> foreign = new HashMap<>();

    public KubeClusterAccess(
            KubernetesClient client,
            ClusterCache cache,
            BoundPods boundPods,
            EventRecorder events,
            Supplier<JoblaneConfig> config,
            Clock clock) {
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
        ModelTranslator.Scan scan = translate(translator, cache, config.get());
        List<PodInfo> pods = new ArrayList<>(scan.pods());
        addForeignPods(pods, scan.nodes());
        return podsByNode.snapshot(clock.instant(), scan.nodes(), pods, scan.daemonSets());
    }

    /** The informers' lists in the planner's model (tests compare with a translator that keeps nothing). */
    static ModelTranslator.Scan translate(ModelTranslator translator, ClusterCache cache, JoblaneConfig config) {
        return translator.translate(
                cache.nodes(),
                cache.pods(),
                cache.unscheduledGroupPods(),
                cache.daemonSets(),
                cache.claims(),
                cache.volumes(),
                config);
    }

    /**
     * Pods outside the informers (no group label, e.g. a debug pod tolerating every taint) that a live check found on
     * a group node keep that node busy in later snapshots, re-read live each scan until they are gone, so the loop
     * does not cordon and uncordon such a node over and over.
     */
    private void addForeignPods(List<PodInfo> pods, List<NodeInfo> nodes) {
        if (foreign.isEmpty()) {
            return;
        }
        Set<String> present = new HashSet<>();
        nodes.forEach(n -> present.add(n.name()));
        foreign.keySet().retainAll(present);
        for (String node : List.copyOf(foreign.keySet())) {
            try {
                List<PodInfo> still = unseenBlocking(liveBoundTo(node));
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

    private List<PodInfo> liveBoundTo(String node) {
        return boundPods.boundTo(node).stream().map(ModelTranslator::podInfo).toList();
    }

    /** The live pods that keep a node busy although the last snapshot's informers did not see them. */
    private List<PodInfo> unseenBlocking(List<PodInfo> live) {
        return live.stream()
                .filter(p -> p.blocksScaleIn() && !translator.translatedLastScan(p.key()))
                .toList();
    }

    /** How many pod translations are kept (those of the pods the last snapshot found), for tests. */
    int translationsHeld() {
        return translator.podsHeld();
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
            List<PodInfo> live = liveBoundTo(node);
            List<PodInfo> unseen = unseenBlocking(live);
            if (!unseen.isEmpty()) {
                foreign.put(node, unseen);
            }
            return live;
        } catch (KubernetesClientException e) {
            throw new ClusterException("listing pods bound to " + node + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> whyInstanceMayHaveNode(String instanceId) throws ClusterException {
        try {
            // Live and unfiltered by label: a node that lost its group label still runs on that instance.
            List<Node> live = liveNodes();
            Optional<String> node = LiveChecks.nodeThatMayRun(instanceId, live);
            if (node.isPresent()) {
                return node;
            }
            Set<String> names = new HashSet<>();
            live.forEach(n -> names.add(n.getMetadata().getName()));
            return podBoundToAMissingNode(names);
        } catch (KubernetesClientException e) {
            throw new ClusterException("live check for instance " + instanceId + " failed: " + e.getMessage(), e);
        }
    }

    /** Every pod in pages, the first one holding a node that has no Node object (it could be any instance). */
    private Optional<String> podBoundToAMissingNode(Set<String> nodeNames) {
        String next = null;
        do {
            PodList page = client.pods()
                    .inAnyNamespace()
                    .list(new ListOptionsBuilder()
                            .withLimit(POD_PAGE)
                            .withContinue(next)
                            .build());
            for (Pod p : page.getItems()) {
                Optional<String> why = LiveChecks.boundToAMissingNode(p, nodeNames);
                if (why.isPresent()) {
                    return why;
                }
            }
            next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (next != null && !next.isEmpty());
        return Optional.empty();
    }

    @Override
    public Optional<String> whyNodeNotTerminable(String node, String instanceId) throws ClusterException {
        Node live;
        try {
            live = client.nodes().withName(node).get();
        } catch (KubernetesClientException e) {
            throw new ClusterException("reading node " + node + " failed: " + e.getMessage(), e);
        }
        return LiveChecks.whyNodeNotTerminable(live, instanceId, translator.lastScanUid(node));
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

    @Override
    public void recordEvent(EventTarget target, EventReason reason, String message) {
        try {
            events.record(
                    new ObjectRef(target.kind(), target.namespace(), target.name(), target.uid()),
                    reason.type(),
                    reason.reason(),
                    message);
        } catch (RuntimeException e) {
            // Best effort by contract: EventRecorder logs API failures itself; this catches anything else.
            LOG.warn("event {} not recorded: {}", reason, e.toString());
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
