package io.joblane.scaler.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The places the kept facts are copied from and to, and those they are not: what the steps that follow edits read. */
class NodeEditsTest {

    @Test
    void freshAndLeftPlacesAreThoseNoRunCovers() {
        Random random = new Random(14);
        int changedInPlace = 0;
        for (int trial = 0; trial < 1000; trial++) {
            boolean many = trial % 2 == 1; // longer lists, more edits: segments split and joined again
            List<Object> list = new ArrayList<>();
            IntStream.range(0, random.nextInt(many ? 40 : 12)).forEach(i -> list.add(new Object()));
            NodeEdits.Log log = new NodeEdits.Log();
            List<Object> from = List.copyOf(list);
            log.handOver(from);
            for (int e = random.nextInt(many ? 40 : 6); e > 0; e--) {
                int kind = list.isEmpty() ? 0 : random.nextInt(3);
                if (kind == 0) {
                    int at = random.nextInt(list.size() + 1);
                    list.add(at, new Object());
                    log.inserted(at);
                } else if (kind == 1) {
                    int at = random.nextInt(list.size());
                    list.remove(at);
                    log.deleted(at);
                } else {
                    int at = random.nextInt(list.size());
                    list.set(at, new Object());
                    log.changed(at);
                }
            }
            List<Object> to = List.copyOf(list);
            NodeEdits edits = log.handOver(to);
            int[] was = edits.was(to.size());
            assertThat(was).as("trial %d", trial).containsExactly(wasByIdentity(from, to));
            int[] runs = NodeEdits.runs(was);
            assertThat(runs).as("trial %d", trial).containsExactly(NodeEdits.runs(was.clone()));
            assertThat(NodeEdits.runs(was)).as("asked again: remembered").isSameAs(runs);
            // Edits that only changed nodes in place name the same places was() gives -1, each once (a node changed
            // twice included); any insert or delete, none.
            boolean inPlaceOnly = from.size() == to.size() && NodeEdits.keepsPlaces(was, from.size());
            int[] changedPlaces = edits.changedPlaces(to.size());
            if (inPlaceOnly && changedPlaces != null) {
                assertThat(changedPlaces)
                        .as("trial %d", trial)
                        .containsExactly(IntStream.range(0, was.length)
                                .filter(i -> was[i] < 0)
                                .toArray());
            }
            changedInPlace += changedPlaces != null && changedPlaces.length > 1 ? 1 : 0;
            assertThat(changedPlaces == null || inPlaceOnly)
                    .as("trial %d", trial)
                    .isTrue();

            int[] expectedFresh =
                    IntStream.range(0, was.length).filter(i -> was[i] < 0).toArray();
            boolean[] carried = NodeEdits.carried(was, from.size());
            int[] expectedLeft =
                    IntStream.range(0, from.size()).filter(q -> !carried[q]).toArray();
            assertThat(NodeEdits.fresh(runs, to.size())).as("trial %d", trial).containsExactly(expectedFresh);
            assertThat(NodeEdits.left(runs, from.size())).as("trial %d", trial).containsExactly(expectedLeft);
            for (int i = 0; i < was.length; i++) { // what the runs carry is the very object
                if (was[i] >= 0) {
                    assertThat(to.get(i)).isSameAs(from.get(was[i]));
                }
            }
        }
        assertThat(changedInPlace)
                .as("trials with several places changed in place only")
                .isGreaterThan(4);
    }

    /**
     * What {@link NodeEdits#was} must answer, found without the edits: each object is new when made, so a place of
     * {@code to} is carried over exactly when its very object is in {@code from}.
     */
    private static int[] wasByIdentity(List<Object> from, List<Object> to) {
        int[] out = new int[to.size()];
        for (int i = 0; i < to.size(); i++) {
            int at = -1;
            for (int q = 0; q < from.size(); q++) {
                at = from.get(q) == to.get(i) ? q : at; // every object is new when made: the same one is carried
            }
            out[i] = at;
        }
        return out;
    }

    @Test
    void placesChangedInPlaceComeInOrderOnceEachAndNotAfterAMove() {
        List<Object> from = List.of(new Object(), new Object(), new Object());
        NodeEdits.Log log = new NodeEdits.Log();
        log.handOver(from);
        log.changed(2);
        log.changed(0);
        log.changed(2); // the same node changed twice between two snapshots
        assertThat(log.handOver(List.copyOf(from)).changedPlaces(3)).containsExactly(0, 2);
        log.changed(1);
        log.inserted(3);
        assertThat(log.handOver(List.of(1, 2, 3, 4)).changedPlaces(4)).isNull();
        assertThat(log.handOver(List.of(1, 2, 3, 4)).changedPlaces(5))
                .as("not edits of a list this long")
                .isNull();
        log.changed(4);
        assertThat(log.handOver(List.of(1, 2, 3, 4)).changedPlaces(4))
                .as("a place past the list: not its edits")
                .isNull();
    }

    /** Guards the in-place patches of kept facts: only a pairing that moved no node and changed no length allows them. */
    @Test
    void placesAreKeptOnlyWhenNoPairedNodeMovedAndTheLengthIsTheSame() {
        assertThat(NodeEdits.keepsPlaces(new int[] {0, 1, 2}, 3)).isTrue();
        assertThat(NodeEdits.keepsPlaces(new int[] {0, -1, 2}, 3))
                .as("a node changed in place")
                .isTrue();
        assertThat(NodeEdits.keepsPlaces(new int[] {-1, -1}, 2)).isTrue();
        assertThat(NodeEdits.keepsPlaces(new int[] {0, 2, -1}, 3))
                .as("a node moved")
                .isFalse();
        assertThat(NodeEdits.keepsPlaces(new int[] {0, 1}, 3))
                .as("a node deleted at the end")
                .isFalse();
        assertThat(NodeEdits.keepsPlaces(new int[] {0, 1, -1}, 2))
                .as("a node inserted at the end")
                .isFalse();
    }
}
