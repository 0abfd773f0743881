package io.joblane.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.simulator.SimulatorInvariantsTest;
import org.junit.jupiter.api.Test;

/** The lanes prototype: placement from what is known at submit (family history, deadline), never from the trace. */
class LanesTest {
    private static final NodeShape SHAPE = SimulatorInvariantsTest.shape(16, 64);
    private static final long GI = 1024L * 1024 * 1024 * 1000;
    private static final long HOUR = 3_600_000;

    private static SimPod pod(long id, long durationMillis, long deadline, String family) {
        SimPod p = new SimPod(id, 2000, 8 * GI, 0, durationMillis, 0, true);
        p.deadline = deadline;
        p.family = family;
        return p;
    }

    @Test
    void thePredictionIsTheFamilysLastTwoRunsElseTheDeadlineNeverTheTrace() {
        RuntimePredictor predictor = new RuntimePredictor();
        SimPod fresh = pod(1, 5 * HOUR, 2 * HOUR, "nightly");
        assertThat(predictor.predict(fresh)).as("no history: the deadline").isEqualTo(2 * HOUR);
        assertThat(predictor.predict(pod(2, 5 * HOUR, 0, "")))
                .as("nothing known")
                .isEqualTo(-1);
        predictor.learn(fresh, HOUR);
        assertThat(predictor.predict(pod(3, 5 * HOUR, 2 * HOUR, "nightly"))).isEqualTo(HOUR);
        predictor.learn(fresh, 3 * HOUR);
        predictor.learn(fresh, 2 * HOUR);
        assertThat(predictor.predict(pod(4, 9 * HOUR, 0, "nightly")))
                .as("mean of the last two")
                .isEqualTo(5 * HOUR / 2);
    }

    @Test
    void aLongJobJoinsTheNodeThatRunsLongAndAShortOneFillsAHoleWithoutExtendingANode() {
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LANES, 1, 60_000);
        cluster.launch("i-short", 0, 0);
        cluster.launch("i-long", 0, 0);
        SimPod shortRun = pod(1, HOUR, HOUR, "");
        SimPod longRun = pod(2, 6 * HOUR, 6 * HOUR, "");
        cluster.submit(shortRun);
        cluster.schedule(0);
        SimNode shortNode = shortRun.node;
        SimNode other = java.util.List.copyOf(cluster.nodes()).get(0) == shortNode
                ? java.util.List.copyOf(cluster.nodes()).get(1)
                : java.util.List.copyOf(cluster.nodes()).get(0);
        cluster.bind(longRun, other, 0);

        SimPod anotherLong = pod(3, 6 * HOUR, 6 * HOUR, "");
        cluster.submit(anotherLong);
        cluster.schedule(0);
        assertThat(anotherLong.node)
                .as("MostAllocated alone ties; the lane keeps long with long")
                .isSameAs(other);

        SimPod half = pod(4, HOUR / 2, HOUR / 2, "");
        cluster.submit(half);
        cluster.schedule(0);
        assertThat(half.node).as("either node outlives it; the fuller one wins").isSameAs(other);
    }

    @Test
    void withoutAnyPredictionItPacksLikeMostAllocated() {
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LANES, 1, 60_000);
        cluster.launch("i-a", 0, 0);
        cluster.launch("i-b", 0, 0);
        SimPod first = pod(1, HOUR, 0, "");
        cluster.submit(first);
        cluster.schedule(0);
        SimPod second = pod(2, HOUR, 0, "");
        cluster.submit(second);
        cluster.schedule(0);
        assertThat(second.node).isSameAs(first.node);
    }
}
