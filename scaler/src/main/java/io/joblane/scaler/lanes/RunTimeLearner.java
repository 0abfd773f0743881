package io.joblane.scaler.lanes;

import io.joblane.model.lanes.FamilyHistory;
import io.joblane.model.lanes.RunTimes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns each family's run times from its Succeeded pods (start to the last container's termination), once per pod:
 * a pod seen at an earlier scan is skipped by uid, and a run that ended before its family's last learnt run (already
 * in a table an earlier Lease holder published) is skipped by time. Remembers only the uids still present, so memory
 * follows the cache. Pure; the loop thread owns it.
 */
public final class RunTimeLearner {
    private static final Comparator<LanePod> BY_END = Comparator.comparingLong(LanePod::finishedMillis);

    private final FamilyHistory history;
    /** The uids of the finished runs the last scan saw, each with the last scan that saw it. */
    private Map<String, Seen> seen = new HashMap<>();

    private long scan;

    private static final class Seen {
        long scan;

        Seen(long scan) {
            this.scan = scan;
        }
    }

    public RunTimeLearner(FamilyHistory history) {
        this.history = history;
    }

    /**
     * Learns the runs not learnt yet among {@code pods}; returns how many. Only the runs not seen at the last scan are
     * sorted, by end (stably: the order among them is that of sorting them all); the uids of runs gone since are
     * dropped.
     */
    public int observe(List<LanePod> pods) {
        scan++;
        int present = 0;
        List<LanePod> fresh = new ArrayList<>();
        for (LanePod p : pods) {
            if (!p.finishedRun()) {
                continue;
            }
            Seen s = seen.get(p.uid());
            if (s == null) {
                fresh.add(p); // remembered below, so a uid twice in one scan is learnt twice, as when it was new
            } else if (s.scan != scan) {
                s.scan = scan;
                present++;
            }
        }
        fresh.sort(BY_END);
        int learnt = 0;
        for (LanePod p : fresh) {
            if (seen.putIfAbsent(p.uid(), new Seen(scan)) == null) {
                present++;
            }
            RunTimes known = history.get(p.family());
            if (known != null && p.finishedMillis() < known.updatedAtMillis()) {
                continue;
            }
            history.learn(p.family(), p.finishedMillis() - p.startMillis(), p.finishedMillis());
            learnt++;
        }
        if (seen.size() > present) { // runs no longer present (their pods deleted): a new map of the present ones,
            // found from the pods, not a walk of the old map's table, which a burst of finished runs grew for good
            Map<String, Seen> kept = new HashMap<>();
            for (LanePod p : pods) {
                Seen s = p.finishedRun() ? seen.get(p.uid()) : null;
                if (s != null) { // every one found in this scan's list was seen by it
                    kept.put(p.uid(), s);
                }
            }
            seen = kept;
        }
        return learnt;
    }

    /** How many uids are remembered (those of the finished runs the last scan saw). */
    int remembered() {
        return seen.size();
    }
}
