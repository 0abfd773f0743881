package io.joblane.scaler.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.scaler.cloud.AsgSets;
import io.joblane.scaler.kube.BoundPods;
import io.joblane.scaler.kube.ClusterCache;
import io.joblane.scaler.kube.EnableCrudApiServer;
import io.joblane.scaler.kube.EventRecorder;
import io.joblane.scaler.kube.KubeClusterAccess;
import io.joblane.scaler.kube.KubeFixtures;
import io.joblane.scaler.loop.MutableClock;
import io.joblane.scaler.loop.ScaleLoop;
import io.joblane.scaler.loop.ScalerMetrics;
import io.joblane.scaler.plan.GroupSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Taints of an Auto Scaling group's node template (cluster-autoscaler's taint tag) against the tolerations of pods in
 * the Kubernetes API, through the real loop: the fabric8 mock server in CRUD mode for pods and Events, the real AWS SDK
 * against {@link FakeAutoScalingServer} for the ASGs. A pod that does not tolerate the GPU ASG's taint raises the
 * other ASG on the wire; one that tolerates it raises the GPU ASG; one no ASG admits is reported with the taint.
 */
@EnableCrudApiServer
class AsgTaintsCrudTest {
    private static final String GPU = "eks-gpu-1a";
    private static final String CPU = "eks-cpu-1a";
    private static final String TAINT_TAG = "k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu";
    private static final String CONFIG = """
            nodeGroups:
              - name: batch
                default: true
                taints: [{key: joblane.io/dedicated, value: batch, effect: NoSchedule}]
                scaling:
                  provider: aws
                  autoScalingGroups: [%s]
                  maxNodes: 10
                  node: {cpu: "4", memory: 16Gi, pods: "110"}
                  suspendAZRebalance: true
            """;

    KubernetesClient client;
    private FakeAutoScalingServer fake;
    private AwsNodeGroupProvider aws;
    private ClusterCache cache;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeAutoScalingServer();
        asg(GPU).tags.put(TAINT_TAG, "true:NoSchedule");
        asg(CPU);
    }

    @AfterEach
    void stop() {
        if (cache != null) {
            cache.close();
        }
        aws.close();
        fake.close();
    }

    private FakeAutoScalingServer.Group asg(String name) {
        FakeAutoScalingServer.Group g = fake.addGroup(name, 0, 10, 0);
        g.zones.clear();
        g.zones.add("us-east-1a");
        g.suspended.add("AZRebalance");
        g.newInstancesProtected = true;
        return g;
    }

    private ScaleLoop loop(String... asgs) throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        JoblaneConfig config = ConfigLoader.parse(CONFIG.formatted(String.join(", ", asgs)), "test");
        aws = AwsTestSupport.provider(fake, AwsGroupSettings.fromConfig(config), clock);
        AsgSets sets = new AsgSets(aws, Map.of(GroupSpec.asgSetId("batch"), List.of(asgs)));
        cache = new ClusterCache(client, () -> {});
        assertThat(cache.start(Duration.ofSeconds(30))).isEmpty();
        await().atMost(Duration.ofSeconds(20)).until(() -> !cache.pods().isEmpty());
        KubeClusterAccess access = new KubeClusterAccess(
                client,
                cache,
                new BoundPods(client, BoundPods.Lookup.LIST_AND_FILTER),
                new EventRecorder(client, clock, "test"),
                () -> config,
                clock);
        return new ScaleLoop(config, access, Map.of("batch", sets), clock, ScalerMetrics.NOOP, false);
    }

    /** A waiting Job pod as the webhook steers it (the group's toleration), plus {@code extra} tolerations. */
    private void pendingJob(String name, Toleration... extra) {
        Pod pod = KubeFixtures.jobPod("team-a", name, "batch", null, "1");
        List<Toleration> tolerations = new ArrayList<>();
        tolerations.add(new Toleration("NoSchedule", "joblane.io/dedicated", "Equal", null, "batch"));
        tolerations.add(new Toleration("NoExecute", "node.kubernetes.io/not-ready", "Exists", 300L, null));
        tolerations.addAll(List.of(extra));
        pod.getSpec().setTolerations(tolerations);
        client.pods().resource(pod).create();
    }

    private List<String> desiredCalls() {
        return fake.calls("SetDesiredCapacity").stream()
                .map(c -> c.params().get("AutoScalingGroupName") + "="
                        + c.params().get("DesiredCapacity"))
                .toList();
    }

    @Test
    void aPodWithoutTheGpuTolerationRaisesTheUntaintedGroupOnTheWire() throws Exception {
        // Guards against: a node bought in the first-listed, tainted ASG for a pod the scheduler will never put there.
        pendingJob("plain");
        loop(GPU, CPU).runOnce();

        assertThat(desiredCalls()).containsExactly(CPU + "=1");
    }

    @Test
    void aPodToleratingTheGpuTaintRaisesTheFirstListedGpuGroup() throws Exception {
        pendingJob("cuda", new Toleration("NoSchedule", "nvidia.com/gpu", "Exists", null, null));
        loop(GPU, CPU).runOnce();

        assertThat(desiredCalls()).containsExactly(GPU + "=1");
    }

    @Test
    void aPodNoGroupAdmitsRaisesNothingAndGetsAnEventNamingTheTaint() throws Exception {
        pendingJob("plain");
        loop(GPU).runOnce();

        assertThat(desiredCalls()).isEmpty();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(client.v1()
                                .events()
                                .inNamespace("team-a")
                                .list()
                                .getItems())
                        .anySatisfy(e -> {
                            assertThat(e.getReason()).isEqualTo("DoesNotFit");
                            assertThat(e.getMessage()).contains("taint nvidia.com/gpu=true:NoSchedule");
                        }));
    }
}
