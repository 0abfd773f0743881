package io.joblane.scaler.lanes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.model.lanes.FamilyHistory;
import io.joblane.model.lanes.FamilyTable;
import io.joblane.model.lanes.RunTimes;
import io.joblane.scaler.loop.RecordingMetrics;
import io.joblane.scaler.loop.ScanGate;
import io.joblane.scaler.plan.ExpectedEnds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scaler's lanes decisions: what is learnt, which node labels change, when the table is written and by whom. */
class LanesTest {
    private static final long MIN = 60_000;
    private static final long T0 = 29_000_000L * MIN; // whole minutes since the epoch, so labels read easily

    private static LanePod running(String uid, String node, String family, String annotation, long start) {
        return new LanePod(uid, node, family, annotation, 0, true, start, -1);
    }

    private static LanePod succeeded(String uid, String family, long start, long end) {
        return new LanePod(uid, "n1", family, null, 0, false, start, end);
    }

    @Test
    void runsAreLearntOncePerPodAndNotAgainFromAnEarlierLeadersTable() {
        FamilyHistory history = new FamilyHistory();
        RunTimeLearner learner = new RunTimeLearner(history);
        List<LanePod> pods = List.of(
                succeeded("a", "ns/f", T0, T0 + 10 * MIN),
                succeeded("b", "ns/f", T0, T0 + 20 * MIN),
                running("c", "n1", "ns/f", null, T0),
                new LanePod("d", "n1", "ns/f", null, 0, false, -1, T0)); // never started: no run to learn
        assertThat(learner.observe(pods)).isEqualTo(2);
        assertThat(learner.observe(pods)).as("the same pods at the next scan").isZero();
        assertThat(history.get("ns/f").meanMillis()).isEqualTo(15 * MIN);

        FamilyHistory successor = new FamilyHistory();
        successor.seed(history.table());
        assertThat(new RunTimeLearner(successor).observe(pods))
                .as("a new Lease holder, pods still there")
                .isEqualTo(1); // only the run that ended at the table's last update is taken again
    }

    @Test
    void aNodesLabelIsTheLatestExpectedEndOfItsPodsInWholeMinutesAndOnlyChangesAreWritten() {
        FamilyHistory history = new FamilyHistory();
        history.learn("ns/long", 120 * MIN, T0);
        List<LanePod> pods = List.of(
                running("a", "n1", "ns/short", "30m", T0),
                running("b", "n1", "ns/long", null, T0 + 30_000),
                running("c", "n2", "ns/unknown", null, T0),
                new LanePod("d", "n3", null, null, 15 * MIN, true, T0, -1));
        List<LaneNode> nodes = List.of(
                new LaneNode("n1", null),
                new LaneNode("n2", "29000007"),
                new LaneNode("n3", Long.toString(T0 / MIN + 15)),
                new LaneNode("n4", null));
        assertThat(LaneEnds.changes(nodes, pods, history, T0))
                .containsExactly(
                        new LaneEnds.Change("n1", Long.toString(T0 / MIN + 120)), new LaneEnds.Change("n2", null));
    }

    /** Guards the label comparison that builds no string per node: only the exact decimal text is the same. */
    @Test
    void aLabelIsUnchangedOnlyWhenItIsExactlyTheDecimalMinutes() {
        assertThat(LaneEnds.isNumber("29000007", 29_000_007L)).isTrue();
        assertThat(LaneEnds.isNumber("0", 0)).isTrue();
        for (String other :
                new String[] {"", "029000007", "2900000", "129000007", "29000008", "2900000x", "+29000007"}) {
            assertThat(LaneEnds.isNumber(other, 29_000_007L)).as(other).isFalse();
        }
        assertThat(LaneEnds.isNumber("", 0)).isFalse();
        assertThat(LaneEnds.isNumber("00", 0)).isFalse();
        assertThat(LaneEnds.isNumber("-5", -5)).isTrue();
        assertThat(LaneEnds.isNumber("9223372036854775807", Long.MAX_VALUE)).isTrue();
        // 19 digits beyond Long.MAX_VALUE, parsed, wrap to a negative number: never equal to a minute count.
        assertThat(LaneEnds.isNumber("9999999999999999999", 776_627_963_145_224_191L))
                .isFalse();
        assertThat(LaneEnds.isNumber("92233720368547758070", Long.MAX_VALUE)).isFalse();
    }

