package io.joblane.scaler.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loop's position-based shortcuts answer as the hashing they replace, or say "ask the set". */
class GroupStateTest {
    private static CloudInstance inst(String id) {
        return new CloudInstance(id, "zone-a", LifecycleState.IN_SERVICE, true, true, Instant.EPOCH);
    }

    @Test
    void findLooksAtTheExpectedPlaceAndAFewLaterOnly() {
        String[] names = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"};
        assertThat(GroupState.find(names, 0, "a")).isZero();
        assertThat(GroupState.find(names, 1, "d")).isEqualTo(3); // two nodes left before it
        assertThat(GroupState.find(names, 1, "a")).isEqualTo(-1); // never looks back: the set answers
        assertThat(GroupState.find(names, 0, "l")).isEqualTo(-1); // too far on
        assertThat(GroupState.find(names, 0, "new")).isEqualTo(-1);
        assertThat(GroupState.find(new String[0], 0, "a")).isEqualTo(-1);
    }

    @Test
    void instancesStillListedOnlyWhenEveryOldIdIsThereInOrder() {
        List<CloudInstance> last = List.of(inst("i-1"), inst("i-2"), inst("i-3"));
        assertThat(GroupState.allStillListed(last, List.of(inst("i-1"), inst("i-2"), inst("i-3"), inst("i-4"))))
                .isTrue();
        assertThat(GroupState.allStillListed(last, List.of(inst("i-1"), inst("i-3"), inst("i-4"))))
                .isFalse(); // i-2 is gone
        assertThat(GroupState.allStillListed(last, List.of(inst("i-3"), inst("i-2"), inst("i-1"))))
                .isFalse(); // reordered: maybe gone, the caller hashes
        assertThat(GroupState.allStillListed(List.of(), List.of())).isTrue();
    }
}
