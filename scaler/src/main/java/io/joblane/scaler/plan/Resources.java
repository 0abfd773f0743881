package io.joblane.scaler.plan;

import io.joblane.model.Quantity;
import io.joblane.model.WellKnown;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable amount of resources in milli-units per resource name ({@code cpu} "1" = 1000, {@code memory} "1Ki" =
 * 1,024,000), as parallel sorted arrays so that 50,000 pods stay small. Absent names are zero. Used for pod requests,
 * node allocatable and DaemonSet overhead; the planner turns them into dense vectors once per pass.
 */
public final class Resources {
    public static final Resources ZERO = new Resources(new String[0], new long[0]);
    /** Distinct name sets shared at most ({@link #canonical}). */
    private static final int MAX_NAME_SETS = 1024;

    private static final java.util.concurrent.ConcurrentHashMap<NameSet, String[]> NAME_SETS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final String[] names;
    private final long[] millis;
    /** Cached {@link #hashCode}, 0 until asked (a benign race: every thread computes the same value). */
    private int hash;
    /** Cached {@link #hasExtended}: 0 until asked, 1 no, 2 yes (the same benign race as {@link #hash}). */
    private byte extended;

    private Resources(String[] names, long[] millis) {
        this.names = names;
        this.millis = millis;
    }

    /** Builds from milli-units per resource name; zero amounts are dropped, negative ones rejected. */
    public static Resources ofMillis(Map<String, Long> millisByName) {
        TreeMap<String, Long> sorted = new TreeMap<>();
        millisByName.forEach((name, value) -> {
            if (value == null || value < 0) {
                throw new IllegalArgumentException("negative or missing amount of " + name + ": " + value);
            }
            if (value > 0) {
                sorted.put(name, value);
            }
        });
        return fromSorted(sorted);
    }

    /** Builds from Kubernetes quantity strings ("500m", "4Gi"). */
    public static Resources ofQuantities(Map<String, String> quantities) {
        Map<String, Long> millis = new LinkedHashMap<>();
        quantities.forEach((name, q) -> millis.put(name, Quantity.toMillis(q)));
        return ofMillis(millis);
    }

    /** Shorthand for tests and the simulator: cpu and memory in milli-units. */
    public static Resources of(long cpuMillis, long memoryMillis) {
        return ofMillis(Map.of(WellKnown.RESOURCE_CPU, cpuMillis, WellKnown.RESOURCE_MEMORY, memoryMillis));
    }

    private static Resources fromSorted(TreeMap<String, Long> sorted) {
        if (sorted.isEmpty()) {
            return ZERO;
        }
        String[] n = new String[sorted.size()];
        long[] v = new long[sorted.size()];
        int i = 0;
        for (Map.Entry<String, Long> e : sorted.entrySet()) {
            n[i] = e.getKey().intern();
            v[i] = e.getValue();
            i++;
        }
        return new Resources(canonical(n), v);
    }

    /**
     * One shared array per set of names (clusters use a handful), so {@link #sameNames} is mostly one reference
     * comparison when the planner alternates between pods' requests and nodes' loads; bounded, past which arrays
     * are simply not shared.
     */
    private static String[] canonical(String[] names) {
        NameSet key = new NameSet(names);
        String[] shared = NAME_SETS.get(key);
        if (shared != null) {
            return shared;
        }
        if (NAME_SETS.size() < MAX_NAME_SETS) {
            NAME_SETS.putIfAbsent(key, names);
        }
        return names;
    }

    /** A names array as a map key, by content. */
    private record NameSet(String[] names) {
        @Override
        public boolean equals(Object o) {
            return o instanceof NameSet other && Arrays.equals(names, other.names);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(names);
        }

        @Override
        public String toString() {
            return Arrays.toString(names);
        }
    }