    /** Pods of one node need not come in a row: the label is still the latest end of all of them. */
    @Test
    void theLatestEndOfANodeCountsItsPodsWhereverTheyComeInTheList() {
        FamilyHistory history = new FamilyHistory();
        List<LanePod> pods = List.of(
                running("a", "n1", "ns/f", "30m", T0),
                running("b", "n2", "ns/f", "10m", T0),
                running("c", "n1", "ns/f", "10m", T0));
        List<LaneNode> nodes = List.of(new LaneNode("n1", null), new LaneNode("n2", null));
        assertThat(LaneEnds.of(nodes, pods, history, T0).changes())
                .containsExactly(
                        new LaneEnds.Change("n1", Long.toString(T0 / MIN + 30)),
                        new LaneEnds.Change("n2", Long.toString(T0 / MIN + 10)));
    }

    /** Guards the drain order's input: each bound pod with a prediction, at its start plus the prediction. */
    @Test
    void expectedEndsAreTheBoundPodsWithAPredictionLookedUpPodByPod() {
        Memory k = new Memory();
        k.labels.put("n1", null);
        k.configMap = new FamilyTable(Map.of("ns/known", RunTimes.first(20 * MIN, T0 - MIN)));
        k.pods.add(running("a", "n1", "ns/known", null, T0));
        k.pods.add(running("b", "n1", "ns/unknown", null, T0));
        k.pods.add(running("c", "n9", "ns/known", null, T0 + MIN)); // on a node lanes does not list
        LanesStep step = new LanesStep(k, Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC), Duration.ZERO, 100);
        assertThat(step.expectedEnds().isEmpty()).isTrue();

        step.run(new ScanGate(false, () -> true));

