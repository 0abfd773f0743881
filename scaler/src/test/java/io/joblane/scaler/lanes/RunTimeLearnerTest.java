package io.joblane.scaler.lanes;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.lanes.FamilyHistory;
import io.joblane.model.lanes.RunTimes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The learner sorts only the runs it has not seen and keeps its uids across scans: the same learning as from scratch. */
class RunTimeLearnerTest {
    private static final long MIN = 60_000;
    private static final long T0 = 29_000_000L * MIN;

    /** The learner as it was: every finished run sorted and the set of uids built afresh at every scan. */
    static final class FromScratch {
        final FamilyHistory history;
        Set<String> seen = new HashSet<>();

        FromScratch(FamilyHistory history) {
            this.history = history;
        }

        int observe(List<LanePod> pods) {
            Set<String> present = new HashSet<>();
            int learnt = 0;
            List<LanePod> finished = pods.stream()
                    .filter(LanePod::finishedRun)
                    .sorted(Comparator.comparingLong(LanePod::finishedMillis))
                    .toList();
            for (LanePod p : finished) {
                present.add(p.uid());
                if (seen.contains(p.uid())) {
                    continue;
                }
                RunTimes known = history.get(p.family());
                if (known != null && p.finishedMillis() < known.updatedAtMillis()) {
                    continue;
                }
                history.learn(p.family(), p.finishedMillis() - p.startMillis(), p.finishedMillis());
                learnt++;
            }
            seen = present;
            return learnt;
        }
    }

    private static LanePod succeeded(String uid, String family, long start, long end) {
        return new LanePod(uid, null, family, null, 0, false, start, end);
    }

    @Test
    void aRunSeenAgainIsNotLearntAndAGoneOneIsForgotten() {
        FamilyHistory history = new FamilyHistory();
        RunTimeLearner learner = new RunTimeLearner(history);
        LanePod a = succeeded("a", "ns/f", T0, T0 + 10 * MIN);
        LanePod b = succeeded("b", "ns/f", T0, T0 + 20 * MIN);

        assertThat(learner.observe(List.of(a, b))).isEqualTo(2);
        assertThat(learner.observe(List.of(b, a))).isZero();
        assertThat(learner.remembered()).isEqualTo(2);

        assertThat(learner.observe(List.of(b))).isZero();
        assertThat(learner.remembered()).as("a's pod was deleted").isEqualTo(1);

        // Back (a relist after a deletion that did not happen, say): not seen at the last scan, so taken as new, where
        // the family's last update (b's end) skips it by time, as before.
        assertThat(learner.observe(List.of(a, b))).isZero();
        assertThat(learner.remembered()).isEqualTo(2);
        LanePod c = succeeded("c", "ns/f", T0, T0 + 30 * MIN);
        assertThat(learner.observe(List.of(c))).isEqualTo(1);
        assertThat(learner.remembered()).isEqualTo(1);
        assertThat(history.get("ns/f").meanMillis()).isEqualTo(25 * MIN);
    }

    @Test
    void runsNewAtTheSameScanAreLearntInOrderOfTheirEndsTiesInTheirOrder() {
        FamilyHistory history = new FamilyHistory(1); // one family kept: the last one learnt
        RunTimeLearner learner = new RunTimeLearner(history);
        LanePod old = succeeded("old", "ns/old", T0, T0 + 20 * MIN);
        learner.observe(List.of(old));

        learner.observe(List.of(
                succeeded("tie1", "ns/tie1", T0, T0 + 9 * MIN),
                old, // seen: not learnt again although it ends last
                succeeded("early", "ns/early", T0, T0 + 5 * MIN),
                succeeded("tie2", "ns/tie2", T0, T0 + 9 * MIN)));

        assertThat(history.table().asMap()).containsOnlyKeys("ns/tie2");
    }

    /** Guards against a kept uid going stale or a gone one kept: random scans, the same history as from scratch. */
    @Test
    void randomScansLearnExactlyWhatLearningFromScratchLearns() {
        for (long seed = 1; seed <= 200; seed++) {
            Random rnd = new Random(seed);
            int maxFamilies = 1 + rnd.nextInt(6);
            FamilyHistory kept = new FamilyHistory(maxFamilies);
            FamilyHistory scratch = new FamilyHistory(maxFamilies);
            if (rnd.nextBoolean()) { // a new Lease holder resuming from a published table
                FamilyHistory earlier = new FamilyHistory(maxFamilies);
                for (int i = 0; i < 4; i++) {
                    earlier.learn("ns/f" + rnd.nextInt(5), (1 + rnd.nextInt(30)) * MIN, T0 + rnd.nextInt(60) * MIN);
                }
                kept.seed(earlier.table());
                scratch.seed(earlier.table());
            }
            RunTimeLearner learner = new RunTimeLearner(kept);
            FromScratch reference = new FromScratch(scratch);
            List<LanePod> pool = new ArrayList<>();
            List<LanePod> present = new ArrayList<>();
            for (int scan = 0; scan < 40; scan++) {
                present = nextScan(rnd, pool, present);
                String where = "seed " + seed + " scan " + scan;
                assertThat(learner.observe(present)).as(where).isEqualTo(reference.observe(present));
                assertThat(kept.table().asMap())
                        .as(where)
                        .isEqualTo(scratch.table().asMap());
                assertThat(kept.version()).as(where).isEqualTo(scratch.version());
                assertThat(kept.takeChanged()).as(where).isEqualTo(scratch.takeChanged());
                assertThat(learner.remembered()).as(where).isEqualTo(reference.seen.size());
            }
        }
    }

    /** The next scan's pods: most stay, some go (and may come back), new ones finish, in a shuffled order. */
    private static List<LanePod> nextScan(Random rnd, List<LanePod> pool, List<LanePod> present) {
        List<LanePod> next = new ArrayList<>();
        for (LanePod p : present) {
            if (rnd.nextInt(8) != 0) {
                next.add(p);
            }
        }
        for (int i = rnd.nextInt(6); i > 0; i--) {
            LanePod p = newPod(rnd, pool.size());
            pool.add(p);
            next.add(p);
        }
        if (!pool.isEmpty() && rnd.nextInt(4) == 0) {
            next.add(pool.get(rnd.nextInt(pool.size()))); // back after a gap, or twice in one scan
        }
        if (rnd.nextInt(3) == 0) {
            Collections.shuffle(next, rnd);
        }
        return next;
    }

    private static LanePod newPod(Random rnd, int n) {
        String uid = rnd.nextInt(30) == 0 ? null : "uid-" + n;
        String family = rnd.nextInt(20) == 0 ? null : "ns/f" + rnd.nextInt(5);
        long start = rnd.nextInt(10) == 0 ? -1 : T0 + rnd.nextInt(30) * MIN;
        long end = switch (rnd.nextInt(6)) {
            case 0 -> -1; // running or failed: no run
            case 1 -> start - MIN; // ends before it starts: no run
            default -> start + rnd.nextInt(40) * MIN; // ends tie often
        };
        return new LanePod(uid, rnd.nextBoolean() ? "n1" : null, family, null, 0, end < 0, start, end);
    }
}
