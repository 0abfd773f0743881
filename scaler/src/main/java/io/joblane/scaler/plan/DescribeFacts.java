package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the planner and the loop read off a cloud group's instance list alone, worked out once per list: a describe's
 * list is immutable, and the simulator's cloud hands the very same list while nothing in the group changed (most
 * scans), so the answers are kept per cloud group for the list they were found in, handed from index to index. A new
 * list is read afresh. Loop thread only.
 */
final class DescribeFacts {
    private final Map<String, Facts> byGroup = new HashMap<>();

    private static final class Facts {
        final List<CloudInstance> of;
        long capacity = -1;
        List<String> unprotected;
        List<CloudInstance> ending;

        Facts(List<CloudInstance> of) {
            this.of = of;
        }
    }

    private Facts facts(CloudGroup cloud) {
        Facts f = byGroup.get(cloud.id());
        if (f == null || f.of != cloud.instances()) {
            f = new Facts(cloud.instances());
            byGroup.put(cloud.id(), f);
        }
        return f;
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
            List<String> out = new ArrayList<>(0);
            for (CloudInstance i : cloud.instances()) {
                if (i.state() == LifecycleState.IN_SERVICE && !i.protectedFromScaleIn()) {
                    out.add(i.id());
                }
            }
            f.unprotected = List.copyOf(out);
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
