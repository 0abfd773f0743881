package io.joblane.simulator.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fixed-size structures behind the figures: percentiles within 1%, series means exact across merges. */
class BoundedFiguresTest {

    @Test
    void histogramPercentilesAreWithinOnePercentOfExact() {
        for (long seed = 1; seed <= 5; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            LogHistogram h = new LogHistogram();
            long[] values = new long[20_000];
            for (int i = 0; i < values.length; i++) {
                // Mostly no wait, then a long tail up to days, like Job waits.
                values[i] = random.nextInt(3) == 0 ? 0 : (long) Math.exp(random.nextDouble() * 20);
                h.record(values[i]);
            }
            Arrays.sort(values);
            for (double q : new double[] {0.5, 0.95, 0.99}) {
                long exact = values[(int) Math.ceil(q * values.length) - 1];
                assertThat((double) h.quantile(q))
                        .as("seed %d q %s", seed, q)
                        .isCloseTo(exact, offset(Math.max(1.0, exact * 0.011)));
            }
            assertThat(h.max()).isEqualTo(values[values.length - 1]);
            assertThat(h.quantile(1.0)).isEqualTo(h.max());
        }
    }

    @Test
    void emptyHistogramAndZeroWaitsReportZero() {
        LogHistogram h = new LogHistogram();
        assertThat(h.quantile(0.5)).isZero();
        h.record(0);
        assertThat(h.quantile(0.95)).isZero();
        assertThat(h.max()).isZero();
    }

    @Test
    void seriesKeepsTheTimeWeightedMeanWhenItsBucketsMerge() {
        Series s = new Series(1000);
        // 3 nodes for the first half of a long run, 1 for the second: more time than 512 buckets of 1 s.
        s.set(0, 3);
        s.set(600_000, 1);
        s.extendTo(1_200_000);
        double[] v = s.values();
        assertThat(v.length).isLessThanOrEqualTo(Series.BUCKETS);
        assertThat(s.widthMillis()).isGreaterThan(1000);
        double area = 0;
        for (int i = 0; i < v.length; i++) {
            area += v[i] * Math.min(s.widthMillis(), 1_200_000 - i * s.widthMillis());
        }
        assertThat(area).isCloseTo(3 * 600_000 + 600_000, offset(1e-6));
        assertThat(v[0]).isEqualTo(3);
        assertThat(v[v.length - 1]).isEqualTo(1);
    }
}
