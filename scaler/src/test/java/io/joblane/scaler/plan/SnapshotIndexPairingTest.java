package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A group's nodes paired with the last index's list of the group by what the index's own match of all nodes found
 * ({@link SnapshotIndex#pairing}): each pair the very same node, in rising places, scan after scan, whatever nodes of
 * interleaved groups went, came or changed, and every node still there paired when the scan kept the order; lists
 * that are not the index's and the last one's are matched afresh.
 */
class SnapshotIndexPairingTest {
    private static final List<String> GROUPS = List.of("a", "b", "c");

    private static SnapshotIndex index(List<NodeInfo> nodes, SnapshotIndex previous) {
        return new SnapshotIndex(new ClusterSnapshot(T0, nodes, List.of(), List.of()), Map.of(), previous);
    }

    @Test
    void aGroupsPairingIsWhatMatchingItsListsSays() {
        Random rnd = new Random(21);
        int readOff = 0;
        for (int run = 0; run < 30; run++) {
            int next = 0;
            List<NodeInfo> nodes = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                nodes.add(node("n" + next++, rnd.nextInt(5) == 0 ? null : GROUPS.get(rnd.nextInt(3) / 2 * 2)));
            }
            SnapshotIndex last = index(nodes, null);
            for (int scan = 0; scan < 40; scan++) {
                List<NodeInfo> now = new ArrayList<>(nodes);
                boolean kept = rnd.nextBoolean(); // runs gone, one changed, new ones last: all still there found
                for (int c = 0, changes = rnd.nextInt(6); c < changes && !now.isEmpty(); c++) {
                    int at = rnd.nextInt(now.size());
                    switch (kept ? (c == 0 ? 2 : 0) : rnd.nextInt(4)) {
                        case 0 ->
                            now.subList(at, Math.min(now.size(), at + 1 + rnd.nextInt(30)))
                                    .clear();
                        case 1 -> now.add(at, node("n" + next++, GROUPS.get(rnd.nextInt(3))));
                        case 2 ->
                            now.set(at, node(now.get(at).name(), now.get(at).group())); // changed: new object
                        default -> now.set(at, node(now.get(at).name(), GROUPS.get(rnd.nextInt(3)))); // moved group
                    }
                }
                while (now.size() < 300) { // new nodes join at the end
                    now.add(node("n" + next++, GROUPS.get(rnd.nextInt(3))));
                }
                SnapshotIndex index = index(now, last);
                for (String g : GROUPS) {
                    List<NodeInfo> was = last.nodes(g);
                    List<NodeInfo> is = index.nodes(g);
                    int[] pairing = index.pairing(was, is);
                    String what = "run " + run + " scan " + scan + " group " + g;
                    assertPairs(was, is, pairing, what);
                    if (kept) {
                        for (int i = 0; i < is.size(); i++) {
                            assertThat(pairing[i]).as(what + " node " + i).isEqualTo(placeOf(was, is.get(i)));
                        }
                    }
                    readOff += pairing == index.pairing(was, is) ? 1 : 0; // the kept answer, not a new match
                }
                nodes = now;
                last = index;
            }
        }
        assertThat(readOff)
                .as("pairings read off the index's own match")
                .isGreaterThan(30 * 40 * 2); // groups a and c, b mostly too
    }

    @Test
    void listsOtherThanTheLastIndexsAreMatchedAfresh() {
        NodeInfo x = node("x", "a");
        NodeInfo y = node("y", "a");
        NodeInfo z = node("z", "a");
        SnapshotIndex first = index(List.of(x, y, z), null);
        SnapshotIndex second = index(List.of(y, z), first);
        SnapshotIndex third = index(List.of(z), second);

        // Two scans back: not the last index's list, so matched afresh.
        assertThat(third.pairing(first.nodes("a"), third.nodes("a"))).containsExactly(2);
        assertThat(third.pairing(second.nodes("a"), third.nodes("a"))).containsExactly(1);
        assertThat(third.pairing(List.of(z, y), List.of(y))).containsExactly(1);
    }

    /** Where the very same node is (nodes are records: a changed one equals the old). */
    private static int placeOf(List<NodeInfo> list, NodeInfo node) {
        for (int k = 0; k < list.size(); k++) {
            if (list.get(k) == node) {
                return k;
            }
        }
        return -1;
    }

    private static void assertPairs(List<NodeInfo> last, List<NodeInfo> now, int[] pairing, String what) {
        assertThat(pairing).as(what).hasSize(now.size());
        int before = -1;
        for (int i = 0; i < now.size(); i++) {
            if (pairing[i] >= 0) {
                assertThat(last.get(pairing[i])).as(what).isSameAs(now.get(i));
                assertThat(pairing[i]).as(what).isGreaterThan(before);
                before = pairing[i];
            }
        }
    }
}
