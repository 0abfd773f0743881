package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.joblane.model.WellKnown;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@EnableCrudApiServer
class ClusterCacheCrudTest {
    /** The cached group pods bound to a node. */
    static List<Pod> podsOn(ClusterCache cache, String node) {
        return cache.pods().stream()
                .filter(p -> node.equals(p.getSpec().getNodeName()))
                .toList();
    }

    KubernetesClient client;

    @Test
    void seesOnlyGroupNodesAndPodsAndEveryDaemonSetTrimmed() {
        client.nodes().resource(KubeFixtures.node("n1", "batch", "i-1")).create();
        Node other = KubeFixtures.node("sys-1", "x", "i-9");
        other.getMetadata().getLabels().remove(WellKnown.NODE_GROUP_LABEL);
        client.nodes().resource(other).create();
        client.pods()
                .inNamespace("a")
                .resource(KubeFixtures.jobPod("a", "job1", "batch", "n1", "2"))
                .create();
        client.pods()
                .inNamespace("a")
                .resource(KubeFixtures.jobPod("a", "job2", "batch", null, "1"))
                .create();
        client.pods()
                .inNamespace("kube-system")
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("coredns")
                        .withNamespace("kube-system")
                        .endMetadata()
                        .withNewSpec()
                        .withNodeName("sys-1")
                        .addNewContainer()
                        .withName("c")
                        .endContainer()
                        .endSpec()
                        .build())
                .create();
        client.apps()
                .daemonSets()
                .inNamespace("kube-system")
                .resource(new DaemonSetBuilder()
                        .withNewMetadata()
                        .withName("kube-proxy")
                        .withNamespace("kube-system")
                        .endMetadata()
                        .withNewSpec()
                        .withNewTemplate()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("c")
                        .endContainer()
                        .endSpec()
                        .endTemplate()
                        .endSpec()
                        .build())
                .create();

