package io.joblane.scaler.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The map kept across scans must say what a map built afresh from each scan's list says, whatever came, went, changed,
 * moved or repeated; and when little changed it must not have been built afresh.
 */
class ByKeyTest {
    /** An element: its key may repeat or be null; a changed element is a new object. */
    private record E(String key, int version) {}

    private static Map<String, E> fresh(List<E> list) {
        Map<String, E> out = new HashMap<>();
        for (E e : list) {
            if (e.key() != null) {
                out.put(e.key(), e); // the last of one key wins
            }
        }
        return out;
    }

    private static void assertSame(Map<String, E> kept, List<E> list, String what) {
        Map<String, E> expected = fresh(list);
        assertThat(kept).as(what).hasSize(expected.size());
        expected.forEach(
                (k, e) -> assertThat(kept.get(k)).as("%s: key %s", what, k).isSameAs(e));
    }

    @Test
    void agreesWithAFreshMapThroughRandomChanges() {
        int kept = 0;
        Random rnd = new Random(14);
        for (int run = 0; run < 40; run++) {
            ByKey<E> byKey = new ByKey<>(E::key);
            List<E> list = new ArrayList<>();
            int next = 0;
            for (int i = 0; i < 50; i++) {
                list.add(new E("k" + next++, 0));
            }
            for (int scan = 0; scan < 200; scan++) {
                List<E> now = new ArrayList<>(list);
                if (rnd.nextBoolean()) { // repeated keys and objects go again, mostly: the map is then kept again
                    java.util.Set<String> seen = new java.util.HashSet<>();
                    now.removeIf(e -> e.key() != null && !seen.add(e.key()));
                }
                int changes = rnd.nextInt(scan % 10 == 0 ? 60 : 4);
                for (int c = 0; c < changes && !now.isEmpty(); c++) {
                    int at = rnd.nextInt(now.size());
                    switch (rnd.nextInt(20)) {
                        case 0, 1, 2, 3 -> now.remove(at); // went
                        case 4, 5, 6 -> now.add(new E("k" + next++, 0)); // came, at the end
                        case 7, 8 -> now.add(at, new E("k" + next++, 0)); // came, in the middle
                        case 9, 10, 11, 12 ->
                            now.set(at, new E(now.get(at).key(), now.get(at).version() + 1));
                        case 13, 14 -> { // moved
                            E moved = now.remove(at);
                            now.add(rnd.nextInt(now.size() + 1), moved);
                        }
                        case 15 -> now.add(new E(now.get(at).key(), 9)); // its key repeats
                        case 16 -> now.add(at, new E(null, 0)); // no key
                        case 17 -> now.add(now.get(at)); // the same object twice
                        default -> {} // nothing
                    }
                }
                List<E> last = list;
                list = now;
                // Every other scan, the places of the last list's elements handed as a NodeEdits answer would be.
                Map<String, E> map =
                        scan % 2 == 0 ? byKey.of(list) : byKey.of(list, last, NodeEdits.runs(ByKey.match(last, list)));
                assertSame(map, list, "run " + run + " scan " + scan);
            }
            kept += 200 - byKey.rebuilds();
        }
        assertThat(kept).as("scans whose map was kept and updated").isGreaterThan(40 * 100);
    }

    @Test
    void aFewChangesAreTakenInWithoutBuildingTheMapAfresh() {
        ByKey<E> byKey = new ByKey<>(E::key);
        List<E> list = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            list.add(new E("k" + i, 0));
        }
        byKey.of(list);
        for (int scan = 1; scan <= 30; scan++) {
            List<E> now = new ArrayList<>(list);
            now.remove(scan % now.size()); // one went
            now.set(scan, new E(now.get(scan).key(), scan)); // one changed
            now.add(new E("new" + scan, 0)); // one came
            list = now;
            assertSame(byKey.of(list), list, "scan " + scan);
        }

        assertThat(byKey.rebuilds()).isEqualTo(1);
    }

    @Test
    void answersForTheListItIsGivenAgainAfterAnother() {
        ByKey<E> byKey = new ByKey<>(E::key);
        List<E> first = List.of(new E("a", 0), new E("b", 0));
        List<E> second = List.of(first.get(0), new E("b", 1), new E("c", 0));

        assertSame(byKey.of(first), first, "first");
        assertSame(byKey.of(second), second, "second");
        assertSame(byKey.of(first), first, "first again"); // an older index asked after the newer one

        // Places from a list the map no longer holds: not taken as differences from the one it holds.
        assertSame(byKey.of(second), second, "second again");
        List<E> third = List.of(first.get(0), first.get(1), new E("d", 0));
        assertSame(byKey.of(third, first, NodeEdits.runs(ByKey.match(first, third))), third, "third, placed in first");
    }

    @Test
    void matchPairsInOrderEveryElementStillThereAfterRunsWent() {
        Random rnd = new Random(15);
        for (int run = 0; run < 400; run++) {
            List<Object> last = new ArrayList<>();
            for (int i = 0, n = rnd.nextInt(400); i < n; i++) {
                last.add(new Object());
            }
            List<Object> now = new ArrayList<>(last);
            boolean kept = rnd.nextBoolean(); // order kept, at most one new object: every one still there is found
            for (int c = 0, changes = rnd.nextInt(12); c < changes && !now.isEmpty(); c++) {
                int at = rnd.nextInt(now.size());
                switch (kept ? rnd.nextInt(2) : rnd.nextInt(6)) {
                    case 0 ->
                        now.subList(at, Math.min(now.size(), at + 1 + rnd.nextInt(60)))
                                .clear(); // a run went
                    case 1 -> {
                        if (c == 0) {
                            now.set(at, new Object()); // changed
                        }
                    }
                    case 2 -> now.add(at, new Object()); // came
                    case 3 -> now.set(at, new Object()); // changed
                    case 4 -> now.add(rnd.nextInt(now.size()), now.remove(at)); // moved
                    default -> Collections.shuffle(now.subList(at, Math.min(now.size(), at + 20)), rnd);
                }
            }

            int[] at = ByKey.match(last, now);

            Map<Object, Integer> placeOf = new IdentityHashMap<>();
            for (int k = 0; k < last.size(); k++) {
                placeOf.put(last.get(k), k);
            }
            int before = -1;
            for (int i = 0; i < now.size(); i++) {
                Integer place = placeOf.get(now.get(i));
                String what = "run " + run + ", element " + i;
                if (at[i] >= 0) {
                    assertThat(last.get(at[i])).as(what).isSameAs(now.get(i));
                    assertThat(at[i]).as(what + ": places increase").isGreaterThan(before);
                    before = at[i];
                } else if (kept) {
                    assertThat(place).as(what + ": still there").isNull();
                }
            }
        }
    }
}
