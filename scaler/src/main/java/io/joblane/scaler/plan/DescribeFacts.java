package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.InstanceList;
import io.joblane.scaler.cloud.LifecycleState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the planner and the loop read off a cloud group's instance list alone, worked out once per list: a describe's
 * list is immutable, and the simulator's cloud hands the very same list while nothing in the group changed (most
 * scans), so the answers are kept per cloud group for the list they were found in, handed from index to index. A new
 * list that says how it came from the one the answers are for ({@link InstanceList}: it churns at nearly every scan of a
 * busy group) has them derived from the instances that came and went; any other is read afresh. Loop thread only.
 */
final class DescribeFacts {
    private final Map<String, Facts> byGroup = new HashMap<>();

    private static final class Facts {
        final List<CloudInstance> of;
        long capacity = -1;
        /** The unprotected InService instances, and their ids (what is asked). */
        List<CloudInstance> unprotectedInstances;

        List<String> unprotected;
        List<CloudInstance> ending;

        Facts(List<CloudInstance> of) {
            this.of = of;
        }
    }

    private Facts facts(CloudGroup cloud) {
        Facts f = byGroup.get(cloud.id());
        if (f == null || f.of != cloud.instances()) {
            Facts next = new Facts(cloud.instances());
            if (f != null && cloud.instances() instanceof InstanceList edited && edited.editedFrom() == f.of) {
                derive(f, edited, next);
            }
            f = next;
            byGroup.put(cloud.id(), f);
        }
        return f;
    }

    /** The facts of {@code now} that {@code last}, the facts of the list it was made from, had found. */
    private static void derive(Facts last, InstanceList now, Facts next) {
        if (last.capacity >= 0) {
            next.capacity = last.capacity - count(now.went(), CAPACITY) + count(now.came(), CAPACITY);
        }
        if (last.ending != null) {
            next.ending = kept(last.ending, now, ENDING);
        }
        if (last.unprotectedInstances != null) {
            next.unprotectedInstances = kept(last.unprotectedInstances, now, UNPROTECTED);
            next.unprotected = next.unprotectedInstances == null ? null : ids(next.unprotectedInstances);
        }
    }

    private static List<String> ids(List<CloudInstance> instances) {
        List<String> out = new ArrayList<>(instances.size());
        instances.forEach(i -> out.add(i.id()));
        return List.copyOf(out);
    }

    private static final Predicate<CloudInstance> CAPACITY = i -> i.state().isCapacity();
    private static final Predicate<CloudInstance> UNPROTECTED =
            i -> i.state() == LifecycleState.IN_SERVICE && !i.protectedFromScaleIn();
    private static final Predicate<CloudInstance> ENDING =
            i -> i.state() == LifecycleState.TERMINATING || i.state() == LifecycleState.TERMINATED;

    private static long count(List<CloudInstance> instances, Predicate<CloudInstance> test) {
        long n = 0;
        for (CloudInstance i : instances) {
            n += test.test(i) ? 1 : 0;
        }
        return n;
    }

    /**
     * The instances of {@code now} that pass {@code test}, in its order, from {@code last} (those of the list it was
     * made from): without the objects that went, with those that came and pass. Both runs are in {@code now}'s order,
     * so one walk of its references, comparing them only, interleaves them. Null when one is not found there.
     */
    private static List<CloudInstance> kept(List<CloudInstance> last, InstanceList now, Predicate<CloudInstance> test) {
        Set<CloudInstance> went =
                Collections.newSetFromMap(new IdentityHashMap<>(now.went().size()));
        went.addAll(now.went()); // sized at once: a set grown by doubling rehashes every entry at each step
        List<CloudInstance> stay = new ArrayList<>(last.size());
        for (CloudInstance i : last) {
            if (!went.contains(i)) {
                stay.add(i);
            }
        }
        List<CloudInstance> fresh = new ArrayList<>(0);
        now.came().forEach(i -> {
            if (test.test(i)) {
                fresh.add(i);
            }
        });
        if (fresh.isEmpty()) {
            return List.copyOf(stay);
        }
        List<CloudInstance> out = new ArrayList<>(stay.size() + fresh.size());
        int a = 0;
        int b = 0;
        for (int k = 0; k < now.size() && a + b < stay.size() + fresh.size(); k++) {
            CloudInstance i = now.get(k);
            if (a < stay.size() && i == stay.get(a)) {
                out.add(stay.get(a++));
            } else if (b < fresh.size() && i == fresh.get(b)) {
                out.add(fresh.get(b++));
            }
        }
        return a + b == stay.size() + fresh.size() ? List.copyOf(out) : null; // not as it said: read afresh
    }

    /** {@link CloudGroup#capacityInstances}. */
    long capacityInstances(CloudGroup cloud) {
        Facts f = facts(cloud);
        if (f.capacity < 0) {
            f.capacity = cloud.capacityInstances();
        }
        return f.capacity;
    }

    /**
     * The InService instances without scale-in protection, in the list's order. Protection only takes effect from
     * InService (AWS refuses it before); Pending ones are asked at a later scan.
     */
    List<String> unprotectedInService(CloudGroup cloud) {
        Facts f = facts(cloud);
        if (f.unprotected == null) {
            List<CloudInstance> out = new ArrayList<>();
            for (CloudInstance i : cloud.instances()) {
                if (UNPROTECTED.test(i)) {
                    out.add(i);
                }
            }
            f.unprotectedInstances = List.copyOf(out);
            f.unprotected = ids(f.unprotectedInstances);
        }
        return f.unprotected;
    }

    /** The Terminating and Terminated instances, in the list's order (a busy group nearly always has one). */
    List<CloudInstance> endingInstances(CloudGroup cloud) {
        Facts f = facts(cloud);
        if (f.ending == null) {
            List<CloudInstance> out = new ArrayList<>(0);
            for (CloudInstance i : cloud.instances()) {
                if (i.state() == LifecycleState.TERMINATING || i.state() == LifecycleState.TERMINATED) {
                    out.add(i);
                }
            }
            f.ending = List.copyOf(out);
        }
        return f.ending;
    }
}
