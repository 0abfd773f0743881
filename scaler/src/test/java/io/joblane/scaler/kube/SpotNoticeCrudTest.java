package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.joblane.model.WellKnown;
import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.scaler.cloud.fake.FakeNodeGroupProvider;
import io.joblane.scaler.loop.MutableClock;
import io.joblane.scaler.loop.ScaleLoop;
import io.joblane.scaler.loop.ScalerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Spot notices through the real Kubernetes side: a notice taint put on a node (as AWS Node Termination Handler does)
 * is read from the informers, the scaler's fence (draining taint and label) is written on the node, and the notice is
 * reported with one Event and one count, while the busy node is never terminated.
 */
@EnableCrudApiServer
class SpotNoticeCrudTest {
    static final String CONFIG = """
            nodeGroups:
              - name: batch
                default: true
                taints: [{key: joblane.io/dedicated, value: batch, effect: NoSchedule}]
                scaling: {provider: memory, minNodes: 0, maxNodes: 5, node: {cpu: "16", memory: 64Gi, pods: "110"},
                          scaleDownDelay: 1m, bootDelay: 0s}
            scaler:
              scanInterval: 10s
              settleDelay: 30s
            """;

    KubernetesClient client;
    ClusterCache cache;

    @AfterEach
    void tearDown() {
        if (cache != null) {
            cache.close();
        }
    }

    @Test
    void anInterruptionTaintFencesTheBusyNodeAtOnceAndIsReportedOnce() throws Exception {
        List<String> counted = new ArrayList<>();
        World w = world(CONFIG, "aws-node-termination-handler/spot-itn", counted);
        w.loop.runOnce();
        w.loop.runOnce();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> fenced(client.nodes().withName("n1").get()));
        assertThat(counted).containsExactly("batch/interruption");
        assertThat(w.cloud.peek("batch").instances()).hasSize(1);
        List<Event> events = client.v1().events().inAnyNamespace().list().getItems();
        assertThat(events)
                .filteredOn(e -> e.getReason().equals("SpotInterruptionNotice"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getInvolvedObject().getName()).isEqualTo("n1");
                    assertThat(e.getType()).isEqualTo("Warning");
                });
    }

    @Test
    void theRecognisedTaintKeysComeFromTheConfig() throws Exception {
        // Guards against: scaler.spot ignored, so a cluster whose handler uses other taint keys is never fenced.
        String config = CONFIG + "  spot: {interruptionTaints: [], rebalanceTaints: [example.com/spot-rebalance]}\n";
        List<String> counted = new ArrayList<>();
        // One cluster (one informer cache, as the scaler runs), two spot nodes: only the configured key is a notice.
        World w = world(
                config,
                counted,
                Map.of("n1", "example.com/spot-rebalance", "n2", "aws-node-termination-handler/spot-itn"));
        w.loop.runOnce();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> fenced(client.nodes().withName("n1").get()));
        assertThat(counted).containsExactly("batch/rebalance");
        assertThat(client.nodes().withName("n2").get().getSpec().getTaints())
                .noneMatch(t -> WellKnown.DRAINING_TAINT.equals(t.getKey()));
    }

    private record World(ScaleLoop loop, FakeNodeGroupProvider cloud) {}

    private World world(String yaml, String noticeTaint, List<String> counted) throws Exception {
        return world(yaml, counted, Map.of("n1", noticeTaint));
    }

    /** A group with one spot node per entry, each carrying its notice taint and running one Job pod. */
    private World world(String yaml, List<String> counted, Map<String, String> noticeTaintByNode) throws Exception {
        MutableClock clock = new MutableClock(Instant.now().plusSeconds(60));
        JoblaneConfig config = ConfigLoader.parse(yaml, "test");
        FakeNodeGroupProvider cloud =
                new FakeNodeGroupProvider(clock).addGroup("batch", 0, 5, noticeTaintByNode.size(), Duration.ZERO);
        List<String> nodeNames = noticeTaintByNode.keySet().stream().sorted().toList();
        for (int i = 0; i < nodeNames.size(); i++) {
            String nodeName = nodeNames.get(i);
            String instanceId = cloud.peek("batch").instances().get(i).id();
            Node node = KubeFixtures.node(nodeName, "batch", instanceId);
            node.getSpec().setProviderID("memory:///zone-a/" + instanceId);
            node.getMetadata().getLabels().put(WellKnown.EKS_CAPACITY_TYPE_LABEL, WellKnown.EKS_CAPACITY_SPOT);
            List<Taint> taints =
                    new ArrayList<>(Objects.requireNonNullElse(node.getSpec().getTaints(), List.of()));
            taints.add(new Taint("NoSchedule", noticeTaintByNode.get(nodeName), null, "event-1"));
            node.getSpec().setTaints(taints);
            client.nodes().resource(node).create();
            client.pods()
                    .resource(KubeFixtures.jobPod("team-a", "job-" + nodeName, "batch", nodeName, "1"))
                    .create();
        }
        cache = new ClusterCache(client, () -> {});
        assertThat(cache.start(Duration.ofSeconds(30))).isEmpty();
        await().atMost(Duration.ofSeconds(20)).until(() -> cache.nodes().size() == nodeNames.size());
        KubeClusterAccess access = new KubeClusterAccess(
                client,
                cache,
                new BoundPods(client, BoundPods.Lookup.LIST_AND_FILTER),
                new EventRecorder(client, clock, "test"),
                () -> config,
                clock);
        ScalerMetrics metrics = new ScalerMetrics() {
            @Override
            public void spotNotice(String group, String kind) {
                counted.add(group + "/" + kind);
            }
        };
        return new World(new ScaleLoop(config, access, Map.of("batch", cloud), clock, metrics, false), cloud);
    }

    /** The scaler's fence: the committed draining taint and the label no toleration crosses. */
    private static boolean fenced(Node n) {
        boolean taint = n.getSpec().getTaints() != null
                && n.getSpec().getTaints().stream()
                        .anyMatch(
                                t -> WellKnown.DRAINING_TAINT.equals(t.getKey()) && "NoSchedule".equals(t.getEffect()));
        return taint && "true".equals(n.getMetadata().getLabels().get(WellKnown.DRAINING_LABEL));
    }
}
