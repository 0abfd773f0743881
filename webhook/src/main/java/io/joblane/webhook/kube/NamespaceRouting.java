package io.joblane.webhook.kube;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.joblane.webhook.mutation.NamespaceAnnotations;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Namespace annotations from a namespace informer's cache (list/watch only, so the webhook needs just
 * get/list/watch on namespaces). Lookups read the cache and never block a request. Started once by Main.
 */
public final class NamespaceRouting implements NamespaceAnnotations, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceRouting.class);

    private final SharedIndexInformer<Namespace> informer;

    private NamespaceRouting(SharedIndexInformer<Namespace> informer) {
        this.informer = informer;
    }

    /**
     * Starts the informer and waits for its first list, at most {@code syncTimeout}: an RBAC mistake or an
     * unreachable API server fails start-up with the reason instead of hanging it.
     */
    public static NamespaceRouting start(KubernetesClient client, Duration syncTimeout) {
        SharedIndexInformer<Namespace> informer = client.namespaces().runnableInformer(0);
        try {
            informer.start().toCompletableFuture().get(syncTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            informer.stop();
            throw new IllegalStateException("namespace informer did not sync within " + syncTimeout.toSeconds()
                    + "s (can the service account list and watch namespaces?)");
        } catch (ExecutionException e) {
            informer.stop();
            throw new IllegalStateException(
                    "namespace informer failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            informer.stop();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the namespace informer", e);
        }
        LOG.info(
                "namespace informer synced: {} namespaces",
                informer.getStore().list().size());
        return new NamespaceRouting(informer);
    }

    @Override
    public Map<String, String> of(String namespace) {
        Namespace ns = informer.getStore().getByKey(namespace);
        if (ns == null || ns.getMetadata() == null || ns.getMetadata().getAnnotations() == null) {
            return Map.of();
        }
        return ns.getMetadata().getAnnotations();
    }

    /**
     * False once the informer has stopped for good. A watch that is merely reconnecting (it does so routinely)
     * still counts as running, so readiness does not flap with it.
     */
    public boolean isRunning() {
        return informer.isRunning();
    }

    @Override
    public void close() {
        informer.stop();
    }
}
