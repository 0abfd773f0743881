package io.joblane.scaler.lanes;

import io.joblane.model.lanes.FamilyHistory;
import io.joblane.model.lanes.RunTimes;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Learns each family's run times from its Succeeded pods (start to the last container's termination), once per pod:
 * a pod seen at an earlier scan is skipped by uid, and a run that ended before its family's last learnt run (already
 * in a table an earlier Lease holder published) is skipped by time. Remembers only the uids still present, so memory
 * follows the cache. Pure; the loop thread owns it.
 */
public final class RunTimeLearner {
    private final FamilyHistory history;
    private Set<String> seen = new HashSet<>();

    public RunTimeLearner(FamilyHistory history) {
        this.history = history;
    }

    /** Learns the runs not learnt yet among {@code pods}; returns how many. */
    public int observe(List<LanePod> pods) {
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