        AtomicInteger changes = new AtomicInteger();
        try (ClusterCache cache = new ClusterCache(client, changes::incrementAndGet)) {
            assertThat(cache.start(Duration.ofSeconds(30))).isEmpty();
            assertThat(cache.synced()).isTrue();
            assertThat(cache.nodes()).extracting(n -> n.getMetadata().getName()).containsExactly("n1");
            assertThat(cache.pods())
                    .extracting(p -> p.getMetadata().getName())
                    .containsExactlyInAnyOrder("job1", "job2");
            assertThat(podsOn(cache, "n1"))
                    .extracting(p -> p.getMetadata().getName())
                    .containsExactly("job1");
            assertThat(cache.daemonSets())
                    .extracting(d -> d.getMetadata().getName())
                    .containsExactly("kube-proxy");

            Pod cached = podsOn(cache, "n1").get(0);
            assertThat(cached.getSpec().getContainers().get(0).getEnv()).isEmpty();
            assertThat(cached.getSpec().getContainers().get(0).getImage()).isNull();
            assertThat(cached.getMetadata().getAnnotations()).isNull();
            assertThat(cached.getMetadata().getLabels())
                    .containsOnlyKeys(WellKnown.NODE_GROUP_LABEL, WellKnown.JOB_NAME_LABEL);
            assertThat(cached.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(o -> assertThat(o.getKind()).isEqualTo("Job"));
            assertThat(cached.getStatus().getContainerStatuses()).isEmpty();
            assertThat(PodRequests.of(cached.getSpec())).containsEntry("cpu", 2000L);
            Node node = cache.nodes().get(0);
            assertThat(node.getStatus().getImages()).isEmpty();
            assertThat(node.getStatus().getConditions())
                    .extracting(c -> c.getType())
                    .containsExactly("Ready");
            assertThat(node.getSpec().getProviderID()).isEqualTo("aws:///us-east-1a/i-1");

            int before = changes.get();
            client.pods()
                    .inNamespace("a")
                    .resource(KubeFixtures.jobPod("a", "job3", "batch", null, "1"))
                    .create();
            await().atMost(Duration.ofSeconds(20)).until(() -> cache.pods().size() == 3);
            assertThat(changes.get()).isGreaterThan(before);

            new NodeWriter(client).setDrainingTaint("n1", NodeWriter.NO_SCHEDULE);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> cache.nodes().get(0).getSpec().getTaints().stream()
                            .anyMatch(t -> WellKnown.DRAINING_TAINT.equals(t.getKey())));
        }
    }

    // Guards against a start-up that hangs forever when the API server is unreachable or RBAC forbids a list.
    @Test
    void startGivesUpAfterTheTimeoutAndNamesTheInformers() throws Exception {
        // Port 1 (tcpmux) is privileged and never served here: refused, where a port freed by the test could be reused.
        try (KubernetesClient unreachable = new KubernetesClientBuilder()
                        .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                                .withMasterUrl("http://127.0.0.1:1")
                                .withRequestRetryBackoffLimit(0)
                                .build())
                        .build();
                ClusterCache cache = new ClusterCache(unreachable, () -> {})) {
            List<String> problems = cache.start(Duration.ofSeconds(2));
            assertThat(cache.synced()).isFalse();
            assertThat(problems).hasSize(6).allSatisfy(p -> assertThat(p).contains("not synced"));
            assertThat(String.join("\n", problems))
                    .contains("informer nodes")
                    .contains("informer pods")
                    .contains("informer daemonsets")
                    .contains("ConnectException");
        }
    }

    /** A client of {@code server}, a socket that takes connections and never answers. */
    private static KubernetesClient clientOf(ServerSocket server) {
        return new KubernetesClientBuilder()
                .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + server.getLocalPort())
                        .build())
                .build();
    }

    // Guards against: an informer stopped before its first sync reported as "no answer from the API server yet",
    // which hid why a start-up wait ended early.
    @Test
    void anInformerStoppedBeforeItsSyncIsReportedAsStopped() throws Exception {
        // A server that takes connections and never answers: no list fails, so no informer error is recorded.
        try (ServerSocket silent = new ServerSocket(0);
                KubernetesClient client = clientOf(silent)) {
            ClusterCache cache = new ClusterCache(client, () -> {});
            java.util.concurrent.CompletableFuture<List<String>> started =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> cache.start(Duration.ofSeconds(60)));
            // Each informer's list is a connection to the silent server: all six started before the close.
            List<java.net.Socket> lists = new java.util.ArrayList<>();
            silent.setSoTimeout(30_000);
            while (lists.size() < 6) {
                lists.add(silent.accept());
            }
            cache.close();
            List<String> problems = started.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(problems).hasSize(6).allSatisfy(p -> assertThat(p).contains("stopped before starting"));
            for (java.net.Socket list : lists) {
                list.close();
            }
        }
    }

    // Guards against: a SIGTERM closing the cache while start-up had not started every informer yet failed start-up
    // with fabric8's "Cannot restart a stopped informer" instead of reporting the informers as stopped.
    @Test
    void aCacheClosedBeforeItsInformersStartReportsThemStopped() throws Exception {
        try (ServerSocket silent = new ServerSocket(0);
                KubernetesClient client = clientOf(silent)) {
            ClusterCache cache = new ClusterCache(client, () -> {});
            cache.close();
            List<String> problems = cache.start(Duration.ofSeconds(20));
            assertThat(problems).hasSize(6).allSatisfy(p -> assertThat(p).contains("stopped before starting"));
        }
    }

    @Test
    void aPodSentToAGroupOnlyByItsNodeSelectorIsSeenWhileItWaits() {
        // Guards against: a pod with nodeSelector joblane.io/node-group=batch but no group label never scaled for.
        Pod pinned = KubeFixtures.jobPod("a", "pinned", "batch", null, "1");
        pinned.getMetadata().getLabels().remove(WellKnown.NODE_GROUP_LABEL);
        pinned.getSpec().setNodeSelector(java.util.Map.of(WellKnown.NODE_GROUP_LABEL, "batch"));
        client.pods().inNamespace("a").resource(pinned).create();
        Pod unrelated = new PodBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("a")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("c")
                .endContainer()
                .endSpec()
                .build();
        client.pods().inNamespace("a").resource(unrelated).create();

        try (ClusterCache cache = new ClusterCache(client, () -> {})) {
            assertThat(cache.start(Duration.ofSeconds(30))).isEmpty();
            assertThat(cache.pods()).isEmpty();
            assertThat(cache.unscheduledGroupPods())
                    .extracting(p -> p.getMetadata().getName())
                    .containsExactly("pinned");
        }
    }
}
