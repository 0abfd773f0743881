package io.joblane.scaler.cloud;

import java.lang.ref.WeakReference;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An immutable list of a group's instances as a provider hands it, kept by {@link CloudGroup} without a copy. It may
 * say how it came from the provider's list of the group just before (the instance objects that went, those that
 * came): the simulator's cloud describes thousands of instances at every scan, and the maps of instances by id are
 * then updated for those alone rather than by comparing the two lists. The list before is named weakly, so a list
 * does not keep its predecessors alive; one that is gone or unknown reads as null.
 */
public final class InstanceList extends AbstractList<CloudInstance> implements RandomAccess {
    private final CloudInstance[] items;
    private final WeakReference<List<CloudInstance>> from;
    private final List<CloudInstance> came;
    private final List<CloudInstance> went;

    /** Per place of the list before, the place of the same object here, -1 for those that went; null without one. */
    private final int[] places;

    private InstanceList(
            CloudInstance[] items,
            List<CloudInstance> from,
            List<CloudInstance> came,
            List<CloudInstance> went,
            int[] places) {
        for (CloudInstance i : items) {
            Objects.requireNonNull(i, "instance");
        }
        this.items = items;
        this.from = from == null ? null : new WeakReference<>(from);
        this.came = came;
        this.went = went;
        this.places = places;
    }

    /** A list of {@code items}, taken as they are (the caller hands the array over), saying nothing of the one before. */
    public static InstanceList of(CloudInstance[] items) {
        return new InstanceList(items, null, List.of(), List.of(), null);
    }

    /**
     * A list of {@code items} (handed over) that is {@code from} without the objects {@code went} (in {@code from}'s
     * order) and with the objects {@code came} (in this list's order), the others in the same order. The edits are
     * checked by one walk of both arrays (references compared): edits that do not lead from {@code from} to
     * {@code items} (a provider's bug), or that one walk cannot follow (an object that both went and came), are
     * dropped, and the list says nothing of the one before: its readers compare it afresh rather than trust them.
     */
    public static InstanceList edited(
            CloudInstance[] items, List<CloudInstance> from, List<CloudInstance> came, List<CloudInstance> went) {
        Objects.requireNonNull(from, "from");
        Object[] before = from instanceof InstanceList l ? l.items : from.toArray();
        int[] places = places(before, items, came.toArray(), went.toArray());
        return places == null ? of(items) : new InstanceList(items, from, List.copyOf(came), List.copyOf(went), places);
    }

    @Override
    public CloudInstance get(int index) {
        Objects.checkIndex(index, items.length);
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }

    private static Object at(Object[] array, int i) {
        return i < array.length ? array[i] : null;
    }

    /** A copy of the instances (the array copied at once: no walk of the list). */
    @Override
    public Object[] toArray() {
        return Arrays.copyOf(items, items.length, Object[].class);
    }

    /**
     * Per place of {@code last}, the place in this list of the very same object, -1 for the objects that went (found
     * when the list was made); null when {@code last} is not the list this one was made from ({@link #editedFrom}).
     */
    public int[] placesFrom(List<CloudInstance> last) {
        return last != null && last == editedFrom() ? places : null;
    }

    /**
     * One walk of both arrays in step with the objects that went and came (the others keep their order): per place of
     * {@code before}, the place in {@code after} of the same object, -1 for those that went; null when they do not
     * lead from one to the other.
     */
    private static int[] places(Object[] before, Object[] after, Object[] fresh, Object[] gone) {
        int[] to = new int[before.length];
        int i = 0;
        int j = 0;
        int w = 0;
        int c = 0;
        while (i < before.length || j < after.length) {
            Object was = at(before, i);
            Object is = at(after, j);
            if (was != null && was == is) { // most places: the references compared, no instance read
                to[i++] = j++;
            } else if (was != null && was == at(gone, w)) {
                to[i++] = -1;
                w++;
            } else if (is != null && is == at(fresh, c)) {
                j++;
                c++;
            } else {
                return null;
            }
        }
        return w == gone.length && c == fresh.length ? to : null;
    }

    /** The list this one was made from by {@link #went} and {@link #came}; null when unknown or no longer held. */
    public List<CloudInstance> editedFrom() {
        return from == null ? null : from.get();
    }

    /** The instance objects not in {@link #editedFrom}, in this list's order. */
    public List<CloudInstance> came() {
        return came;
    }

    /** The instance objects of {@link #editedFrom} not in this list, in that list's order. */
    public List<CloudInstance> went() {
        return went;
    }
}
