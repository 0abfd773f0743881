package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.joblane.model.WellKnown;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scaler's informers: nodes and pods carrying the {@code joblane.io/node-group} label (the webhook labels the
 * pods it routes), every DaemonSet, every PersistentVolumeClaim and PersistentVolume, each trimmed by {@link Lean} before caching. {@link #start} waits for the
 * first sync at most a given time, so an RBAC mistake or an unreachable API server ends in a readiness problem
 * naming the informer and its last error instead of a hung start-up. {@code onChange} is told (on an informer
 * thread) about changes that can alter a decision. Reads are safe from any thread.
 */
public final class ClusterCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterCache.class);
    static final long LIST_PAGE = 500;

    private final String apiServer;
    private final Watched<Node> nodes;
    private final Watched<Pod> pods;
    private final Watched<DaemonSet> daemonSets;
    /** Claims and volumes: a pod whose claim is bound to a zonal volume can only run in that zone. */
    private final Watched<PersistentVolumeClaim> claims;

    private final Watched<PersistentVolume> volumes;
    /**
     * Every pod not yet bound, cluster-wide (field selector {@code spec.nodeName=}, as cluster-autoscaler's
     * unschedulable pod lister): a pod sent to a group only by its nodeSelector, without the group label, is
     * invisible to the labelled informer above but still waits for a node of the group.
     */
    private final Watched<Pod> unscheduled;

    public ClusterCache(KubernetesClient client, Runnable onChange) {
        this.apiServer = String.valueOf(client.getMasterUrl());
        // Paged lists: a 50,000-pod list decoded in one piece would need more heap than the trimmed cache itself.
        nodes = new Watched<>(
                "nodes",
                client.nodes()
                        .withLabel(WellKnown.NODE_GROUP_LABEL)
                        .withLimit(LIST_PAGE)
                        .runnableInformer(0),
                Lean::node,
                ClusterCache::nodeChanged,
                onChange);
        pods = new Watched<>(
                "pods",
                client.pods()
                        .inAnyNamespace()
                        .withLabel(WellKnown.NODE_GROUP_LABEL)
                        .withLimit(LIST_PAGE)
                        .runnableInformer(0),
                Lean::pod,
                ClusterCache::podChanged,
                onChange);
        unscheduled = new Watched<>(
                "unscheduled pods",
                client.pods()
                        .inAnyNamespace()
                        .withField("spec.nodeName", "")
                        .withLimit(LIST_PAGE)
                        .runnableInformer(0),
                Lean::pod,
                (a, b) -> podChanged(a, b) && selectsGroup(b),
                onChange);
        daemonSets = new Watched<>(
                "daemonsets",
                client.apps().daemonSets().inAnyNamespace().runnableInformer(0),
                Lean::daemonSet,
                (a, b) -> true,
                onChange);
        claims = new Watched<>(
                "persistentvolumeclaims",
                client.persistentVolumeClaims()
                        .inAnyNamespace()
                        .withLimit(LIST_PAGE)
                        .runnableInformer(0),
                Lean::claim,
                (a, b) -> !Objects.equals(a.getSpec(), b.getSpec()),
                onChange);
        volumes = new Watched<>(
                "persistentvolumes",
                client.persistentVolumes().withLimit(LIST_PAGE).runnableInformer(0),
                Lean::volume,
                (a, b) -> !Objects.equals(a.getSpec(), b.getSpec()),
                onChange);
    }

    private List<Watched<?>> all() {
        return List.of(nodes, pods, unscheduled, daemonSets, claims, volumes);
    }

    /**
     * Starts the informers and waits up to {@code timeout} for all to sync. Returns the problems (empty when
     * synced). Informers that did not sync keep retrying; {@link #problems()} tells when they catch up.
     */
    public List<String> start(Duration timeout) {
        CompletableFuture<?>[] syncs =
                all().stream().map(w -> w.sync = startUnlessClosed(w.informer)).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(syncs).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.error("informers not synced within {}: {}", timeout, problems());
        } catch (ExecutionException e) {
            LOG.error("informers stopped before they synced: {}", problems());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return problems();
    }

    /**
     * The informer's first sync. A shutdown (SIGTERM) may close the cache while start-up is still starting its informers:
     * an informer closed before its start is reported as stopped, as fabric8 reports one closed just after, instead
     * of failing start-up with "Cannot restart a stopped informer".
     */
    private static CompletableFuture<?> startUnlessClosed(SharedIndexInformer<?> informer) {
        try {
            return informer.start().toCompletableFuture();
        } catch (IllegalStateException e) {
            if (!informer.stopped().toCompletableFuture().isDone()) {
                throw e;
            }
            return CompletableFuture.failedFuture(
                    new IllegalStateException("informer closed, stopped before starting"));
        }
    }

    public boolean synced() {
        return all().stream().allMatch(w -> w.informer.hasSynced());
    }

    /** One line per informer that has not synced, with its last error; empty when all have. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (Watched<?> w : all()) {
            if (!w.informer.hasSynced()) {
                Throwable error = w.lastError.get() != null ? w.lastError.get() : w.syncFailure();
                problems.add("informer " + w.name + " not synced" + ": "
                        + (error == null ? "no answer from the API server " + apiServer + " yet" : describe(error)));
            }
        }
        return problems;
    }

    /** The innermost cause, e.g. "ConnectException" or "KubernetesClientException: ... 403 Forbidden". */
    static String describe(Throwable error) {
        Throwable t = error;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null
                ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    public List<Node> nodes() {
        return nodes.informer.getStore().list();
    }

    public List<Pod> pods() {
        return pods.informer.getStore().list();
    }

    /** Unbound pods without the group label whose nodeSelector names a group (the labelled ones are in {@link #pods}). */
    public List<Pod> unscheduledGroupPods() {
        return unscheduled.informer.getStore().list().stream()
                .filter(ClusterCache::selectsGroup)
                .filter(p -> p.getMetadata().getLabels() == null
                        || !p.getMetadata().getLabels().containsKey(WellKnown.NODE_GROUP_LABEL))
                .toList();
    }

    static boolean selectsGroup(Pod p) {
        return p.getSpec() != null
                && p.getSpec().getNodeSelector() != null
                && p.getSpec().getNodeSelector().containsKey(WellKnown.NODE_GROUP_LABEL);
    }

    public List<DaemonSet> daemonSets() {
        return daemonSets.informer.getStore().list();
    }

    public List<PersistentVolumeClaim> claims() {
        return claims.informer.getStore().list();
    }

    public List<PersistentVolume> volumes() {
        return volumes.informer.getStore().list();
    }

    @Override
    public void close() {
        for (Watched<?> w : List.of(pods, unscheduled, nodes, daemonSets, claims, volumes)) {
            w.informer.close();
        }
    }

    /**
     * Node updates that matter: labels (but the lane-end label, which lanes itself writes and no decision reads), spec
     * (taints, cordon), allocatable, readiness, our annotations.
     */
    static boolean nodeChanged(Node a, Node b) {
        return !Objects.equals(decisionLabels(a), decisionLabels(b))
                || !Objects.equals(
                        a.getMetadata().getAnnotations(), b.getMetadata().getAnnotations())
                || !Objects.equals(a.getSpec(), b.getSpec())
                || !Objects.equals(
                        a.getStatus() == null ? null : a.getStatus().getAllocatable(),
                        b.getStatus() == null ? null : b.getStatus().getAllocatable())
                || !Objects.equals(readyStatus(a), readyStatus(b));
    }

    /** Pod updates that matter: binding, phase, deletion, the scheduler's verdict. */
    static boolean podChanged(Pod a, Pod b) {
        return !Objects.equals(
                        a.getSpec() == null ? null : a.getSpec().getNodeName(),
                        b.getSpec() == null ? null : b.getSpec().getNodeName())
                || !Objects.equals(phase(a), phase(b))
                || !Objects.equals(
                        a.getMetadata().getDeletionTimestamp(), b.getMetadata().getDeletionTimestamp())
                || !Objects.equals(scheduled(a), scheduled(b));
    }

    private static Map<String, String> decisionLabels(Node n) {
        Map<String, String> labels = n.getMetadata().getLabels();
        if (labels == null || !labels.containsKey(WellKnown.LANE_END_LABEL)) {
            return labels;
        }
        Map<String, String> others = new HashMap<>(labels);
        others.remove(WellKnown.LANE_END_LABEL);
        return others;
    }

    private static String readyStatus(Node n) {
        if (n.getStatus() == null || n.getStatus().getConditions() == null) {
            return null;
        }
        return n.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .map(NodeCondition::getStatus)
                .findFirst()
                .orElse(null);
    }

    private static String phase(Pod p) {
        return p.getStatus() == null ? null : p.getStatus().getPhase();
    }

    private static String scheduled(Pod p) {
        if (p.getStatus() == null || p.getStatus().getConditions() == null) {
            return null;
        }
        return p.getStatus().getConditions().stream()
                .filter(c -> "PodScheduled".equals(c.getType()))
                .map(PodCondition::getReason)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    /** One informer with its lean store, change filter and last error. */
    private static final class Watched<T extends HasMetadata> {
        final String name;
        final SharedIndexInformer<T> informer;
        final AtomicReference<Throwable> lastError = new AtomicReference<>();
        /** The informer's first sync; fails when the informer stopped before it synced. */
        volatile CompletableFuture<?> sync;

        Watched(
                String name,
                SharedIndexInformer<T> informer,
                UnaryOperator<T> trim,
                BiPredicate<T, T> relevant,
                Runnable onChange) {
            this.name = name;
            this.informer = informer;
            informer.itemStore(new LeanItemStore<>(trim));
            informer.exceptionHandler((started, error) -> {
                lastError.set(error);
                LOG.warn("informer {} failed, retrying: {}", name, describe(error));
                return true;
            });
            informer.addEventHandler(new ResourceEventHandler<T>() {
                @Override
                public void onAdd(T obj) {
                    onChange.run();
                }

                @Override
                public void onUpdate(T oldObj, T newObj) {
                    if (relevant.test(oldObj, newObj)) {
                        onChange.run();
                    }
                }

                @Override
                public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                    onChange.run();
                }
            });
        }

        /**
         * Why the first sync failed, when it did: the informer was stopped (the exception handler may not have been
         * told yet when the wait for the syncs wakes up).
         */
        Throwable syncFailure() {
            CompletableFuture<?> f = sync;
            if (f == null || !f.isCompletedExceptionally()) {
                return null;
            }
            try {
                f.getNow(null);
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        }
    }
}
