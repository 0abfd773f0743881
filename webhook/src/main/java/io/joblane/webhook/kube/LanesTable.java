package io.joblane.webhook.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.joblane.model.WellKnown;
import io.joblane.model.lanes.FamilyTable;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The family table the scaler publishes in the ConfigMap {@code joblane-lanes}, followed by an informer on that one
 * object (list/watch with a {@code metadata.name} field selector, so RBAC can limit it to the name). Start-up never
 * waits for it and readiness never depends on it: while the ConfigMap is absent or unreadable the table is empty and
 * pods get no lane (the gauge {@code joblane_webhook_lanes_table_readable} and a log line say so). Requests read the
 * current table without blocking; informer threads replace it.
 */
public final class LanesTable implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LanesTable.class);

    private final SharedIndexInformer<ConfigMap> informer;
    private final String where;
    private final AtomicReference<FamilyTable> table = new AtomicReference<>(FamilyTable.EMPTY);
    private volatile boolean readable;

    private LanesTable(KubernetesClient client, String namespace) {
        this.where = namespace + "/" + WellKnown.LANES_CONFIGMAP;
        this.informer = client.configMaps()
                .inNamespace(namespace)
                .withName(WellKnown.LANES_CONFIGMAP)
                .runnableInformer(0);
        informer.exceptionHandler((started, error) -> {
            LOG.warn("lanes: ConfigMap {} not readable, pods get no lane until it is: {}", where, error.toString());
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap cm) {
                read(cm);
            }

            @Override
            public void onUpdate(ConfigMap before, ConfigMap cm) {
                read(cm);
            }

            @Override
            public void onDelete(ConfigMap cm, boolean deletedFinalStateUnknown) {
                LOG.warn("lanes: ConfigMap {} deleted, pods get no lane until the scaler publishes it again", where);
                table.set(FamilyTable.EMPTY);
                readable = false;
            }
        });
    }

    /** Starts following the ConfigMap in {@code namespace}; returns at once. */
    public static LanesTable start(KubernetesClient client, String namespace) {
        LanesTable lanes = new LanesTable(client, namespace);
        lanes.informer.start().whenComplete((v, error) -> {
            if (error == null && !lanes.readable) {
                LOG.info(
                        "lanes: ConfigMap {} absent so far, pods get no lane until the scaler publishes it",
                        lanes.where);
            }
        });
        return lanes;
    }

    /** The current table (empty while the ConfigMap is absent or unreadable). */
    public FamilyTable table() {
        return table.get();
    }

    /** Whether the ConfigMap has been read and parsed. */
    public boolean readable() {
        return readable;
    }

    private void read(ConfigMap cm) {
        String text = cm.getData() == null ? null : cm.getData().get(WellKnown.LANES_CONFIGMAP_KEY);
        try {
            FamilyTable next = FamilyTable.decode(text);
            boolean first = !readable;
            table.set(next);
            readable = true;
            if (first) {
                LOG.info("lanes: family table {} read, {} families", where, next.size());
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("lanes: ConfigMap {} unreadable, pods get no lane until it is fixed: {}", where, e.getMessage());
            table.set(FamilyTable.EMPTY);
            readable = false;
        }
    }

    @Override
    public void close() {
        informer.stop();
    }
}
