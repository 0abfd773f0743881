package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/**
 * The production lookup ({@code fieldSelector=spec.nodeName=<node>}) against the fabric8 mock server in expectation
 * mode, since its CRUD mode answers that selector with an empty list.
 */
@EnableKubernetesMockClient
class BoundPodsFieldSelectorHttpTest {
    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void theFieldSelectorLookupAsksForTheNodeAndStillFiltersTheAnswer() throws Exception {
        // Guards against the production path (never exercised by the CRUD tests) losing the selector or the filter.
        server.expect()
                .get()
                .withPath("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1")
                .andReturn(
                        200,
                        new PodListBuilder()
                                .addToItems(KubeFixtures.jobPod("a", "job1", "batch", "n1", "1"))
                                .addToItems(KubeFixtures.jobPod("b", "elsewhere", "batch", "n2", "1"))
                                .build())
                .once();

        var pods = new BoundPods(client, BoundPods.Lookup.FIELD_SELECTOR).boundTo("n1");

        assertThat(pods).extracting(p -> p.getMetadata().getName()).containsExactly("job1");
        assertThat(server.getLastRequest().getPath()).isEqualTo("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1");
    }
}
