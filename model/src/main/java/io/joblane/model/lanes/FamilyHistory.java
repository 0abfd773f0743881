package io.joblane.model.lanes;

import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Learns run times per family, keeping each family's last two, and at most {@code maxFamilies} families: learning a
 * new family past the cap forgets the least recently updated one. {@link #version} changes on every change, so a
 * publisher writes only when something changed. Not thread-safe: the scaler's loop thread and the simulator's single
 * thread own one each.
 */
public final class FamilyHistory {
    public static final int DEFAULT_MAX_FAMILIES = 10_000;

    private final int maxFamilies;
    /** In update order, oldest first: the eviction order. */
    private final LinkedHashMap<String, RunTimes> families = new LinkedHashMap<>(16, 0.75f, false);

    private long version;
    /** Families learnt or forgotten since the last {@link #takeChanged}; null when any may have (none taken yet). */
    private Set<String> changed;
    /** The last {@link #table}, and the families learnt or forgotten since (null: none made, or a seed since). */
    private FamilyTable lastTable;

    private Set<String> sinceTable;

    public FamilyHistory(int maxFamilies) {
        if (maxFamilies < 1) {
            throw new IllegalArgumentException("maxFamilies must be at least 1: " + maxFamilies);
        }
        this.maxFamilies = maxFamilies;
    }

    public FamilyHistory() {
        this(DEFAULT_MAX_FAMILIES);
    }

    /** Records one finished run of {@code family} that took {@code runMillis}, learnt at {@code atMillis}. */
    public void learn(String family, long runMillis, long atMillis) {
        if (family == null || runMillis < 0) {
            return;
        }
        RunTimes before = families.remove(family);
        families.put(family, before == null ? RunTimes.first(runMillis, atMillis) : before.then(runMillis, atMillis));
        noteChanged(family);
        evictBeyondCap();
        version++;
    }

    /** Adopts a published table (a new Lease holder resumes from it); what was learnt here wins over it. */
    public void seed(FamilyTable table) {
        Map<String, RunTimes> all = new LinkedHashMap<>(table.asMap());
        all.putAll(families);
        families.clear();
        all.entrySet().stream()
                .sorted(Map.Entry.comparingByValue(Comparator.comparingLong(RunTimes::updatedAtMillis)))
                .forEach(e -> families.put(e.getKey(), e.getValue()));
        evictBeyondCap();
        changed = null;
        sinceTable = null;
        version++;
    }

    private void evictBeyondCap() {
        Iterator<String> oldest = families.keySet().iterator();
        while (families.size() > maxFamilies && oldest.hasNext()) {
            String evicted = oldest.next();
            oldest.remove();
            noteChanged(evicted);
        }
    }

    /** A family learnt or forgotten: told to the lanes reader ({@link #takeChanged}) and the next {@link #table}. */
    private void noteChanged(String family) {
        if (changed != null) {
            changed.add(family);
        }
        if (sinceTable != null) {
            sinceTable.add(family);
        }
    }

    /**
     * The families whose run times changed (learnt, or forgotten past the cap) since the last call, or null when any
     * may have (a seed since, or the first call): a reader that keeps what it derived from some families' run times
     * re-derives only that. For one reader (the lanes step).
     */
    public Set<String> takeChanged() {
        Set<String> out = changed;
        changed = new HashSet<>();
        return out;
    }

    /** The family's run times, or null. */
    public RunTimes get(String family) {
        return family == null ? null : families.get(family);
    }

    public int size() {
        return families.size();
    }

    public long version() {
        return version;
    }

    /** The run times as of now, immutable: the later learning is not seen in it. */
    public FamilyTable table() {
        FamilyTable out = lastTable == null || sinceTable == null
                ? new FamilyTable(families)
                : sinceTable.isEmpty() ? lastTable : lastTable.then(families, sinceTable);
        lastTable = out;
        sinceTable = new HashSet<>();
        return out;
    }
}
