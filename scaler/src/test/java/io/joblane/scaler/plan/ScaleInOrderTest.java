package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Scale-in's youngest-first order without a sort equals the stable sort it replaces, ties in their order. */
class ScaleInOrderTest {
    @Test
    void youngestFirstIsTheStableSortWhateverTheInputOrder() {
        Random random = new Random(14);
        for (int round = 0; round < 500; round++) {
            int n = random.nextInt(40);
            List<ScaleIn.Slot> slots = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long second = random.nextInt(6);
                slots.add(new ScaleIn.Slot(node("n" + i, "g"), NodeLoad.NONE, null, i, second, random.nextInt(2)));
            }
            if (round % 2 == 0) { // oldest first, the order nodes usually come in: the path without a sort
                slots.sort((a, b) -> ScaleIn.Slot.YOUNGEST_FIRST.compare(b, a));
            }
            List<ScaleIn.Slot> sorted = new ArrayList<>(slots);
            sorted.sort(ScaleIn.Slot.YOUNGEST_FIRST);

            assertThat(ScaleIn.Slot.youngestFirst(slots)).containsExactlyElementsOf(sorted);
        }
    }
}
