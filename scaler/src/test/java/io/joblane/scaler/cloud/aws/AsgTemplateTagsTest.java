package io.joblane.scaler.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.config.Taint;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** cluster-autoscaler's node-template tags, read as its AWS provider reads them; bad ones reported. */
class AsgTemplateTagsTest {

    @Test
    void labelsTaintsAndResourcesAsClusterAutoscalerWritesThem() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("k8s.io/cluster-autoscaler/node-template/label/joblane.io/node-group", "batch");
        tags.put("k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/lifecycle", "spot");
        tags.put("k8s.io/cluster-autoscaler/node-template/taint/joblane.io/dedicated", "batch:NoSchedule");
        tags.put("k8s.io/cluster-autoscaler/node-template/taint/spot", ":PreferNoSchedule");
        tags.put("k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu", "4");
        tags.put("k8s.io/cluster-autoscaler/node-template/resources/ephemeral-storage", "100Gi");
        tags.put("k8s.io/cluster-autoscaler/enabled", "true");
        tags.put("eks:nodegroup-name", "batch");

        AsgTemplateTags parsed = AsgTemplateTags.parse(tags);

        assertThat(parsed.labels())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("joblane.io/node-group", "batch", "node.kubernetes.io/lifecycle", "spot"));
        assertThat(parsed.taints())
                .containsExactly(
                        new Taint("joblane.io/dedicated", "batch", "NoSchedule"),
                        new Taint("spot", "", "PreferNoSchedule"));
        assertThat(parsed.resources())
                .containsExactlyInAnyOrderEntriesOf(Map.of("nvidia.com/gpu", "4", "ephemeral-storage", "100Gi"));
        assertThat(parsed.problems()).isEmpty();
    }

    @Test
    void aMalformedTagIsReportedNotSilentlyDropped() {
        AsgTemplateTags parsed = AsgTemplateTags.parse(Map.of(
                "k8s.io/cluster-autoscaler/node-template/taint/gpu", "NoSchedule",
                "k8s.io/cluster-autoscaler/node-template/resources/pods", "lots"));
        assertThat(parsed.taints()).isEmpty();
        assertThat(parsed.resources()).isEmpty();
        assertThat(parsed.problems())
                .containsExactlyInAnyOrder(
                        "tag k8s.io/cluster-autoscaler/node-template/taint/gpu=NoSchedule ignored: the value must be "
                                + "<value>:<Effect> with Effect NoSchedule, PreferNoSchedule or NoExecute",
                        "tag k8s.io/cluster-autoscaler/node-template/resources/pods=lots ignored: not a Kubernetes quantity");
    }
}
