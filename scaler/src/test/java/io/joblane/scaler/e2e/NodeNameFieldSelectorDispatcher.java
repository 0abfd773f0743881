package io.joblane.scaler.e2e;

import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The fabric8 CRUD dispatcher, plus the one field selector the scaler's live check needs: a pod list with
 * {@code fieldSelector=spec.nodeName=<node>} answers the pods bound to that node, as the real API server does
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/field-selectors/ lists {@code spec.nodeName}
 * among the pod fields). Plain CRUD mode answers it with an empty list, which would read as "the node is empty"; so
 * the scaler jar can run its production lookup ({@code BoundPods.Lookup.FIELD_SELECTOR}) against this server.
 */
final class NodeNameFieldSelectorDispatcher extends KubernetesCrudDispatcher {

    private static final Pattern POD_LIST = Pattern.compile("/api/v1(/namespaces/[^/]+)?/pods");
    private static final String NODE_NAME = "spec.nodeName";

    private final AtomicInteger served = new AtomicInteger();
    private volatile Consumer<String> afterLookup = node -> {};

    /** Told the node name of each lookup once its answer is computed; runs on the server's event loop: never block. */
    void afterLookup(Consumer<String> listener) {
        this.afterLookup = listener;
    }

    /** Pod lists answered for a {@code spec.nodeName} field selector so far. */
    int nodeNameLookups() {
        return served.get();
    }

    @Override
    public MockResponse handleGet(String path) {
        int q = path.indexOf('?');
        if (q < 0 || !POD_LIST.matcher(path.substring(0, q)).matches()) {
            return super.handleGet(path);
        }
        String node = null;
        List<String> otherParams = new ArrayList<>();
        for (String param : path.substring(q + 1).split("&")) {
            if (!param.startsWith("fieldSelector=")) {
                otherParams.add(param);
                continue;
            }
            List<String> otherRequirements = new ArrayList<>();
            String selector = URLDecoder.decode(param.substring("fieldSelector=".length()), StandardCharsets.UTF_8);
            for (String requirement : selector.split(",")) {
                String r = requirement.trim();
                if (r.startsWith(NODE_NAME + "==")) {
                    node = r.substring(NODE_NAME.length() + 2);
                } else if (r.startsWith(NODE_NAME + "=")) {
                    node = r.substring(NODE_NAME.length() + 1);
                } else if (!r.isEmpty()) {
                    otherRequirements.add(r);
                }
            }
            if (!otherRequirements.isEmpty()) {
                otherParams.add("fieldSelector="
                        + URLEncoder.encode(String.join(",", otherRequirements), StandardCharsets.UTF_8));
            }
        }
        if (node == null) {
            return super.handleGet(path);
        }
        String rest = path.substring(0, q) + (otherParams.isEmpty() ? "" : "?" + String.join("&", otherParams));
        MockResponse all = super.handleGet(rest);
        if (all.code() != 200) {
            return all;
        }
        PodList list = Serialization.unmarshal(all.getBody().readUtf8(), PodList.class);
        String wanted = node;
        list.setItems(list.getItems().stream()
                .filter(p -> p.getSpec() != null && wanted.equals(p.getSpec().getNodeName()))
                .toList());
        served.incrementAndGet();
        MockResponse answer = all.setBody(Serialization.asJson(list));
        afterLookup.accept(wanted);
        return answer;
    }
}
