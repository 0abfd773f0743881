package io.joblane.simulator.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeriesSumTest {

    /** Guards the total's node curve: a finer series is averaged to the coarser width before the points are added. */
    @Test
    void aFinerSeriesIsAveragedToTheCoarserWidthThenAdded() {
        Series.Sum sum = Series.Sum.EMPTY.plus(new double[] {1, 3, 2, 2, 5}, 60).plus(new double[] {10, 20}, 120);
        assertThat(sum.widthSeconds()).isEqualTo(120);
        assertThat(sum.values()).containsExactly(12, 22, 5);
    }

    @Test
    void waitsOfSeveralRunsGiveTheQuantilesOfAllTheirValues() {
        LogHistogram a = new LogHistogram();
        LogHistogram b = new LogHistogram();
        for (int i = 0; i < 90; i++) {
            a.record(0);
        }
        for (int i = 0; i < 10; i++) {
            b.record(600_000);
        }
        LogHistogram all = new LogHistogram();
        all.add(a);
        all.add(b);
        assertThat(all.quantile(0.50)).isZero();
        assertThat(all.quantile(0.95)).isBetween(594_000L, 600_000L);
        assertThat(all.max()).isEqualTo(600_000);
    }
}
