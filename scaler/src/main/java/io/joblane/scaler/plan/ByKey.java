package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.InstanceList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A list's elements by key (a node by its instance id, an instance by its id), kept from scan to scan and updated
 * for the elements that came, went or changed. Each scan's list mostly holds the last one's objects (an unchanged node
 * or instance is the very same object) in the same order, so a walk comparing the two lists by identity finds the few
 * differences, and only those are hashed. The answer is always what a map built afresh from the list would say (of
 * several elements with one key, the last wins): while keys repeat, or when the lists differ too much, it is built
 * afresh. One list at a time: {@link #of} answers for the list it was last given. Loop thread only.
 */
public final class ByKey<T> {
    /** How far past its expected place an element of the last list is looked for (some may have gone). */
    static final int LOOK_AHEAD = 8;

    private final Function<T, String> key;
    private final Map<String, T> map = new HashMap<>();
    private final Map<String, T> view = Collections.unmodifiableMap(map);
    /** The list the map holds, null before the first. */
    private List<T> of;
    /** Some key appears twice in {@link #of}: the map is built afresh until it does not. */
    private boolean repeats;
    /** The elements of the list before {@link #of} that the last update did not find in it; null: built afresh. */
    private List<T> went;
    /** Times the map was built afresh (tests). */
    private int rebuilds;

    /** {@code key}: an element's key, null for one that has none (left out of the map). */
    public ByKey(Function<T, String> key) {
        this.key = key;
    }

    /**
     * {@code list}'s elements by key; not to be kept past the next call with another list, which changes it. The list
     * must not change while it is held.
     */
    public Map<String, T> of(List<T> list) {
        if (list != of && (of == null || repeats || !update(list))) {
            rebuild(list);
        }
        return view;
    }

    /**
     * {@link #of} for {@code list}, which holds {@code last}'s elements run by run as {@code runs} gives (a {@link
     * NodeEdits#runs} answer of a {@link NodeEdits#was} or {@link #match} answer): when the map holds {@code last}, what
     * came and went are the places outside the runs, found without a walk of every place.
     */
    public Map<String, T> of(List<T> list, List<T> last, int[] runs) {
        if (list == of || of != last || runs == null || repeats) {
            return of(list);
        }
        int[] fresh = NodeEdits.fresh(runs, list.size());
        int[] left = NodeEdits.left(runs, last.size());
        if (fresh.length + left.length > limit(last, list)) {
            rebuild(list);
            return view;
        }
        List<T> came = new ArrayList<>(fresh.length);
        for (int i : fresh) {
            came.add(list.get(i));
        }
        List<T> gone = new ArrayList<>(left.length);
        for (int k : left) {
            gone.add(last.get(k));
        }
        if (!apply(list, gone, came)) {
            rebuild(list);
        }
        return view;
    }

    /**
     * After {@link #of} switched lists: the elements of the earlier list not in the new one (by identity; a changed
     * element is a new object), in the earlier list's order, no key repeating in either list; null when the map was
     * built afresh (then any element may have gone).
     */
    public List<T> went() {
        return went;
    }

    /**
     * For each element of {@code now}, where the very same object is in {@code last}, else -1; the places given
     * increase (an element that moved back may go unmatched). For lists that mostly keep their objects and order, as
     * a scan's nodes keep the last scan's: each element looked for at the place after the last one matched or up to
     * {@link #LOOK_AHEAD} places on; after a miss (and for the last element), anywhere further on (a long run of the
     * last list gone), and when found there the misses just before it are looked for before its place, when not the
     * first of those misses is (the walk goes on from it); these wider looks stop after two walks of {@code last} in
     * all. Compares references only: an element is not read, so what a caller derived from an
     * element of {@code last} follows it to {@code now} at the cost of about one pass over two arrays of references.
     */
    public static int[] match(List<?> last, List<?> now) {
        int[] at = new int[now.size()];
        int j = 0;
        int misses = 0;
        long[] budget = {2L * last.size()};
        for (int i = 0; i < at.length; i++) {
            Object x = now.get(i);
            int k = j < last.size() && last.get(j) == x ? j : ahead(last, j, x);
            if (k < 0 && (misses > 0 || i == at.length - 1)) {
                int from = Math.min(last.size(), j + LOOK_AHEAD + 1);
                k = farAhead(last, from, x, budget);
                if (k >= 0) {
                    pairBefore(last, now, at, i, misses, j, k, budget);
                } else if (misses > 0) { // x is new: the run's first miss may be the one after a long gap
                    int first = i - misses;
                    int f = farAhead(last, from, now.get(first), budget);
                    if (f >= 0) {
                        at[first] = f;
                        j = f + 1;
                        misses = 0;
                        i = first; // walks on from the element after it
                        continue;
                    }
                }
            }
            at[i] = k;
            if (k >= 0) {
                j = k + 1;
                misses = 0;
            } else {
                misses++;
            }
        }
        return at;
    }

    /** Where {@code x} is in {@code list} from {@code from} on, looking at no more places than the budget left. */
    private static int farAhead(List<?> list, int from, Object x, long[] budget) {
        int to = (int) Math.min(list.size(), from + budget[0]);
        int k = indexOf(list, from, to, x);
        budget[0] -= (k < 0 ? to : k + 1) - from;
        return k;
    }

    /**
     * The {@code misses} elements of {@code now} just before {@code i}, found at none of the places from {@code from}
     * on by the walk: each looked for before the next one's place ({@code place} for the last), down to {@code from},
     * within the budget.
     */
    private static void pairBefore(
            List<?> last, List<?> now, int[] at, int i, int misses, int from, int place, long[] budget) {
        int before = place;
        for (int q = i - 1; q >= i - misses && budget[0] > 0; q--) {
            int down = (int) Math.max(from, before - budget[0]);
            int k = lastIndexOf(last, down, before, now.get(q));
            budget[0] -= before - (k < 0 ? down : k);
            if (k >= 0) {
                at[q] = k;
                before = k;
            }
        }
    }

    /** Whether some key appears twice in the list {@link #of} was last given. */
    public boolean repeats() {
        return repeats;
    }

    /**
     * Where an element whose key is {@code key} is in {@code list} at {@code from} or up to {@link #LOOK_AHEAD} places
     * on, else -1: for lists that mostly come in the same order as another, matched by position before any lookup.
     */
    public static <T> int keyAhead(List<T> list, int from, String key, Function<T, String> keyOf) {
        int to = Math.min(list.size(), from + LOOK_AHEAD + 1);
        for (int k = from; k < to; k++) {
            if (key.equals(keyOf.apply(list.get(k)))) {
                return k;
            }
        }
        return -1;
    }

    /** Times the map was built afresh so far. */
    public int rebuilds() {
        return rebuilds;
    }

    private void rebuild(List<T> list) {
        rebuilds++;
        went = null;
        map.clear();
        repeats = false;
        for (T x : list) {
            String k = key.apply(x);
            if (k != null && map.put(k, x) != null) {
                repeats = true;
            }
        }
        of = list;
    }

    /**
     * Takes the differences from {@link #of} to {@code now} into the map: elements of the last list not found (by
     * identity, in order, a few places ahead at most) went, elements of the new one not matched came. An element that
     * only moved counts as gone and come: the map still ends right. False (map untouched) when too much changed.
     */
    @SuppressWarnings("unchecked")
    private boolean update(List<T> now) {
        List<T> gone;
        List<T> came;
        if (now instanceof InstanceList edited && edited.editedFrom() == of) {
            // The provider says what went and came: the same sets a comparison would find, without the walk.
            gone = (List<T>) edited.went();
            came = (List<T>) edited.came();
            if (gone.size() + came.size() > limit(of, now)) {
                return false; // as differences would: so much changed that a build afresh is as cheap
            }
        } else {
            gone = new ArrayList<>();
            came = new ArrayList<>();
            if (!differences(of, now, gone, came)) {
                return false;
            }
        }
        return apply(now, gone, came);
    }

    /** Takes {@code gone} out of the map and {@code came} in; false (the map to be built afresh) when a key repeats. */
    private boolean apply(List<T> now, List<T> gone, List<T> came) {
        for (T x : gone) {
            String k = key.apply(x);
            if (k != null && map.get(k) == x) {
                map.remove(k);
            }
        }
        of = now;
        went = gone;
        for (T x : came) {
            String k = key.apply(x);
            if (k != null && map.put(k, x) != null) {
                return false; // the key repeats in the new list: which element wins is the rebuild's to say
            }
        }
        return true;
    }

    /** Fills {@code gone} and {@code came} from {@code last} to {@code now}; false when too much changed. */
    private static <T> boolean differences(List<T> last, List<T> now, List<T> gone, List<T> came) {
        int limit = limit(last, now);
        int[] at = match(last, now);
        boolean[] given = new boolean[last.size()];
        for (int i = 0; i < at.length; i++) {
            if (at[i] >= 0) {
                given[at[i]] = true;
            } else if (came.size() < limit) {
                came.add(now.get(i));
            } else {
                return false;
            }
        }
        for (int k = 0; k < given.length; k++) {
            if (!given[k]) {
                if (gone.size() + came.size() >= limit) {
                    return false;
                }
                gone.add(last.get(k));
            }
        }
        return true;
    }

    /** The most elements that may differ between two lists for the map to be updated rather than built afresh. */
    private static int limit(List<?> last, List<?> now) {
        return (now.size() + last.size()) / 4 + 16;
    }

    /** Where {@code x} is in {@code list} after {@code from}, at most {@link #LOOK_AHEAD} places on, else -1. */
    private static int ahead(List<?> list, int from, Object x) {
        return indexOf(list, from + 1, Math.min(list.size(), from + LOOK_AHEAD + 1), x);
    }

    /** Where {@code x} is in {@code list} from {@code from} to before {@code to} (the first such), else -1. */
    private static int indexOf(List<?> list, int from, int to, Object x) {
        for (int k = from; k < to; k++) {
            if (list.get(k) == x) {
                return k;
            }
        }
        return -1;
    }

    /** Where {@code x} is in {@code list} from {@code from} to before {@code to} (the last such), else -1. */
    private static int lastIndexOf(List<?> list, int from, int to, Object x) {
        for (int k = to - 1; k >= from; k--) {
            if (list.get(k) == x) {
                return k;
            }
        }
        return -1;
    }
}
