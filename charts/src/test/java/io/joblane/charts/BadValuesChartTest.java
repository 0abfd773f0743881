package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad values stop `helm template` with the schema's (or the chart's) message naming the field. */
class BadValuesChartTest {
    @TempDir
    Path tmp;

    private Chart withValues(String yaml) throws Exception {
        Path file = Files.createTempFile(tmp, "bad", ".yaml");
        Files.writeString(file, yaml);
        return Chart.chart().values(file);
    }

    @Test
    void wrongType() {
        assertThatThrownBy(
                        () -> Chart.chart().set("webhook.replicaCount", "two").template())
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("/webhook/replicaCount")
                .hasMessageContaining("want integer");
    }

    @Test
    void unknownGroupSetting() throws Exception {
        Chart chart = withValues("""
                config:
                  nodeGroups:
                    - name: batch
                      default: true
                      nodeSelectr: {disk: ssd}
                """);
        assertThatThrownBy(chart::template)
                .hasMessageContaining("/config/nodeGroups/0")
                .hasMessageContaining("additional properties 'nodeSelectr' not allowed");
    }

    @Test
    void unknownScalingSetting() throws Exception {
        Chart chart = withValues("""
                config:
                  nodeGroups:
                    - name: batch
                      default: true
                      scaling:
                        autoScalingGroup: asg
                        maxNodes: 3
                        maxNode: 4
                        node: {cpu: "4", memory: 16Gi}
                """);
        assertThatThrownBy(chart::template)
                .hasMessageContaining("/config/nodeGroups/0/scaling")
                .hasMessageContaining("additional properties 'maxNode' not allowed");
    }

    @Test
    void anAwsGroupMayLeaveItsNodeShapeToItsAutoScalingGroup() throws Exception {
        // Guards against the schema refusing scale from zero with the shape read from the ASG's node template.
        withValues("""
                config:
                  nodeGroups:
                    - name: batch
                      default: true
                      scaling: {autoScalingGroup: asg, maxNodes: 3, node: {pods: "58"}}
                """).template();
    }

    @Test
    void groupWithoutName() throws Exception {
        Chart chart = withValues("""
                config:
                  nodeGroups:
                    - default: true
                      taints: [{key: joblane.io/dedicated, value: batch, effect: NoSchedule}]
                """);
        assertThatThrownBy(chart::template)
                .hasMessageContaining("/config/nodeGroups/0")
                .hasMessageContaining("missing property 'name'");
    }

    @Test
    void wrongTypeInsideAGroup() throws Exception {
        Chart chart = withValues("""
                config:
                  nodeGroups:
                    - name: batch
                      default: "yes"
                """);
        assertThatThrownBy(chart::template)
                .hasMessageContaining("/config/nodeGroups/0/default")
                .hasMessageContaining("want boolean");
    }

    @Test
    void badTaintEffect() throws Exception {
        Chart chart = withValues("""
                config:
                  nodeGroups:
                    - name: batch
                      default: true
                      taints: [{key: joblane.io/dedicated, value: batch, effect: NoScheduel}]
                """);
        assertThatThrownBy(chart::template).hasMessageContaining("/config/nodeGroups/0/taints/0/effect");
    }

    @Test
    void awsGroupWithoutAutoScalingGroup() throws Exception {
        Chart chart = withValues("""
                config:
                  nodeGroups:
                    - name: batch
                      default: true
                      scaling:
                        maxNodes: 3
                        node: {cpu: "4", memory: 16Gi}
                """);
        assertThatThrownBy(chart::template)
                .hasMessageContaining("/config/nodeGroups/0/scaling")
                .hasMessageContaining("missing property 'autoScalingGroup'");
    }

    @Test
    void badDuration() {
        assertThatThrownBy(() -> Chart.chart()
                        .set("config.scaler.scanInterval", "10 seconds")
                        .template())
                .hasMessageContaining("/config/scaler/scanInterval");
    }

    @Test
    void failurePolicyOutsideTheApiEnum() {
        assertThatThrownBy(() ->
                        Chart.chart().set("webhook.failurePolicy", "Retry").template())
                .hasMessageContaining("/webhook/failurePolicy");
    }

    @Test
    void unknownTopLevelKey() {
        assertThatThrownBy(() -> Chart.chart().set("webhok.replicaCount", 3).template())
                .hasMessageContaining("additional properties 'webhok' not allowed");
    }

    @Test
    void twoDefaultGroups() throws Exception {
        Chart chart = withValues("""
                config:
                  nodeGroups:
                    - {name: a, default: true}
                    - {name: b, default: true}
                """);
        assertThatThrownBy(chart::template)
                .hasMessageContaining("config.nodeGroups: exactly one group must have default: true (found 2)");
    }

    /** Guards against Job pods waiting forever for a scheduler that was never installed. */
    @Test
    void groupUsingThePackingSchedulerWhileItIsOff() throws Exception {
        Chart chart = withValues("""
                packingScheduler:
                  enabled: false
                config:
                  nodeGroups:
                    - {name: batch, default: true, schedulerName: joblane-packing-scheduler}
                """);
        assertThatThrownBy(chart::template)
                .hasMessageContaining(
                        "uses schedulerName \"joblane-packing-scheduler\" but packingScheduler.enabled is false");
    }

    @Test
    void nodeShapeWithoutMemory() throws Exception {
        Chart chart = withValues("""
                config:
                  nodeGroups:
                    - name: batch
                      default: true
                      scaling: {provider: memory, maxNodes: 3, node: {cpu: "4"}}
                """);
        assertThatThrownBy(chart::template)
                .hasMessageContaining("/config/nodeGroups/0/scaling/node")
                .hasMessageContaining("missing property 'memory'");
    }

    /** Every object the schema describes is closed, so a typo anywhere is refused rather than ignored. */
    @Test
    void schemaClosesEveryObjectItDescribes() throws Exception {
        tools.jackson.databind.JsonNode schema = new tools.jackson.databind.ObjectMapper()
                .readTree(Files.readString(Chart.DIR.resolve("values.schema.json")));
        java.util.List<String> open = new java.util.ArrayList<>();
        walk(schema, "", open);
        org.assertj.core.api.Assertions.assertThat(open).isEmpty();
    }

    private static void walk(tools.jackson.databind.JsonNode node, String at, java.util.List<String> open) {
        if (node.isObject()) {
            if (node.has("properties") && !node.path("additionalProperties").isBoolean()) {
                open.add(at);
            } else if (node.has("properties")
                    && node.path("additionalProperties").asBoolean()) {
                open.add(at);
            }
            for (var field : node.properties()) {
                if (java.util.Set.of("if", "then", "else", "not", "contains", "anyOf")
                        .contains(field.getKey())) {
                    continue; // conditions on a value already described (and closed) by its parent
                }
                walk(field.getValue(), at + "/" + field.getKey(), open);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), at + "/" + i, open);
            }
        }
    }
}
