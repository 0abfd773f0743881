package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The resource names one planning pass deals in, each given a slot of a dense {@code long[]} vector in milli-units,
 * and the vector arithmetic the packing steps share. "pods" always has a slot: every pod takes one. Filled before any
 * vector is made; used by one pass on one thread.
 */
final class Dimensions {
    static final String PODS = WellKnown.RESOURCE_PODS;
    /** Capacity of a dimension a node does not report but that is not a hard limit ("pods" when absent). */
    static final long UNLIMITED = Long.MAX_VALUE / 8;
    /** One pod slot in milli-units of "pods". */
    static final long POD_SLOT = 1000;

    private final Map<String, Integer> slots = new HashMap<>();
    /** The last Resources added: the next with the same names adds nothing (nodes and pods mostly name the same). */
    private Resources lastAdded;
    /**
     * The slots of the names of the last two Resources looked up (-1: no slot), valid until a name is added: two, as
     * a node's allocatable and its pods' requests alternate.
     */
    private Resources lastNamed;

    private int[] lastSlots;
    private Resources previousNamed;
    private int[] previousSlots;
    private int podsSlot = -1;

    /** The number of slots of every vector. */
    int count() {
        return slots.size();
    }

    void add(Resources r) {
        if (lastAdded != null && lastAdded.sameNames(r)) {
            return; // its names already have slots
        }
        for (int i = 0; i < r.size(); i++) {
            add(r.nameAt(i));
        }
        lastAdded = r;
    }

    /** Whether every name of {@code r} has a slot (adding it would add none). */
    boolean hasSlotsFor(Resources r) {
        for (int i = 0; i < r.size(); i++) {
            if (!slots.containsKey(r.nameAt(i))) {
                return false;
            }
        }
        return true;
    }

    void add(String name) {
        if (slots.putIfAbsent(name, slots.size()) == null) {
            lastNamed = null; // a name that had no slot has one now
            lastSlots = null;
            previousNamed = null;
            previousSlots = null;
        }
    }

    /** Per name of {@code r}, its slot or -1; one map lookup per distinct set of names in a row, not per pod. */
    private int[] slotsOf(Resources r) {
        if (lastNamed != null && lastNamed.sameNames(r)) {
            return lastSlots;
        }
        int[] out;
        if (previousNamed != null && previousNamed.sameNames(r)) {
            out = previousSlots;
        } else {
            out = new int[r.size()];
            for (int i = 0; i < out.length; i++) {
                Integer d = slots.get(r.nameAt(i));
                out[i] = d == null ? -1 : d;
            }
        }
        previousNamed = lastNamed;
        previousSlots = lastSlots;
        lastNamed = r;
        lastSlots = out;
        return out;
    }

    private int pods() {
        if (podsSlot < 0) {
            podsSlot = slots.get(PODS);
        }
        return podsSlot;
    }

    /** The slot of a name the pass added: a missing one is a bug (as an unboxed null was before). */
    private static int known(int[] slotsOf, int i) {
        if (slotsOf[i] < 0) {
            throw new IllegalStateException("resource without a slot");
        }
        return slotsOf[i];
    }

    /** A node's allocatable as a vector; a "pods" capacity it does not report counts as unlimited. */
    void capacity(Resources allocatable, long[] out) {
        Arrays.fill(out, 0);
        int[] at = slotsOf(allocatable);
        for (int i = 0; i < at.length; i++) {
            out[known(at, i)] = allocatable.millisAt(i);
        }
        int pods = pods();
        if (out[pods] == 0) {
            out[pods] = UNLIMITED;
        }
    }

    long[] vector(Resources r) {
        long[] v = new long[count()];
        int[] at = slotsOf(r);
        for (int i = 0; i < at.length; i++) {
            v[known(at, i)] = r.millisAt(i);
        }
        return v;
    }

    /** Adds one pod's requests and its pod slot into {@code out[off..]}. */
    void addDemand(Resources requests, long[] out, int off) {
        int[] at = slotsOf(requests);
        for (int i = 0; i < at.length; i++) {
            if (at[i] >= 0) {
                out[off + at[i]] += requests.millisAt(i);
            }
        }
        out[off + pods()] += POD_SLOT;
    }

    /** The names by slot: two passes whose layouts are equal give every name the same slot. */
    String[] layout() {
        String[] names = new String[slots.size()];
        slots.forEach((name, slot) -> names[slot] = name);
        return names;
    }

    /** A node's load, its summed requests and one pod slot per pod, as a vector: the fit tree subtracts it from the node's room. */
    long[] loadVector(NodeLoad load) {
        long[] v = new long[count()];
        Resources r = load.requested();
        int[] at = slotsOf(r);
        for (int i = 0; i < at.length; i++) {
            if (at[i] >= 0) {
                v[at[i]] += r.millisAt(i);
            }
        }
        v[pods()] += POD_SLOT * load.pods().size();
        return v;
    }

    /** Whether {@code free[foff..]} holds {@code demand[doff..]} in every dimension. */
    boolean covers(long[] free, int foff, long[] demand, int doff) {
        int dims = count();
        for (int d = 0; d < dims; d++) {
            if (free[foff + d] < demand[doff + d]) {
                return false;
            }
        }
        return true;
    }
}
