package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.cpuMem;
import static io.joblane.scaler.plan.Fixtures.pending;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The packing order: largest share first, then by the request vector, then the oldest waiting, then the list's. */
class LargestFirstTest {
    private static final int DIMS = 2;

    @Test
    void largestFirstThenByRequestThenOldest() {
        long[][] requests = {{1, 1}, {4, 4}, {4, 4}, {2, 1}, {1, 1}, {1, 2}, {1, 1}};
        int[] ageSeconds = {0, 5, 4, 3, 1, 6, 2};
        double[] size = {0.1, 0.4, 0.4, 0.2, 0.1, 0.2, 0.1};

        int[] order = order(requests, ageSeconds, size);

        // (4,4) oldest first; (1,2) before (2,1), equal shares; the (1,1) pods oldest first, though not side by side.
        assertThat(order).containsExactly(1, 2, 5, 3, 6, 4, 0);
    }

    /** Pods of a Job side by side, shapes repeated apart and shares tied: the order a plain sort gives. */
    @Test
    void sameOrderAsSortingByShareRequestAgeAndPlace() {
        SplittableRandom random = new SplittableRandom(5);
        for (int round = 0; round < 200; round++) {
            List<long[]> requests = new ArrayList<>();
            List<Integer> ages = new ArrayList<>();
            int jobs = 1 + random.nextInt(40);
            for (int j = 0; j < jobs; j++) {
                long[] r = {1 + random.nextInt(4), 1 + random.nextInt(4)};
                int age = random.nextInt(20);
                for (int k = 1 + random.nextInt(4); k > 0; k--) {
                    requests.add(r.clone());
                    ages.add(age);
                }
            }
            long[][] rs = requests.toArray(long[][]::new);
            int[] as = ages.stream().mapToInt(Integer::intValue).toArray();
            double[] size = Arrays.stream(rs)
                    .mapToDouble(r -> Math.max(r[0], r[1]) / 8.0)
                    .toArray();

            int[] expected = IntStream.range(0, rs.length)
                    .boxed()
                    .sorted(Comparator.<Integer>comparingDouble(p -> -size[p])
                            .thenComparing((a, b) -> Arrays.compare(rs[a], rs[b]))
                            .thenComparingInt(p -> -as[p])
                            .thenComparingInt(p -> p))
                    .mapToInt(Integer::intValue)
                    .toArray();
            assertThat(order(rs, as, size)).as("round %d", round).containsExactly(expected);
        }
    }

    /** {@code ageSeconds}: how long each pod has waited at {@link Fixtures#T0}. */
    private static int[] order(long[][] requests, int[] ageSeconds, double[] size) {
        List<PodInfo> pods = new ArrayList<>();
        long[] demands = new long[requests.length * DIMS];
        for (int p = 0; p < requests.length; p++) {
            pods.add(pending("p" + p, "g", cpuMem(requests[p][0], requests[p][1]), T0.minusSeconds(ageSeconds[p])));
            System.arraycopy(requests[p], 0, demands, p * DIMS, DIMS);
        }
        return LargestFirst.order(pods, demands, size, DIMS);
    }
}
