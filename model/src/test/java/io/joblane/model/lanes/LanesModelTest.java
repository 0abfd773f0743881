package io.joblane.model.lanes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.model.WellKnown;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared lanes model: family key, prediction order, bounded history and the published table's text form. */
class LanesModelTest {
    private static final long MIN = 60_000;

    @Test
    void theFamilyIsTheLabelElseTheJobNameWithoutACronJobSuffix() {
        assertThat(FamilyKey.of("ml", Map.of(WellKnown.FAMILY_LABEL, "train", WellKnown.JOB_NAME_LABEL, "x")))
                .isEqualTo("ml/train");
        assertThat(FamilyKey.of("ml", Map.of(WellKnown.JOB_NAME_LABEL, "nightly-29412345")))
                .isEqualTo("ml/nightly");
        assertThat(FamilyKey.of("ml", Map.of(WellKnown.LEGACY_JOB_NAME_LABEL, "nightly-29412345")))
                .isEqualTo("ml/nightly");
        assertThat(FamilyKey.of("ml", Map.of(WellKnown.JOB_NAME_LABEL, "build-2")))
                .as("a short number is part of the name, not a CronJob's schedule")
                .isEqualTo("ml/build-2");
        assertThat(FamilyKey.of("ml", Map.of())).isNull();
    }

    @Test
    void theAnnotationWinsThenTheFamilysLastTwoThenTheDeadline() {
        RunTimes history = RunTimes.first(10 * MIN, 0).then(20 * MIN, 1);
        assertThat(RunTimePredictor.predict("45m", history, 60 * MIN))
                .contains(new RunTimePredictor.Prediction(45 * MIN, RunTimePredictor.Source.ANNOTATION));
        assertThat(RunTimePredictor.predict(null, history, 60 * MIN))
                .contains(new RunTimePredictor.Prediction(15 * MIN, RunTimePredictor.Source.FAMILY));
        assertThat(RunTimePredictor.predict("soon", null, 60 * MIN))
                .as("a bad annotation is ignored")
                .contains(new RunTimePredictor.Prediction(60 * MIN, RunTimePredictor.Source.DEADLINE));
        assertThat(RunTimePredictor.predict("0s", null, 0)).isEmpty();
        assertThat(RunTimePredictor.annotationProblem("soon")).contains("soon");
        assertThat(RunTimePredictor.annotationProblem("0s")).contains("not a positive duration");
        assertThat(RunTimePredictor.annotationProblem("1h30m")).isNull();
        assertThat(RunTimePredictor.minutes(-1))
                .as("floor, also before the epoch")
                .isEqualTo(-1);
    }

    @Test
    void theHistoryKeepsTheLastTwoRunsAndForgetsTheLeastRecentlyUpdatedFamilyPastTheCap() {
        FamilyHistory h = new FamilyHistory(2);
        h.learn("ns/a", 1 * MIN, 1);
        h.learn("ns/b", 2 * MIN, 2);
        h.learn("ns/a", 3 * MIN, 3);
        h.learn("ns/a", 5 * MIN, 4);
        long before = h.version();
        h.learn("ns/c", 7 * MIN, 5);
        assertThat(h.version()).isGreaterThan(before);
        assertThat(h.get("ns/b")).as("least recently updated, evicted").isNull();
        assertThat(h.get("ns/a").meanMillis()).isEqualTo(4 * MIN);
        assertThat(h.size()).isEqualTo(2);
    }

    @Test
    void seedingKeepsWhatWasLearntHereAndStillHonoursTheCap() {
        FamilyHistory h = new FamilyHistory(2);
        h.learn("ns/a", MIN, 100);
        h.seed(new FamilyTable(Map.of(
                "ns/a",
                RunTimes.first(9 * MIN, 1),
                "ns/old",
                RunTimes.first(MIN, 2),
                "ns/new",
                RunTimes.first(MIN, 50))));
        assertThat(h.get("ns/a").lastMillis()).isEqualTo(MIN);
        assertThat(h.get("ns/new")).isNotNull();
        assertThat(h.get("ns/old")).isNull();
    }

