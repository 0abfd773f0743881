package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An existing node's own taints, read from the API server (fabric8 mock server in CRUD mode) through the informers,
 * decide whether a waiting pod may use its free room: a node an operator tainted {@code nvidia.com/gpu:NoSchedule}
 * is no room for a Job pod that does not tolerate it, so the real loop raises the group.
 */
@EnableCrudApiServer
class NodeTaintsCrudTest {
    KubernetesClient client;
    private MutableClock clock;
    private JoblaneConfig config;
    private ClusterCache cache;
    private KubeClusterAccess access;
    private FakeNodeGroupProvider cloud;

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(Instant.now().plusSeconds(60));
        config = ConfigLoader.parse(KubeClusterAccessCrudTest.CONFIG, "test");
        cloud = new FakeNodeGroupProvider(clock).addGroup("batch", 0, 5, 1, Duration.ZERO);
    }

    @AfterEach
    void tearDown() {
        if (cache != null) {
            cache.close();
        }
    }

    /** The group's one node (16 cpu, free), with {@code extra} taints beside the group's own. */
    private void start(Taint... extra) {
        String instanceId = cloud.peek("batch").instances().get(0).id();
        Node node = KubeFixtures.node("n1", "batch", instanceId);
        node.getSpec().setProviderID("memory:///zone-a/" + instanceId);
        node.getSpec().getTaints().addAll(List.of(extra));
        client.nodes().resource(node).create();
        cache = new ClusterCache(client, () -> {});
        assertThat(cache.start(Duration.ofSeconds(30))).isEmpty();
        access = new KubeClusterAccess(
                client,
                cache,
                new BoundPods(client, BoundPods.Lookup.LIST_AND_FILTER),
                new EventRecorder(client, clock, "test"),
                () -> config,
                clock);
    }

    /** A waiting Job pod of 4 cpu as the webhook steers it, with {@code extra} tolerations. */
    private void pendingJob(Toleration... extra) {
        Pod pod = KubeFixtures.jobPod("team-a", "job", "batch", null, "4");
        List<Toleration> tolerations = new ArrayList<>();
        tolerations.add(new Toleration("NoSchedule", "joblane.io/dedicated", "Equal", null, "batch"));
        tolerations.addAll(List.of(extra));
        pod.getSpec().setTolerations(tolerations);
        client.pods().inNamespace("team-a").resource(pod).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> cache.pods().size() == 1);
    }

    private List<String> desiredCalls() {
        new ScaleLoop(config, access, Map.of("batch", cloud), clock, ScalerMetrics.NOOP, false).runOnce();
        return cloud.calls(FakeNodeGroupProvider.SET_DESIRED).stream()
                .map(c -> c.detail())
                .toList();
    }

    @Test
    void theSnapshotCarriesTheNodesTaintsAsTheApiShowsThem() throws Exception {
        start(new Taint("NoSchedule", "nvidia.com/gpu", null, "present"));

        assertThat(access.snapshot().nodes())
                .singleElement()
                .satisfies(n -> assertThat(n.taints())
                        .containsExactly(
                                new io.joblane.model.config.Taint("joblane.io/dedicated", "batch", "NoSchedule"),
                                new io.joblane.model.config.Taint("nvidia.com/gpu", "present", "NoSchedule")));
    }

    @Test
    void aPodNotToleratingAnOperatorsTaintOnTheFreeNodeRaisesTheGroup() {
        // Guards against: the pod counted as fitting the tainted node, no scale-up, and the pod waiting forever.
        start(new Taint("NoSchedule", "nvidia.com/gpu", null, null));
        pendingJob();

        assertThat(desiredCalls()).singleElement().satisfies(d -> assertThat(d).contains("2"));
    }

    @Test
    void aPodToleratingTheTaintUsesTheFreeNode() {
        start(new Taint("NoSchedule", "nvidia.com/gpu", null, null));
        pendingJob(new Toleration("NoSchedule", "nvidia.com/gpu", "Exists", null, null));

        assertThat(desiredCalls()).isEmpty();
    }
}
