package io.joblane.model.lanes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    private final Map<String, RunTimes> families;

    public FamilyTable(Map<String, RunTimes> families) {
        this.families = Map.copyOf(families);
    }

    /** The family's run times, or null when unknown (or {@code family} is null). */
    public RunTimes get(String family) {
        return family == null ? null : families.get(family);
    }

    public int size() {
        return families.size();
    }

    public Map<String, RunTimes> asMap() {
        return families;
    }

    /**
     * The text form, within {@code maxBytes} (UTF-8): when the whole table would not fit, the least recently updated
     * families are left out.
     */
    public String encode(int maxBytes) {
        List<Map.Entry<String, RunTimes>> newestFirst = new ArrayList<>(families.entrySet());
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
