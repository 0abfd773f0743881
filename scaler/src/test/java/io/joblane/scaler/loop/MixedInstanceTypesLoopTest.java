package io.joblane.scaler.loop;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.scaler.cloud.fake.FakeInstanceType;
import io.joblane.scaler.cloud.fake.FakeNodeGroupProvider;
import io.joblane.scaler.cloud.fake.LaunchRule;
import io.joblane.scaler.plan.Resources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real loop on a group of two instance types in the in-memory cloud, planned from the cloud's node template as on
 * AWS (no cpu or memory in the file): the cloud picks each new node's type, the loop never assumes one.
 */
class MixedInstanceTypesLoopTest {
    private static final String YAML = """
            nodeGroups:
              - name: batch
                default: true
                taints: [{key: joblane.io/dedicated, value: batch, effect: NoSchedule}]
                scaling:
                  provider: aws
                  autoScalingGroup: batch
                  minNodes: 0
                  maxNodes: 10
                  node: {pods: "110"}
                  bootDelay: 90s
            scaler:
              settleDelay: 30s
            """;
    private static final FakeInstanceType SMALL =
            new FakeInstanceType("m5.xlarge", Map.of("cpu", 4000L, "memory", 16 * GI, "pods", 110_000L), 0.192);
    private static final FakeInstanceType LARGE =
            new FakeInstanceType("m5.4xlarge", Map.of("cpu", 16000L, "memory", 64 * GI, "pods", 110_000L), 0.768);

    private MutableClock clock;
    private FakeCluster cluster;
    private FakeNodeGroupProvider cloud;
    private RecordingMetrics metrics;
    private ScaleLoop loop;

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(T0);
        JoblaneConfig config = ConfigLoader.parse(YAML, "test");
        cloud = new FakeNodeGroupProvider(clock)
                .addGroup("batch", 0, 10, 0, Duration.ofSeconds(90), List.of(SMALL, LARGE), LaunchRule.PRIORITIZED);
        cluster = new FakeCluster(clock).mapCloudGroup("batch", "batch", Resources.ZERO);
        cluster.shapeOfInstance =
                id -> Resources.ofMillis(cloud.instanceType(id).allocatableMillis());
        cloud.addListener(cluster);
        metrics = new RecordingMetrics();
        loop = new ScaleLoop(config, cluster, Map.of("batch", cloud), clock, metrics, false);
    }

    private void job(String name, long cpu) {
        cluster.addPod(new FakeCluster.Pod(name, "batch", res("cpu", cpu, "memory", GI), true, clock.instant()));
    }

    private void scans(int n) {
        for (int i = 0; i < n; i++) {
            loop.runOnce();
            clock.advance(Duration.ofSeconds(30));
        }
    }

    @Test
    void aPodFittingOnlyTheLargerTypeIsReportedWithItAndNoNodeIsBoughtForIt() {
        // Guards against buying nodes for it that the group launches as m5.xlarge, scan after scan (it did).
        job("wide", 8000);
        scans(20);

        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED)).isEmpty();
        assertThat(metrics.neverFits).isEqualTo(1);
        assertThat(cluster.eventMessages)
                .singleElement()
                .asString()
                .startsWith("Pod/wide DoesNotFit:")
                .contains("fit only instance type(s) m5.4xlarge of m5.xlarge, m5.4xlarge");
    }

    @Test
    void newNodesArePlannedAsTheSmallerTypeAndComeAsTheTypeTheCloudLaunches() {
        for (int i = 0; i < 6; i++) {
            job("j" + i, 1000);
        }
        loop.runOnce();
        // Four 1-cpu pods a m5.xlarge: two nodes, whichever type comes.
        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED))
                .extracting(FakeNodeGroupProvider.Call::detail)
                .containsExactly("desired=2");
        clock.advance(Duration.ofSeconds(90));
        loop.runOnce();
        assertThat(cluster.nodes.values()).hasSize(2).allMatch(n -> n.allocatable.get("cpu") == 4000);
    }

    @Test
    void whenThePreferredTypeIsOutOfCapacityTheFallbackTypeJoinsWithItsOwnShape() {
        cloud.setTypeCapacity("batch", "m5.xlarge", 0);
        for (int i = 0; i < 6; i++) {
            job("j" + i, 1000);
        }
        loop.runOnce();
        clock.advance(Duration.ofSeconds(90));
        loop.runOnce();
        assertThat(cluster.nodes.values()).hasSize(2).allMatch(n -> n.allocatable.get("cpu") == 16000);
        assertThat(cluster.nodes.values())
                .allMatch(n -> cloud.instanceType(n.instanceId).name().equals("m5.4xlarge"));
    }
}
