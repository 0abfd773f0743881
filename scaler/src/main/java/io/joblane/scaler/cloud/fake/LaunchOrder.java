package io.joblane.scaler.cloud.fake;

import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.InstanceList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake group's instances in launch order as an array with holes (null where one was dropped), each id's place in
 * it, and the instance objects that came and went since the last list handed: a describe copies an array rather than
 * walking a map's linked entries, and hands a list that says how it came from the one before ({@link InstanceList}).
 * A replaced instance keeps its place. Guarded by the provider's lock.
 */
final class LaunchOrder {
    private CloudInstance[] ordered = new CloudInstance[16];
    private int size;
    private int live;
    private final Map<String, Integer> placeOf = new HashMap<>();
    /** Per id held, its launch: the lists' order, so what came and went is ordered as the lists are. */
    private final Map<String, Long> launch = new HashMap<>();

    private long launched;
    /**
     * Objects put since the last list (not in it), and objects of the last list dropped or replaced since, each with
     * its id's launch.
     */
    private Map<CloudInstance, Long> came = new IdentityHashMap<>();

    private Map<CloudInstance, Long> went = new IdentityHashMap<>();
    private InstanceList last;

    void put(CloudInstance inst) {
        Integer at = placeOf.get(inst.id());
        if (at != null) {
            if (ordered[at] != inst) {
                leaves(ordered[at]);
                came.put(inst, launch.get(inst.id()));
            }
            ordered[at] = inst;
            return;
        }
        if (size == ordered.length) {
            compact();
        }
        placeOf.put(inst.id(), size);
        launch.put(inst.id(), launched);
        ordered[size++] = inst;
        came.put(inst, launched++);
        live++;
    }

    void drop(String id) {
        Integer at = placeOf.remove(id);
        if (at != null) {
            leaves(ordered[at]);
            ordered[at] = null;
            launch.remove(id);
            live--;
        }
    }

    /** An object leaves: one that came since the last list was never listed, so no list sees it go. */
    private void leaves(CloudInstance inst) {
        if (came.remove(inst) == null) {
            went.put(inst, launch.get(inst.id()));
        }
    }

    /** The instances, in launch order, as a list that says how it came from the last one handed. */
    InstanceList list() {
        CloudInstance[] out = size == live ? Arrays.copyOf(ordered, size) : new CloudInstance[live];
        if (size != live) {
            int n = 0;
            for (int i = 0; i < size; i++) {
                if (ordered[i] != null) {
                    out[n++] = ordered[i];
                }
            }
            if (size - live > size / 2) {
                compact(); // the places are written again only once the holes are many
            }
        }
        InstanceList list = last == null
                ? InstanceList.of(out)
                : InstanceList.edited(out, last, inLaunchOrder(came), inLaunchOrder(went));
        came = came.isEmpty() ? came : new IdentityHashMap<>(); // not cleared: a clear walks the whole table
        went = went.isEmpty() ? went : new IdentityHashMap<>();
        last = list;
        return list;
    }

    private static List<CloudInstance> inLaunchOrder(Map<CloudInstance, Long> objects) {
        if (objects.size() <= 1) { // most lists: one instance came or went, or none
            return objects.isEmpty()
                    ? List.of()
                    : List.of(objects.keySet().iterator().next());
        }
        // Sorted as launch and place packed in one long: a sort of boxed launches was 1.7% of a joblane run.
        int n = objects.size();
        int placeBits = 32 - Integer.numberOfLeadingZeros(n - 1);
        CloudInstance[] items = new CloudInstance[n];
        long[] keys = new long[n];
        int[] next = new int[1];
        objects.forEach((inst, launch) -> { // no entry objects, unlike the identity map's entry set
            if (launch >>> (63 - placeBits) != 0) { // never in practice: 2^32 launches at the least
                throw new IllegalStateException("launch number " + launch + " too large to order");
            }
            items[next[0]] = inst;
            keys[next[0]] = launch << placeBits | next[0];
            next[0]++;
        });
        Arrays.sort(keys);
        long place = (1L << placeBits) - 1;
        CloudInstance[] out = new CloudInstance[n];
        for (int k = 0; k < n; k++) {
            out[k] = items[(int) (keys[k] & place)];
        }
        return Arrays.asList(out);
    }

    /** Orders instances held here as they were launched. */
    Comparator<CloudInstance> launchOrder() {
        return Comparator.comparingLong(i -> launch.get(i.id()));
    }

    /** Closes the holes, in order; grows the array when it is still more than half full. */
    private void compact() {
        CloudInstance[] out = new CloudInstance[live * 2 >= ordered.length ? ordered.length * 2 : ordered.length];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (ordered[i] != null) {
                placeOf.put(ordered[i].id(), n);
                out[n++] = ordered[i];
            }
        }
        ordered = out;
        size = n;
    }
}
