package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.InstanceList;
import io.joblane.scaler.cloud.LifecycleState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A describe list that says how it came from the last one ({@link InstanceList}) has its count of capacity and its
 * ending instances derived from what came and went; they must be what a walk of the whole list finds.
 */
class DescribeFactsEditsTest {
    private static final LifecycleState[] STATES = LifecycleState.values();

    @Test
    void factsDerivedFromEditsAreWhatAWalkOfTheListFinds() {
        // Guards against: a count or an ending list carried from one describe to the next without the instances that
        // went or came, or out of the list's order (a gap to desired hidden, a termination reported twice or never).
        Random random = new Random(7);
        SnapshotIndex index = Fixtures.index(List.of(), List.of());
        List<CloudInstance> items = new ArrayList<>();
        for (int k = 0; k < 30; k++) {
            items.add(instance(k, random));
        }
        List<CloudInstance> list = InstanceList.of(items.toArray(CloudInstance[]::new));
        int next = items.size();
        int derivedEnding = 0;
        int unprotectedSeen = 0;
        for (int scan = 0; scan < 400; scan++) {
            CloudGroup cloud = new CloudGroup("asg", 10, 0, 100, list, List.of(), false);
            assertThat(index.capacityInstances(cloud)).as("scan %d", scan).isEqualTo(cloud.capacityInstances());
            if (scan % 5 != 3) { // sometimes not asked: the next list's ending instances are then found by a walk
                assertThat(index.endingInstances(cloud)).as("scan %d", scan).containsExactlyElementsOf(ending(list));
                derivedEnding += ending(list).isEmpty() ? 0 : 1;
            }
            if (scan % 7 != 4) {
                assertThat(index.unprotectedInService(cloud))
                        .as("scan %d", scan)
                        .containsExactlyElementsOf(unprotectedInService(list));
                unprotectedSeen += unprotectedInService(list).isEmpty() ? 0 : 1;
            }
            List<CloudInstance> came = new ArrayList<>();
            List<CloudInstance> went = new ArrayList<>();
            List<CloudInstance> now = new ArrayList<>();
            for (CloudInstance i : list) {
                int roll = random.nextInt(10);
                if (roll == 0) {
                    went.add(i); // gone
                } else if (roll == 1) {
                    CloudInstance replaced = new CloudInstance(
                            i.id(),
                            i.zone(),
                            STATES[random.nextInt(STATES.length)],
                            true,
                            random.nextBoolean(),
                            i.launchTime());
                    went.add(i); // the same id in another state keeps its place
                    came.add(replaced);
                    now.add(replaced);
                } else {
                    now.add(i);
                }
            }
            for (int k = random.nextInt(3); k > 0; k--) {
                CloudInstance launched = instance(next++, random);
                came.add(launched);
                now.add(launched);
            }
            list = random.nextInt(20) == 0
                    ? InstanceList.of(now.toArray(CloudInstance[]::new)) // says nothing of the one before
                    : InstanceList.edited(now.toArray(CloudInstance[]::new), list, came, went);
        }
        assertThat(derivedEnding).isGreaterThan(100);
        assertThat(unprotectedSeen).isGreaterThan(100);
    }

    private static CloudInstance instance(int k, Random random) {
        return new CloudInstance(
                "i-" + k, "zone-a", STATES[random.nextInt(STATES.length)], true, random.nextBoolean(), T0);
    }

    private static List<String> unprotectedInService(List<CloudInstance> list) {
        return list.stream()
                .filter(i -> i.state() == LifecycleState.IN_SERVICE && !i.protectedFromScaleIn())
                .map(CloudInstance::id)
                .toList();
    }

    private static List<CloudInstance> ending(List<CloudInstance> list) {
        return list.stream()
                .filter(i -> i.state() == LifecycleState.TERMINATING || i.state() == LifecycleState.TERMINATED)
                .toList();
    }
}
