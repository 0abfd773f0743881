package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The human-readable status ConfigMap of one installation ({@code kubectl get cm joblane-scaler-status -o yaml}):
 * one key per group. Written only when the content changed since the last write, so a quiet cluster sees no
 * writes; a failed write is retried at the next publish. Called from the loop thread.
 */
public final class StatusConfigMap {
    private static final Logger LOG = LoggerFactory.getLogger(StatusConfigMap.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final BooleanSupplier leading;
    private Map<String, String> written;

    /**
     * @param leading asked right before each write: a replica that lost the Lease writes nothing, not even status
     *                (it would overwrite the new leader's)
     */
    public StatusConfigMap(KubernetesClient client, String namespace, String name, BooleanSupplier leading) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.leading = leading;
    }

    /** Returns true when it wrote (content changed and the write succeeded). */
    public boolean publish(Map<String, String> data) {
        Map<String, String> sorted = new TreeMap<>(data);
        if (Objects.equals(sorted, written)) {
            return false;
        }
        ConfigMap desired = new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .addToLabels("app.kubernetes.io/name", "joblane")
                .addToLabels("app.kubernetes.io/component", "scaler")
                .endMetadata()
                .withData(sorted)
                .build();
        try {
            var resource = client.configMaps().inNamespace(namespace).withName(name);
            if (!leading.getAsBoolean()) {
                LOG.info("status ConfigMap {}/{} not written: this replica no longer holds the Lease", namespace, name);
                return false;
            }
            if (resource.get() == null) {
                client.configMaps().inNamespace(namespace).resource(desired).create();
            } else {
                // Written by an earlier leader, or edited by hand: the content is ours to replace.
                resource.edit(cm -> {
                    cm.setData(sorted);
                    return cm;
                });
            }
            written = sorted;
            return true;
        } catch (KubernetesClientException e) {
            LOG.warn("status ConfigMap {}/{} not written: {}", namespace, name, e.getMessage());
            return false;
        }
    }
}
