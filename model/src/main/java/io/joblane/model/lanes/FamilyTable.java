package io.joblane.model.lanes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An immutable family table: each family's last two run times, as the scaler publishes it in the ConfigMap
 * {@code joblane-lanes} (key {@code families}) and the webhook reads it. The text form is one family per line,
 * {@code <family> <lastMillis> <previousMillis or -1> <updatedAtMillis>}, sorted by family (family keys have no
 * spaces: a namespace, a slash and a label value or Job name); blank lines and lines starting with {@code #} are
 * skipped. Pure and thread-safe.
 */
public final class FamilyTable {
    public static final FamilyTable EMPTY = new FamilyTable(Map.of());
    /** Below a ConfigMap's 1 MiB limit (https://kubernetes.io/docs/concepts/configuration/configmap/), with room. */
    public static final int MAX_BYTES = 900 * 1024;

    private static final String HEADER = "# family lastMillis previousMillis updatedAtMillis\n";

    /** Marks a family of {@link #families} that {@link #recent} forgets. */
    private static final RunTimes FORGOTTEN = new RunTimes(0, RunTimes.NONE, 0);

    private final Map<String, RunTimes> families;
    /**
     * What changed since {@link #families} was copied (a family's run times, or {@link #FORGOTTEN}), read first: a
     * table published at every change would otherwise copy thousands of families for a few (see {@link #then}).
     */
    private final Map<String, RunTimes> recent;

    private final int size;
    /** {@link #asMap()}'s merge of the two, made on first use (immutable, so a race makes it twice at worst). */
    private volatile Map<String, RunTimes> merged;

    public FamilyTable(Map<String, RunTimes> families) {
        this(Map.copyOf(families), Map.of(), families.size());
    }

    private FamilyTable(Map<String, RunTimes> families, Map<String, RunTimes> recent, int size) {
        this.families = families;
        this.recent = recent;
        this.size = size;
    }

    /**
     * The table of {@code now}, where only {@code changed} (families learnt or forgotten) differ from this table: it
     * shares this table's copy and copies the changes since it was made, until they grow past an eighth of the
     * families; then {@code now} is copied whole. A publisher that makes a table at every change copies a sixteenth
     * of the families on average, not all of them.
     */
    FamilyTable then(Map<String, RunTimes> now, Set<String> changed) {
        if (recent.size() + changed.size() > Math.max(16, now.size() / 8)) {
            return new FamilyTable(now);
        }
        Map<String, RunTimes> next = new HashMap<>(recent);
        for (String family : changed) {
            RunTimes r = now.get(family);
            next.put(family, r == null ? FORGOTTEN : r);
        }
        return new FamilyTable(families, next, now.size());
    }

    /** The family's run times, or null when unknown (or {@code family} is null). */
    public RunTimes get(String family) {
        if (family == null) {
            return null;
        }
        RunTimes r = recent.isEmpty() ? null : recent.get(family);
        if (r != null) {
            return r == FORGOTTEN ? null : r;
        }
        return families.get(family);
    }

    public int size() {
        return size;
    }

    /** Every family's run times (immutable). */
    public Map<String, RunTimes> asMap() {
        if (recent.isEmpty()) {
            return families;
        }
        Map<String, RunTimes> out = merged;
        if (out == null) {
            Map<String, RunTimes> all = new HashMap<>(families);
            recent.forEach((family, r) -> {
                if (r == FORGOTTEN) {
                    all.remove(family);
                } else {
                    all.put(family, r);
                }
            });
            out = Map.copyOf(all);
            merged = out;
        }
        return out;
    }

    /**
     * The text form, within {@code maxBytes} (UTF-8): when the whole table would not fit, the least recently updated
     * families are left out.
     */
    public String encode(int maxBytes) {
        List<Map.Entry<String, RunTimes>> newestFirst = new ArrayList<>(asMap().entrySet());
        newestFirst.sort(Comparator.comparingLong(
                        (Map.Entry<String, RunTimes> e) -> e.getValue().updatedAtMillis())
                .reversed()
                .thenComparing(Map.Entry::getKey));
        Map<String, String> kept = new TreeMap<>();
        int bytes = HEADER.length();
        for (Map.Entry<String, RunTimes> e : newestFirst) {
            RunTimes r = e.getValue();
            String line =
                    e.getKey() + " " + r.lastMillis() + " " + r.previousMillis() + " " + r.updatedAtMillis() + "\n";
            int size = line.getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            kept.put(e.getKey(), line);
        }
        StringBuilder out = new StringBuilder(bytes).append(HEADER);
        kept.values().forEach(out::append);
        return out.toString();
    }

    public String encode() {
        return encode(MAX_BYTES);
    }

    /** Reads the text form; {@link IllegalArgumentException} names the first bad line. */
    public static FamilyTable decode(String text) {
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        Map<String, RunTimes> families = new HashMap<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" +");
            try {
                if (f.length != 4) {
                    throw new IllegalArgumentException("4 fields expected, found " + f.length);
                }
                families.put(f[0], new RunTimes(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "family table line " + (i + 1) + " \"" + line + "\": " + e.getMessage(), e);
            }
        }
        return new FamilyTable(families);
    }
}
