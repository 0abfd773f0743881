package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
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

    /** The number of slots of every vector. */
    int count() {
        return slots.size();
    }

    void add(Resources r) {
        for (int i = 0; i < r.size(); i++) {
            add(r.nameAt(i));
        }
    }

    void add(String name) {
        slots.putIfAbsent(name, slots.size());
    }

    /** A node's allocatable as a vector; a "pods" capacity it does not report counts as unlimited. */
    void capacity(Resources allocatable, long[] out) {
        Arrays.fill(out, 0);
        for (int i = 0; i < allocatable.size(); i++) {
            out[slots.get(allocatable.nameAt(i))] = allocatable.millisAt(i);
        }
        int pods = slots.get(PODS);
        if (out[pods] == 0) {
            out[pods] = UNLIMITED;
        }
    }

    long[] vector(Resources r) {
        long[] v = new long[count()];
        for (int i = 0; i < r.size(); i++) {
            v[slots.get(r.nameAt(i))] = r.millisAt(i);
        }
        return v;
    }

    /** Adds one pod's requests and its pod slot into {@code out[off..]}. */
    void addDemand(Resources requests, long[] out, int off) {
        for (int i = 0; i < requests.size(); i++) {
            Integer d = slots.get(requests.nameAt(i));
            if (d != null) {
                out[off + d] += requests.millisAt(i);
            }
        }
        out[off + slots.get(PODS)] += POD_SLOT;
    }

    /** Subtracts the requests and pod slots of {@code bound} from {@code out}. */
    void subtractBound(List<PodInfo> bound, long[] out) {
        int pods = slots.get(PODS);
        for (PodInfo p : bound) {
            Resources r = p.requests();
            for (int i = 0; i < r.size(); i++) {
                Integer d = slots.get(r.nameAt(i));
                if (d != null) {
                    out[d] -= r.millisAt(i);
                }
            }
            out[pods] -= POD_SLOT;
        }
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
