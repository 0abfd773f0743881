package io.joblane.scaler.loop;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.WellKnown;
import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.scaler.cloud.AsgSets;
import io.joblane.scaler.cloud.fake.FakeNodeGroupProvider;
import io.joblane.scaler.kube.StatusText;
import io.joblane.scaler.plan.GroupSpec;
import io.joblane.scaler.plan.PodConstraints;
import io.joblane.scaler.plan.Resources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real loop on a node group over an on-demand and a Spot Auto Scaling group of different templates, the in-memory
 * cloud built from the node-group file's {@code scaling.memory} section: a pod that selects Spot gets a Spot node
 * (once), a pod no member can take is reported, and decisions, status and metrics name the member raised.
 */
class AsgAffinityLoopTest {
    private static final String YAML = """
            nodeGroups:
              - name: batch
                default: true
                taints: [{key: joblane.io/dedicated, value: batch, effect: NoSchedule}]
                scaling:
                  provider: memory
                  autoScalingGroups: [batch-od, batch-spot]
                  maxNodes: 10
                  bootDelay: 90s
                  memory:
                    instanceTypes:
                      - {name: m5.xlarge, allocatable: {cpu: "4", memory: 16Gi, pods: "58"}}
                    autoScalingGroups:
                      batch-od: {labels: {eks.amazonaws.com/capacityType: ON_DEMAND}, zone: zone-a}
                      batch-spot:
                        labels: {eks.amazonaws.com/capacityType: SPOT}
                        zone: zone-a
                        instanceTypes:
                          - {name: m5.2xlarge, allocatable: {cpu: "8", memory: 32Gi, pods: "58"}}
            scaler:
              settleDelay: 30s
            """;

