package io.joblane.scaler.loop;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.logging.LogFields;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.fake.FakeNodeGroupProvider;
import io.joblane.scaler.plan.NodeAnnotations;
import io.joblane.scaler.plan.PlanAction;
import io.joblane.scaler.plan.Resources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class ActionLogFieldsTest {

    @Test
    void aTerminationCarriesGroupActionNodeAndInstanceUntilClosed() {
        try (LogFields.Scope fields = ActionLogFields.scope(
                "gpu", new PlanAction.Terminate("ip-1", "i-0abc", PlanAction.TerminateReason.SETTLED, "empty"))) {
            assertThat(MDC.getCopyOfContextMap())
                    .containsExactlyInAnyOrderEntriesOf(
                            Map.of("group", "gpu", "action", "Terminate", "node", "ip-1", "instance", "i-0abc"));
        }
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void anActionWithoutANodeOrInstanceCarriesOnlyGroupAndAction() {
        try (LogFields.Scope fields =
                ActionLogFields.scope("gpu", new PlanAction.ScaleUp(1, 2, 3, List.of(), "waiting"))) {
            assertThat(MDC.getCopyOfContextMap()).containsOnlyKeys("group", "action");
        }
    }

    /** Guards against the loop logging an action's decision line without the fields an operator filters on. */
    @Test
    void theLoopLogsATerminationWithItsFields() throws Exception {
        JoblaneConfig config = ConfigLoader.parse("""
                nodeGroups:
                  - name: batch
                    default: true
                    scaling: {provider: memory, maxNodes: 3, node: {cpu: "4", memory: 16Gi, pods: "110"}}
                """, "test");
        Resources shape = res("cpu", 4000, "memory", 16 * GI, "pods", 110_000);
        MutableClock clock = new MutableClock(T0);
        FakeCluster cluster = new FakeCluster(clock).mapCloudGroup("batch", "batch", shape);
        FakeNodeGroupProvider cloud = FakeNodeGroupProvider.fromConfig(config, clock);
        cloud.addListener(cluster);
        cloud.setDesiredCapacity("batch", 1);
        clock.advance(Duration.ofSeconds(90));
        cloud.advance();
        cloud.setScaleInProtection(
                "batch",
                cloud.peek("batch").instances().stream().map(CloudInstance::id).toList(),
                true);
        FakeCluster.Node idle = cluster.nodes.values().iterator().next();
        idle.unschedulable = true;
        idle.annotations.put(NodeAnnotations.UNNEEDED_SINCE, NodeAnnotations.format(T0));
        idle.annotations.put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(T0));
        clock.advance(Duration.ofMinutes(20));

        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        Logger logger = (Logger) LoggerFactory.getLogger(ScaleLoop.class);
        logger.addAppender(captured);
        try {
            new ScaleLoop(config, cluster, Map.of("batch", cloud), clock, new RecordingMetrics(), false).runOnce();
        } finally {
            logger.detachAppender(captured);
        }

        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).hasSize(1);
        assertThat(captured.list)
                .filteredOn(e -> "Terminate".equals(e.getMDCPropertyMap().get("action")))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getMDCPropertyMap())
                        .containsEntry("group", "batch")
                        .containsEntry("node", idle.name)
                        .containsEntry("instance", idle.instanceId));
    }
}
