package io.joblane.model.lanes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The graded lane: which node lane ends score what for a pod, as kube-scheduler sums its preferred terms. */
class LaneTermTest {
    private static final long NOW = 29_000_000L * RunTimePredictor.MINUTE_MILLIS;

    /** A pod predicted to run 40 minutes from minute 29,000,000: it ends at minute 29,000,040, margin 10 minutes. */
    private static LaneTerm fortyMinutes() {
        return LaneTerm.decide("40m", null, 0, NOW).orElseThrow();
    }

    private static int on(LaneTerm lane, long minute) {
        return lane.weightOn(Long.toString(minute));
    }

    @Test
    void theTermsAreAroundThePodsExpectedEndWithAMarginOfAQuarterOfItsRun() {
        LaneTerm lane = fortyMinutes();
        assertThat(lane.endMinutes()).isEqualTo(29_000_040);
        assertThat(lane.marginMinutes()).isEqualTo(10);
        assertThat(lane.preferences())
                .containsExactly(
                        new LaneTerm.Preference(10, 29_000_029, LaneTerm.Preference.UNBOUNDED),
                        new LaneTerm.Preference(25, 29_000_039, LaneTerm.Preference.UNBOUNDED),
                        new LaneTerm.Preference(15, 29_000_039, 29_000_051));
    }

    /**
     * Guards the grading against ranking nodes other than as the clairvoyant reference does: no added node time first,
     * soonest end among those, then the least added time, and never a lane that ended long before over none.
     */
    @Test
    void aNodeEndingSoonAfterThePodScoresHighestThenOneOutlivingItThenOneItExtendsALittle() {
        LaneTerm lane = fortyMinutes();
        int soonAfter = on(lane, 29_000_045);
        int sameMinute = on(lane, 29_000_040);
        int edgeOfMargin = on(lane, 29_000_050);
        int longAfter = on(lane, 29_000_051);
        int justBefore = on(lane, 29_000_035);
        int edgeBefore = on(lane, 29_000_030);
        int longBefore = on(lane, 29_000_029);

        assertThat(soonAfter).isEqualTo(50).isEqualTo(sameMinute).isEqualTo(edgeOfMargin);
        assertThat(longAfter).isEqualTo(35).isLessThan(soonAfter);
        assertThat(justBefore).isEqualTo(10).isEqualTo(edgeBefore).isLessThan(longAfter);
        assertThat(longBefore).isZero();
        assertThat(lane.weightOn(null)).as("no label").isZero();
        assertThat(lane.weightOn("soon"))
                .as("not an integer: Gt and Lt match nothing")
                .isZero();
    }

    @Test
    void theMarginIsAtLeastAMinuteAndTheRunAtLeastOne() {
        LaneTerm lane = LaneTerm.decide("20s", null, 0, NOW).orElseThrow();
        assertThat(lane.runMinutes()).isEqualTo(1);
        assertThat(lane.marginMinutes()).isEqualTo(1);
        assertThat(on(lane, lane.endMinutes() + 1)).isEqualTo(50);
        assertThat(on(lane, lane.endMinutes() + 2)).isEqualTo(35);
        assertThat(on(lane, lane.endMinutes() - 1)).isEqualTo(10);
        assertThat(on(lane, lane.endMinutes() - 2)).isZero();
    }

    /** The plain bounds a scheduler scores with sum exactly what the listed terms sum, at and around every edge. */
    @Test
    void theBoundsWeighAsTheListedTerms() {
        for (String run : new String[] {"20s", "40m", "7h"}) {
            LaneTerm lane = LaneTerm.decide(run, null, 0, NOW).orElseThrow();
            LaneTerm.Bounds bounds = lane.bounds();
            long e = lane.endMinutes();
            long m = lane.marginMinutes();
            for (long label = e - 2 * m - 3; label <= e + 2 * m + 3; label++) {
                assertThat(bounds.weightOn(label))
                        .as("%s at %d", run, label)
                        .isEqualTo(LaneTerm.weightOn(lane.preferences(), label));
            }
            for (long label : new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE - 1, Long.MAX_VALUE}) {
                assertThat(bounds.weightOn(label))
                        .as("%s at %d", run, label)
                        .isEqualTo(LaneTerm.weightOn(lane.preferences(), label));
            }
        }
    }

    @Test
    void noPredictionNoLane() {
        assertThat(LaneTerm.decide(null, null, 0, NOW)).isEqualTo(Optional.empty());
        assertThat(LaneTerm.decide(null, null, 600_000, NOW).orElseThrow().source())
                .isEqualTo(RunTimePredictor.Source.DEADLINE);
    }
}