    @Test
    void theTableRoundTripsAndStaysWithinItsByteLimitDroppingTheOldestFirst() {
        FamilyTable table = new FamilyTable(Map.of(
                "ns/b",
                RunTimes.first(MIN, 10),
                "ns/a",
                RunTimes.first(2 * MIN, 20).then(3 * MIN, 30)));
        String text = table.encode();
        assertThat(text).isEqualTo("""
                # family lastMillis previousMillis updatedAtMillis
                ns/a 180000 120000 30
                ns/b 60000 -1 10
                """);
        assertThat(FamilyTable.decode(text).asMap()).isEqualTo(table.asMap());
        String small = table.encode(text.length() - 1);
        assertThat(FamilyTable.decode(small).asMap()).containsOnlyKeys("ns/a");
        assertThatThrownBy(() -> FamilyTable.decode("ns/a 1 2\n")).hasMessageContaining("line 1");
        assertThat(FamilyTable.decode(null).size()).isZero();
    }

    /** Guards what lanes re-predicts: every family whose run times moved, the forgotten ones too; all after a seed. */
    @Test
    void theChangedFamiliesAreTheLearntAndTheForgottenSinceTheLastTake() {
        FamilyHistory h = new FamilyHistory(2);
        assertThat(h.takeChanged())
                .as("nothing taken yet: any may have changed")
                .isNull();
        assertThat(h.takeChanged()).isEmpty();
        h.learn("ns/a", 1000, 1);
        h.learn("ns/b", 1000, 2);
        assertThat(h.takeChanged()).containsExactlyInAnyOrder("ns/a", "ns/b");
        h.learn("ns/c", 1000, 3); // past the cap: ns/a is forgotten
        assertThat(h.takeChanged()).containsExactlyInAnyOrder("ns/a", "ns/c");
        h.learn("ns/b", 2000, 4);
        h.seed(FamilyTable.EMPTY);
        assertThat(h.takeChanged()).as("a seed may change any").isNull();
        assertThat(h.takeChanged()).isEmpty();
    }

    /**
     * A table made after a few changes shares the last table's copy and holds the changes on top: every table, taken
     * at random moments between random learning, forgetting past the cap and seeds, reads as a fresh copy of the
     * history did then, and keeps reading so after later learning.
     */
    @Test
    void everyTableReadsAsACopyOfTheHistoryWhenItWasMadeWhateverCameAfter() {
        for (long seed = 1; seed <= 8; seed++) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            FamilyHistory h = new FamilyHistory(40 + random.nextInt(200));
            java.util.List<FamilyTable> tables = new java.util.ArrayList<>();
            java.util.List<Map<String, RunTimes>> copies = new java.util.ArrayList<>();
            java.util.Set<String> names = new java.util.HashSet<>();
            for (int f = 0; f < 400; f++) {
                names.add("ns/f" + f);
            }
            for (int step = 0; step < 3_000; step++) {
                int op = random.nextInt(100);
                if (op < 80) {
                    h.learn("ns/f" + random.nextInt(400), random.nextInt(1000), step);
                } else if (op < 99) {
                    tables.add(h.table());
                    copies.add(history(h, names));
                } else {
                    names.add("ns/seeded" + step);
                    h.seed(new FamilyTable(Map.of("ns/seeded" + step, RunTimes.first(1, step))));
                }
            }
            assertThat(tables).hasSizeGreaterThan(300);
            for (int t = 0; t < tables.size(); t++) {
                FamilyTable table = tables.get(t);
                Map<String, RunTimes> copy = copies.get(t);
                assertThat(table.asMap()).as("seed %d table %d", seed, t).isEqualTo(copy);
                assertThat(table.size()).isEqualTo(copy.size());
                for (String name : names) {
                    assertThat(table.get(name)).isEqualTo(copy.get(name));
                }
                assertThat(FamilyTable.decode(table.encode()).asMap()).isEqualTo(copy);
            }
        }
    }

    /** Every family of {@code names} the history holds now, read one by one (it hands no map of its own). */
    private static Map<String, RunTimes> history(FamilyHistory h, java.util.Set<String> names) {
        Map<String, RunTimes> out = new java.util.HashMap<>();
        for (String name : names) {
            RunTimes r = h.get(name);
            if (r != null) {
                out.put(name, r);
            }
        }
        assertThat(out).hasSize(h.size());
        return Map.copyOf(out);
    }
}
