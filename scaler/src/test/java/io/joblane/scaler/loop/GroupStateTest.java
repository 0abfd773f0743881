package io.joblane.scaler.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.plan.GroupSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The loop's position-based shortcuts answer as the hashing they replace, or say "ask the set". */
class GroupStateTest {
    private static CloudInstance inst(String id) {
        return new CloudInstance(id, "zone-a", LifecycleState.IN_SERVICE, true, true, Instant.EPOCH);
    }

    /**
     * Guards the instances kept across describes: each describe's states, the instances that left while InService,
     * and the order their reports take, as the map cleared and filled again at every describe answered.
     */
    @Test
    void instancesKeptAcrossDescribesAnswerAsAMapFilledAgainAtEveryDescribe() {
        Random rnd = new Random(14);
        GroupState state = new GroupState();
        Map<String, LifecycleState> lastSeen = new HashMap<>(); // the loop's map before: cleared, filled again
        List<CloudInstance> last = List.of();
        List<CloudInstance> now = new ArrayList<>();
        int next = 0;
        for (int describe = 0; describe < 600; describe++) {
            now = new ArrayList<>(now);
            int changes = rnd.nextInt(describe % 25 == 0 ? 80 : 5);
            for (int c = 0; c < changes; c++) {
                int at = now.isEmpty() ? 0 : rnd.nextInt(now.size());
                switch (rnd.nextInt(now.isEmpty() ? 1 : 4)) {
                    case 0 ->
                        now.add(
                                new CloudInstance( // launched
                                        "i-" + next++, "zone-a", LifecycleState.PENDING, true, false, Instant.EPOCH));
                    case 1 -> now.remove(at); // gone
                    case 2 -> now.set(at, with(now.get(at), LifecycleState.IN_SERVICE));
                    default -> now.set(at, with(now.get(at), LifecycleState.TERMINATING));
                }
            }
            List<CloudInstance> described = List.copyOf(now);
            // What the loop asks of the last describe, then of this one.
            for (CloudInstance i : described) {
                assertThat(state.lastState(i.id()))
                        .as("describe %d, %s", describe, i.id())
                        .isEqualTo(lastSeen.get(i.id()));
            }
            Set<String> current = new HashSet<>();
            described.forEach(i -> current.add(i.id()));
            List<String> goneBefore = new ArrayList<>();
            lastSeen.forEach((id, was) -> {
                if (!current.contains(id) && was == LifecycleState.IN_SERVICE) {
                    goneBefore.add(id);
                }
            });
            List<String> gone = state.goneInService(described);
            assertThat(gone).as("describe %d", describe).containsExactlyInAnyOrderElementsOf(goneBefore);
            assertThat(state.inLastStatesOrder(gone))
                    .as("describe %d", describe)
                    .containsExactlyElementsOf(goneBefore);
            state.remember(described);
            if (!GroupState.sameInstances(last, described)) {
                lastSeen.clear();
                described.forEach(i -> lastSeen.put(i.id(), i.state()));
                last = described;
            }
        }
        assertThat(state.instancesById.rebuilds()).isLessThan(100); // mostly kept and updated
    }

    private static CloudInstance with(CloudInstance i, LifecycleState s) {
        return new CloudInstance(i.id(), i.zone(), s, i.healthy(), i.protectedFromScaleIn(), i.launchTime());
    }

    /** The spec is read once per config: the same group and settings give the same one, a reload its new values. */
    @Test
    void theSpecIsReadAgainOnlyWhenTheConfigChanged() throws Exception {
        String yaml = """
                nodeGroups:
                  - name: batch
                    default: true
                    scaling: {provider: memory, maxNodes: %d, node: {cpu: "4", memory: 16Gi, pods: "110"}}
                """;
        JoblaneConfig first = ConfigLoader.parse(yaml.formatted(3), "test");
        GroupState state = new GroupState();
        GroupSpec spec = state.spec(first.nodeGroups().get(0), first.scaler());
        assertThat(spec.maxNodes()).isEqualTo(3);
        assertThat(state.spec(first.nodeGroups().get(0), first.scaler())).isSameAs(spec);

        JoblaneConfig reloaded = ConfigLoader.parse(yaml.formatted(7), "test");
        GroupSpec afterReload = state.spec(reloaded.nodeGroups().get(0), reloaded.scaler());
        assertThat(afterReload.maxNodes()).isEqualTo(7);
        JoblaneConfig same = ConfigLoader.parse(yaml.formatted(7), "test");
        GroupSpec again = state.spec(same.nodeGroups().get(0), same.scaler());
        assertThat(again).as("a reload with the same values: read again").isNotSameAs(afterReload);
        assertThat(again).isEqualTo(afterReload);
    }
}
