package io.joblane.scaler.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Where the objects of the list an {@link InstanceList} was made from are in it, as its edits say. */
class InstanceListTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static CloudInstance instance(int n) {
        return new CloudInstance("i-" + n, "zone-a", LifecycleState.IN_SERVICE, true, true, T0);
    }

    /** Random edits, list after list: each object's place found by reference, -1 for those that went. */
    @Test
    void placesFromFollowTheEditsListAfterList() {
        Random rnd = new Random(5);
        List<CloudInstance> last = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < 20; i++) {
            last.add(instance(next++));
        }
        List<CloudInstance> lastList = InstanceList.of(last.toArray(new CloudInstance[0]));
        for (int round = 0; round < 300; round++) {
            List<CloudInstance> now = new ArrayList<>();
            List<CloudInstance> went = new ArrayList<>();
            List<CloudInstance> came = new ArrayList<>();
            for (CloudInstance i : lastList) {
                if (rnd.nextInt(10) == 0) {
                    went.add(i);
                } else {
                    now.add(i);
                }
                while (rnd.nextInt(12) == 0) { // new objects anywhere, now and then several in a row
                    CloudInstance c = instance(next++);
                    now.add(c);
                    came.add(c);
                }
            }
            InstanceList list = InstanceList.edited(now.toArray(new CloudInstance[0]), lastList, came, went);
            int[] to = list.placesFrom(lastList);
            assertThat(to).as("round %d", round).hasSize(lastList.size());
            for (int k = 0; k < to.length; k++) {
                int expected = -1;
                for (int q = 0; q < now.size(); q++) {
                    expected = now.get(q) == lastList.get(k) ? q : expected;
                }
                assertThat(to[k]).as("round %d place %d", round, k).isEqualTo(expected);
            }
            lastList = list;
        }
    }

    /**
     * Edits that do not lead from the list (an object missing from them, one never listed) are dropped: the list says
     * nothing of the one before, so no reader trusts them; another list than the one before answers null too.
     */
    @Test
    void editsThatDoNotLeadFromTheListAreDropped() {
        CloudInstance a = instance(1);
        CloudInstance b = instance(2);
        CloudInstance b2 = instance(2); // another object of b's id
        CloudInstance c = instance(3);
        List<CloudInstance> last = InstanceList.of(new CloudInstance[] {a, b, c});
        CloudInstance[] now = {a, b2, c};
        assertThat(InstanceList.edited(now.clone(), last, List.of(b2), List.of(b))
                        .placesFrom(last))
                .containsExactly(0, -1, 2);
        assertThat(InstanceList.edited(now.clone(), last, List.of(), List.of(b)).placesFrom(last))
                .isNull();
        assertThat(InstanceList.edited(now.clone(), last, List.of(b2), List.of())
                        .placesFrom(last))
                .isNull();
        CloudInstance neverListed = instance(9);
        assertThat(InstanceList.edited(now.clone(), last, List.of(b2), List.of(b, neverListed))
                        .placesFrom(last))
                .isNull();
        assertThat(InstanceList.edited(new CloudInstance[] {a, c}, last, List.of(), List.of())
                        .placesFrom(last))
                .isNull();
        InstanceList dropped = InstanceList.edited(now.clone(), last, List.of(), List.of(b));
        assertThat(dropped.editedFrom()).isNull();
        assertThat(dropped.came()).isEmpty();
        assertThat(dropped.went()).isEmpty();
        assertThat(dropped).containsExactly(now);
        InstanceList kept = InstanceList.edited(now.clone(), last, List.of(b2), List.of(b));
        assertThat(kept.editedFrom()).isSameAs(last);
        assertThat(kept.came()).containsExactly(b2);
        assertThat(InstanceList.edited(now.clone(), last, List.of(b2), List.of(b))
                        .placesFrom(List.of(a, b, c)))
                .isNull();
    }
}