    private MutableClock clock;
    private FakeCluster cluster;
    private FakeNodeGroupProvider cloud;
    private RecordingMetrics metrics;
    private ScaleLoop loop;

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(T0);
        JoblaneConfig config = ConfigLoader.parse(YAML, "test");
        cloud = FakeNodeGroupProvider.fromConfig(config, clock);
        cluster = new FakeCluster(clock)
                .mapCloudGroup("batch-od", "batch", Resources.ZERO)
                .mapCloudGroup("batch-spot", "batch", Resources.ZERO);
        cluster.shapeOfInstance =
                id -> Resources.ofMillis(cloud.instanceType(id).allocatableMillis());
        cluster.labelsOfInstance = cloud::nodeLabels;
        cloud.addListener(cluster);
        metrics = new RecordingMetrics();
        AsgSets sets = new AsgSets(cloud, Map.of(GroupSpec.asgSetId("batch"), List.of("batch-od", "batch-spot")));
        loop = new ScaleLoop(config, cluster, Map.of("batch", sets), clock, metrics, false);
    }

    private FakeCluster.Pod job(String name, long cpu, Map<String, String> selector) {
        FakeCluster.Pod p = cluster.addPod(
                new FakeCluster.Pod(name, "batch", res("cpu", cpu, "memory", GI), true, clock.instant()));
        p.constraints = PodConstraints.of(selector, null, null, null);
        return p;
    }

    private void scans(int n) {
        for (int i = 0; i < n; i++) {
            loop.runOnce();
            clock.advance(Duration.ofSeconds(30));
        }
    }

    @Test
    void aPodSelectingSpotGetsOneNodeOfTheSpotGroupAndTheDecisionStatusAndMetricNameIt() {
        // Guards against: planning with the first ASG's template (on-demand), so the Spot pod was reported, not served.
        job("spot-job", 1000, Map.of(WellKnown.EKS_CAPACITY_TYPE_LABEL, "SPOT"));
        ScanResult first = loop.runOnce();

        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED))
                .extracting(c -> c.groupId() + " " + c.detail())
                .containsExactly("batch-spot desired=1");
        assertThat(first.groups().get("batch").lastAction())
                .isEqualTo("scale joblane-group/batch from 0 to 1 (batch-spot 0 -> 1)");
        assertThat(metrics.asgNodesRequested).containsExactly(Map.entry("batch/batch-spot", 1));
        assertThat(StatusText.render(first, "me").get("batch"))
                .contains("autoScalingGroups:\n")
                .contains("\"batch-od\": {desired: 0, max: 10, zones: [zone-a], instances: []}")
                .contains("\"batch-spot\": {desired: 1, max: 10, zones: [zone-a], instances: [");

        // While it boots and once it is a node, nothing more is bought: it is the Spot pod's node.
        clock.advance(Duration.ofSeconds(30));
        scans(6);
        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED)).hasSize(1);
        assertThat(cluster.nodes.values()).singleElement().satisfies(n -> {
            assertThat(n.labels)
                    .containsEntry(WellKnown.EKS_CAPACITY_TYPE_LABEL, "SPOT")
                    .containsEntry(WellKnown.INSTANCE_TYPE_LABEL, "m5.2xlarge");
            assertThat(n.allocatable.get("cpu")).isEqualTo(8000);
        });
    }

    @Test
    void templateTaintsFromTheFileKeepPodsWithoutTheTolerationOffThatMembersNodes() throws Exception {
        // Guards against: scaling.memory having no taints, so a tainted ASG could not be shown without AWS.
        JoblaneConfig config = ConfigLoader.parse(
                YAML.replace(
                        "batch-od: {labels:",
                        "batch-od: {taints: [{key: nvidia.com/gpu, value: \"true\", effect: NoSchedule}], labels:"),
                "test");
        cloud = FakeNodeGroupProvider.fromConfig(config, clock);
        cluster.labelsOfInstance = cloud::nodeLabels;
        cluster.taintsOfInstance = cloud::nodeTaints;
        cloud.addListener(cluster);
        AsgSets sets = new AsgSets(cloud, Map.of(GroupSpec.asgSetId("batch"), List.of("batch-od", "batch-spot")));
        loop = new ScaleLoop(config, cluster, Map.of("batch", sets), clock, metrics, false);
        FakeCluster.Pod cuda = job("cuda", 1000, Map.of());
        cuda.constraints = PodConstraints.tolerating(
                List.of(new io.joblane.scaler.plan.Toleration("nvidia.com/gpu", "Exists", null, null)));
        job("plain", 1000, Map.of());
        loop.runOnce();

        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED))
                .extracting(c -> c.groupId() + " " + c.detail())
                .containsExactlyInAnyOrder("batch-od desired=1", "batch-spot desired=1");
        clock.advance(Duration.ofSeconds(120));
        scans(1);
        assertThat(cluster.nodes.values())
                .filteredOn(n -> n.labels.get(WellKnown.EKS_CAPACITY_TYPE_LABEL).equals("ON_DEMAND"))
                .singleElement()
                .satisfies(n -> assertThat(n.taints)
                        .containsExactly(new io.joblane.model.config.Taint("nvidia.com/gpu", "true", "NoSchedule")));
    }

    @Test
    void aPodNoMemberCanTakeIsReportedNamingEachAndNothingIsBought() {
        job("reserved", 1000, Map.of(WellKnown.EKS_CAPACITY_TYPE_LABEL, "CAPACITY_BLOCK"));
        scans(5);

        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED)).isEmpty();
        assertThat(metrics.neverFits).isEqualTo(1);
        assertThat(cluster.eventMessages)
                .singleElement()
                .asString()
                .startsWith("Pod/reserved DoesNotFit:")
                .contains("Auto Scaling group(s) batch-od (m5.xlarge): nodeSelector "
                        + WellKnown.EKS_CAPACITY_TYPE_LABEL + "=CAPACITY_BLOCK")
                .contains("Auto Scaling group(s) batch-spot (m5.2xlarge): nodeSelector");
    }

    @Test
    void unconstrainedPodsGoToTheFirstListedGroupAndAWidePodToTheOnlyTypeItFits() {
        // Largest first: the 6-cpu pod fits only m5.2xlarge (batch-spot); the 3-cpu one no longer fits beside it and
        // opens a node of the first listed group with room, batch-od.
        job("small", 3000, Map.of());
        job("wide", 6000, Map.of());
        loop.runOnce();

        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED))
                .extracting(c -> c.groupId() + " " + c.detail())
                .containsExactlyInAnyOrder("batch-od desired=1", "batch-spot desired=1");
    }
}
