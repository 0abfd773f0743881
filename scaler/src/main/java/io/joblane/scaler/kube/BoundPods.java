package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * The live answer to "what runs on this node", read from the API server at the moment of asking, never from
 * an informer cache: every pod bound to the node in any namespace, whatever its phase (running, pending but bound,
 * terminating). Used for the last check before a node is terminated. Called from the loop thread.
 */
public final class BoundPods {
    /** How the live list is narrowed to one node. */
    public enum Lookup {
        /** {@code fieldSelector=spec.nodeName=<node>}, indexed by the real API server: the production path. */
        FIELD_SELECTOR,
        /**
         * List every pod and filter by {@code spec.nodeName} here. For API servers without that field selector:
         * the fabric8 mock server answers an unsupported field selector with an EMPTY list, which would read as
         * "node is empty", so the CRUD tests use this mode. Costs a full pod list per check.
         */
        LIST_AND_FILTER
    }

    private final KubernetesClient client;
    private final Lookup lookup;

    public BoundPods(KubernetesClient client, Lookup lookup) {
        this.client = client;
        this.lookup = lookup;
    }

    public List<Pod> boundTo(String nodeName) {
        var pods = client.pods().inAnyNamespace();
        List<Pod> items = lookup == Lookup.FIELD_SELECTOR
                ? pods.withField("spec.nodeName", nodeName).list().getItems()
                : pods.list().getItems();
        // Filtering again is free with the field selector and required without it.
        return items.stream()
                .filter(p -> p.getSpec() != null && nodeName.equals(p.getSpec().getNodeName()))
                .toList();
    }
}
