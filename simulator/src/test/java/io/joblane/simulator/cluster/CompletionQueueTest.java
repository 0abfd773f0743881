package io.joblane.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The completion heap hands completions in exactly the order the JDK's priority queue did, ties included. */
class CompletionQueueTest {
    private record Entry(long time, SimPod pod, int run) {}

    @Test
    void leavesInThePriorityQueuesOrderTiesIncluded() {
        SimPod[] pods = new SimPod[500];
        for (int i = 0; i < pods.length; i++) {
            pods[i] = new SimPod(i, 1000, 1000, 0, 60_000, 0, true);
        }
        CompletionQueue queue = new CompletionQueue();
        PriorityQueue<Entry> reference = new PriorityQueue<>((a, b) -> Long.compare(a.time, b.time));
        SplittableRandom random = new SplittableRandom(3);
        long now = 0;
        int polled = 0;
        for (int step = 0; step < 100_000; step++) {
            if (random.nextInt(100) < 52) {
                long time = now + random.nextInt(20); // few distinct times: many ties
                SimPod pod = pods[random.nextInt(pods.length)];
                int run = random.nextInt(4);
                queue.add(time, pod, run);
                reference.add(new Entry(time, pod, run));
            } else if (!reference.isEmpty()) {
                Entry expected = reference.poll();
                assertThat(queue.headTime()).isEqualTo(expected.time);
                assertThat(queue.headPod()).isSameAs(expected.pod);
                assertThat(queue.headRun()).isEqualTo(expected.run);
                queue.removeHead();
                now = expected.time;
                polled++;
            }
            assertThat(queue.size()).isEqualTo(reference.size());
            assertThat(queue.isEmpty()).isEqualTo(reference.isEmpty());
        }
        assertThat(polled).isGreaterThan(40_000);
    }
}
