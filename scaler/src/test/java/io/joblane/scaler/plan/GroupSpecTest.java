package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.index;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.scaler.cloud.CloudGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupSpecTest {
    private static final String NO_PODS = """
            nodeGroups:
              - name: batch
                default: true
                scaling:
                  provider: memory
                  maxNodes: 10
                  node: {cpu: "1000", memory: 4000Gi}
            """;

    @Test
    void aTemplateWithoutPodsMeansTheKubeletDefaultNotUnlimited() throws Exception {
        // Guards against: a template without "pods" packing any number of tiny pods onto one new node.
        JoblaneConfig config = ConfigLoader.parse(NO_PODS, "test");
        GroupSpec spec = GroupSpec.of(config.scaledGroups().get(0), config.scaler());
        assertThat(spec.shape().get("pods")).isEqualTo(110_000);

        List<PodInfo> tiny = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            tiny.add(Fixtures.pending("p" + i, "batch", Fixtures.cpuMem(10, Fixtures.MI)));
        }
        GroupPlan plan = Planner.plan(
                spec, index(List.of(), tiny), new CloudGroup("batch", 0, 0, 10, List.of(), List.of(), false), T0);
        assertThat(plan.newNodesWanted()).isEqualTo(3); // 110 + 110 + 30
    }
}