        ExpectedEnds ends = step.expectedEnds();
        assertThat(ends.isEmpty()).isFalse();
        assertThat(ends.of("a", "n1")).isEqualTo(Instant.ofEpochMilli(T0 + 20 * MIN));
        assertThat(ends.of("b", "n1")).as("no prediction").isNull();
        assertThat(ends.of("c", "n9")).isEqualTo(Instant.ofEpochMilli(T0 + 21 * MIN));
        assertThat(ends.of("gone", "n1")).isNull();
    }

    /** An in-memory Kubernetes for the step: labels, the ConfigMap, and a count of writes. */
    static final class Memory implements LanesAccess {
        final Map<String, String> labels = new HashMap<>();
        final List<LanePod> pods = new ArrayList<>();
        FamilyTable configMap;
        int tableWrites;
        int labelWrites;

        @Override
        public List<LaneNode> nodes() {
            return labels.keySet().stream()
                    .sorted()
                    .map(n -> new LaneNode(n, labels.get(n)))
                    .toList();
        }

        @Override
        public List<LanePod> pods() {
            return List.copyOf(pods);
        }

        @Override
        public FamilyTable published() {
            return configMap == null ? FamilyTable.EMPTY : configMap;
        }

        @Override
        public void publish(FamilyTable table) {
            configMap = table;
            tableWrites++;
        }

        @Override
        public void setLaneEnd(String node, String value) {
            labels.put(node, value);
            labelWrites++;
        }
    }

    /**
     * Each label written is counted for {@code joblane_scaler_lane_label_writes_total}, in dry-run each that would have
     * been (once, as it is logged once); a label already right is not.
     */
    @Test
    void labelWritesAreCountedForTheMetric() {
        Memory k = new Memory();
        k.labels.put("n1", null);
        k.labels.put("n2", null);
        k.labels.put("n3", null);
        k.pods.add(running("a", "n1", null, "10m", T0));
        k.pods.add(running("b", "n2", null, "20m", T0));
        RecordingMetrics metrics = new RecordingMetrics();
        Clock clock = Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC);
        LanesStep step = new LanesStep(k, clock, Duration.ZERO, 100, metrics);
        step.run(new ScanGate(false, () -> true));
        step.run(new ScanGate(false, () -> true));
        assertThat(k.labelWrites).isEqualTo(2);
        assertThat(metrics.laneLabelWrites)
                .as("n3 has no pod and no label: nothing to write")
                .isEqualTo(2);

        Memory dry = new Memory();
        dry.labels.put("n1", null);
        dry.pods.add(running("a", "n1", null, "10m", T0));
        RecordingMetrics dryMetrics = new RecordingMetrics();
        LanesStep dryStep = new LanesStep(dry, clock, Duration.ZERO, 100, dryMetrics);
        dryStep.run(new ScanGate(true, () -> true));
        dryStep.run(new ScanGate(true, () -> true));
        assertThat(dry.labelWrites).isZero();
        assertThat(dryMetrics.laneLabelWrites).isEqualTo(1);
    }

    @Test
    void theTableIsWrittenOnlyWhenChangedAtMostEveryIntervalOnlyByTheLeaseHolderAndNeverInDryRun() {
        Memory k = new Memory();
        k.labels.put("n1", null);
        k.configMap = new FamilyTable(Map.of("ns/old", RunTimes.first(5 * MIN, T0 - MIN)));
        long[] now = {T0};
        boolean[] leading = {true};
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return Instant.ofEpochMilli(now[0]);
            }
        };
        LanesStep step = new LanesStep(k, clock, Duration.ofSeconds(30), 100);
        ScanGate dry = new ScanGate(true, () -> leading[0]);
        ScanGate live = new ScanGate(false, () -> leading[0]);

        k.pods.add(running("r", "n1", "ns/old", null, T0));
        step.run(dry);
        step.run(dry);
        assertThat(k.labelWrites + k.tableWrites).as("dry-run writes nothing").isZero();
        step.run(live);
        assertThat(k.labels.get("n1"))
                .as("the earlier leader's history predicts")
                .isEqualTo(Long.toString(T0 / MIN + 5));
        assertThat(k.tableWrites)
                .as("nothing learnt yet: the table is unchanged")
                .isZero();

        k.pods.add(succeeded("s1", "ns/new", T0 - 10 * MIN, T0));
        step.run(live);
        assertThat(k.tableWrites).isEqualTo(1);
        assertThat(k.configMap.get("ns/old")).as("resumed, not replaced").isNotNull();

        k.pods.add(succeeded("s2", "ns/new", T0 - 20 * MIN, T0 + 1000));
        now[0] += 10_000;
        step.run(live);
        assertThat(k.tableWrites).as("changed, but within the interval").isEqualTo(1);
        assertThat(step.nextDeadline())
                .as("the held-back table is due when the interval ends")
                .isEqualTo(Instant.ofEpochMilli(T0 + 30_000));
        now[0] += 30_000;
        leading[0] = false;
        assertThatThrownBy(() -> step.run(live))
                .as("the loop's gate ends the scan of a replica that lost the Lease")
                .isInstanceOf(ScanGate.NotLeading.class);
        assertThat(k.tableWrites).as("not the Lease holder").isEqualTo(1);
        leading[0] = true;
        int labelWrites = k.labelWrites;
        step.run(live);
        assertThat(k.tableWrites).isEqualTo(2);
        assertThat(step.nextDeadline()).as("nothing held back").isNull();
        assertThat(k.configMap.get("ns/new").meanMillis()).isEqualTo(15 * MIN + 500);
        assertThat(k.labelWrites).as("labels unchanged: no write").isEqualTo(labelWrites);
    }
}
