package io.joblane.scaler.cloud.fake;

import io.joblane.scaler.cloud.CloudInstance;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake group's instances in launch order as an array with holes (null where one was dropped), and each id's place
 * in it: a describe copies an array rather than walking a map's linked entries (every few scans of the simulator,
 * over thousands of instances). A replaced instance keeps its place. Guarded by the provider's lock.
 */
final class LaunchOrder {
    private CloudInstance[] ordered = new CloudInstance[16];
    private int size;
    private int live;
    private final Map<String, Integer> placeOf = new HashMap<>();

    void put(CloudInstance inst) {
        Integer at = placeOf.get(inst.id());
        if (at != null) {
            ordered[at] = inst;
            return;
        }
        if (size == ordered.length) {
            compact();
        }
        placeOf.put(inst.id(), size);
        ordered[size++] = inst;
        live++;
    }

    void drop(String id) {
        Integer at = placeOf.remove(id);
        if (at != null) {
            ordered[at] = null;
            live--;
        }
    }

    /** The instances, in launch order: an immutable list ({@code List.copyOf} keeps it as it is). */
    List<CloudInstance> list() {
        if (size != live) {
            compact();
        }
        return List.of(Arrays.copyOf(ordered, size));
    }

    /** Orders instances held here as they were launched. */
    Comparator<CloudInstance> comparator() {
        return Comparator.comparingInt(i -> placeOf.get(i.id()));
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