    /** Milli-units of {@code name}, zero when absent. */
    public long get(String name) {
        // The names are interned and callers mostly pass one of them: found by reference before strings compare.
        for (int i = 0; i < names.length; i++) {
            if (names[i] == name) {
                return millis[i];
            }
        }
        int i = Arrays.binarySearch(names, name);
        return i < 0 ? 0 : millis[i];
    }

    public int size() {
        return names.length;
    }

    public String nameAt(int index) {
        return names[index];
    }

    public long millisAt(int index) {
        return millis[index];
    }

    /** Whether both name the same resources in the same order (names are interned, so mostly one comparison). */
    boolean sameNames(Resources other) {
        return names == other.names || Arrays.equals(names, other.names);
    }

    public boolean isZero() {
        return names.length == 0;
    }

    public Resources plus(Resources other) {
        TreeMap<String, Long> sum = toTreeMap();
        for (int i = 0; i < other.names.length; i++) {
            sum.merge(other.names[i], other.millis[i], Long::sum);
        }
        return fromSorted(sum);
    }

    /**
     * The pods' requests summed; when they all name the same resources (the usual case), in one array add per pod
     * and with the same names array, so {@link #sameNames} stays one comparison. Amounts may be zero.
     */
    static Resources sumOfRequests(List<PodInfo> pods) {
        if (pods.isEmpty()) {
            return ZERO;
        }
        Resources first = pods.get(0).requests();
        long[] sum = first.millis.clone();
        for (int p = 1; p < pods.size(); p++) {
            Resources r = pods.get(p).requests();
            if (!r.sameNames(first)) {
                Resources slow = ZERO;
                for (PodInfo pod : pods) {
                    slow = slow.plus(pod.requests());
                }
                return slow;
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] += r.millis[i];
            }
        }
        return new Resources(first.names, sum);
    }

    /** Whether it names an extended resource with a positive amount (a GPU template): computed once. */
    boolean hasExtended() {
        byte e = extended;
        if (e == 0) {
            e = 1;
            for (int i = 0; i < names.length; i++) {
                if (millis[i] > 0 && isExtended(names[i])) {
                    e = 2;
                }
            }
            extended = e;
        }
        return e == 2;
    }

    /** Subtracts, flooring each amount at zero. */
    public Resources minus(Resources other) {
        TreeMap<String, Long> diff = toTreeMap();
        for (int i = 0; i < other.names.length; i++) {
            long left = diff.getOrDefault(other.names[i], 0L) - other.millis[i];
            if (left > 0) {
                diff.put(other.names[i], left);
            } else {
                diff.remove(other.names[i]);
            }
        }
        return fromSorted(diff);
    }

    public Map<String, Long> toMap() {
        return new LinkedHashMap<>(toTreeMap());
    }

    private TreeMap<String, Long> toTreeMap() {
        TreeMap<String, Long> m = new TreeMap<>();
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], millis[i]);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Resources r && Arrays.equals(names, r.names) && Arrays.equals(millis, r.millis);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) { // immutable: computed once (planner steps key maps and sets by shapes every scan)
            h = 31 * Arrays.hashCode(names) + Arrays.hashCode(millis);
            hash = h;
        }
        return h;
    }

    /** Human form, e.g. {@code {cpu=500m, memory=4Gi}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names[i]).append('=').append(Quantity.format(millis[i], names[i]));
        }
        return sb.append('}').toString();
    }

    /**
     * An extended resource in the Kubernetes sense: not cpu, memory, pods, ephemeral-storage or hugepages.
     * @see <a href="https://kubernetes.io/docs/tasks/configure-pod-container/extended-resource/">extended resources</a>
     */
    public static boolean isExtended(String resource) {
        return !resource.equals(WellKnown.RESOURCE_CPU)
                && !resource.equals(WellKnown.RESOURCE_MEMORY)
                && !resource.equals(WellKnown.RESOURCE_PODS)
                && !resource.equals("ephemeral-storage")
                && !resource.startsWith("hugepages-");
    }
}
