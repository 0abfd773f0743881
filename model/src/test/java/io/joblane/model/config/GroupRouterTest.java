package io.joblane.model.config;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupRouterTest {

    private static GroupRouter example() throws Exception {
        return new GroupRouter(ConfigLoader.load(Path.of("../examples/config/node-groups.yaml")));
    }

    private static String route(GroupRouter router, String wish, Map<String, Long> requests) {
        return router.route(wish, requests).map(NodeGroup::name).orElse("refused");
    }

    @Test
    void aGpuRequestGoesToTheGpuGroupAndAPlainOneToTheDefault() throws Exception {
        GroupRouter router = example();
        assertThat(route(router, null, Map.of("cpu", 2_000L, "memory", 8 * GI, "nvidia.com/gpu", 1_000L)))
                .isEqualTo("gpu");
        assertThat(route(router, "", Map.of("cpu", 2_000L, "memory", 8 * GI))).isEqualTo("batch");
    }

    @Test
    void theMemoryThresholdIsInclusive() throws Exception {
        GroupRouter router = example();
        assertThat(route(router, null, Map.of("cpu", 1_000L, "memory", 64 * GI)))
                .isEqualTo("highmem");
        assertThat(route(router, null, Map.of("cpu", 1_000L, "memory", 64 * GI - 1)))
                .isEqualTo("batch");
    }

    /** Guards the rule order: a GPU pod with a lot of memory goes to the first group in file order it matches. */
    @Test
    void theFirstMatchingGroupInFileOrderWins() throws Exception {
        assertThat(route(example(), null, Map.of("memory", 100 * GI, "nvidia.com/gpu", 1_000L)))
                .isEqualTo("gpu");
    }

    @Test
    void aNamedGroupWinsOverTheRulesAndAnUnknownNameIsRefused() throws Exception {
        GroupRouter router = example();
        assertThat(route(router, "highmem", Map.of("nvidia.com/gpu", 1_000L))).isEqualTo("highmem");
        assertThat(route(router, "nope", Map.of("cpu", 1_000L))).isEqualTo("refused");
    }

    @Test
    void theCpuThresholdMatches() throws Exception {
        JoblaneConfig config = ConfigLoader.parse("""
                nodeGroups:
                  - name: batch
                    default: true
                  - name: wide
                    match: {minCpu: "32"}
                """, "test");
        GroupRouter router = new GroupRouter(config);
        assertThat(route(router, null, Map.of("cpu", 32_000L))).isEqualTo("wide");
        assertThat(route(router, null, Map.of("cpu", 31_999L))).isEqualTo("batch");
    }
}
