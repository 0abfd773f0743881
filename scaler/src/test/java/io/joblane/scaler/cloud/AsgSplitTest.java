package io.joblane.scaler.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AsgSplitTest {
    private static final AsgSplit.Member A = new AsgSplit.Member("a", 3, 10, List.of("zone-a"));
    private static final AsgSplit.Member B = new AsgSplit.Member("b", 1, 10, List.of("zone-b"));
    private static final AsgSplit.Member C = new AsgSplit.Member("c", 1, 2, List.of("zone-c"));

    @Test
    void newNodesGoToTheSmallestMemberFirstAsClusterAutoscalerBalances() {
        // b and c (1 each) grow first, c stops at its max of 2, then a and b (3 each) take turns, a first.
        assertThat(AsgSplit.raise(List.of(A, B, C), 4, Map.of()))
                .containsExactly(Map.entry("a", 4), Map.entry("b", 3), Map.entry("c", 2));
    }

    @Test
    void nodesAPodNeedsInAZoneGoToThatZonesMember() {
        // Guards against: a node for a zone-a volume bought in zone-b, where the pod can never run.
        assertThat(AsgSplit.raise(List.of(A, B, C), 2, Map.of("zone-a", 2))).containsExactly(Map.entry("a", 5));
    }

    @Test
    void nodesForAZoneWhoseMembersAreFullAreNotBoughtElsewhere() {
        AsgSplit.Member full = new AsgSplit.Member("c", 2, 2, List.of("zone-c"));
        assertThat(AsgSplit.raise(List.of(A, B, full), 2, Map.of("zone-c", 1))).containsExactly(Map.entry("b", 2));
    }

    @Test
    void nothingWhenEveryMemberIsAtItsMaximum() {
        AsgSplit.Member full = new AsgSplit.Member("c", 2, 2, List.of("zone-c"));
        assertThat(AsgSplit.raise(List.of(full), 3, Map.of())).isEmpty();
    }
}
