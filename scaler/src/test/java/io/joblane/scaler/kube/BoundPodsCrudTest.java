package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class BoundPodsCrudTest {
    KubernetesClient client;

    @Test
    void listsEveryPodBoundToTheNodeInAnyNamespaceWithOrWithoutTheGroupLabel() {
        client.pods()
                .inNamespace("a")
                .resource(KubeFixtures.jobPod("a", "job1", "batch", "n1", "1"))
                .create();
        client.pods()
                .inNamespace("b")
                .resource(KubeFixtures.jobPod("b", "job2", "batch", "n2", "1"))
                .create();
        Pod foreign = new PodBuilder()
                .withNewMetadata()
                .withName("debug")
                .withNamespace("kube-system")
                .endMetadata()
                .withNewSpec()
                .withNodeName("n1")
                .addNewContainer()
                .withName("c")
                .endContainer()
                .endSpec()
                .build();
        client.pods().inNamespace("kube-system").resource(foreign).create();
        client.pods()
                .inNamespace("a")
                .resource(KubeFixtures.jobPod("a", "pending", "batch", null, "1"))
                .create();

        assertThat(new BoundPods(client, BoundPods.Lookup.LIST_AND_FILTER).boundTo("n1"))
                .extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("job1", "debug");
        assertThat(new BoundPods(client, BoundPods.Lookup.LIST_AND_FILTER).boundTo("n3"))
                .isEmpty();
    }
}
