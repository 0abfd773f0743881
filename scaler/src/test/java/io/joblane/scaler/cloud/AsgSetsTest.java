package io.joblane.scaler.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.scaler.cloud.fake.FakeNodeGroupProvider;
import io.joblane.scaler.loop.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link AsgSets} over the in-memory provider: merge, split, and writes routed to the owning member. */
class AsgSetsTest {
    private static final String SET = "joblane-group/batch";

    private FakeNodeGroupProvider fake;
    private AsgSets sets;

    @BeforeEach
    void setUp() {
        fake = new FakeNodeGroupProvider(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")))
                .addGroup("a", 0, 5, 2, Duration.ZERO, List.of("zone-a"))
                .addGroup("b", 0, 5, 1, Duration.ZERO, List.of("zone-b"))
                .addGroup("other", 0, 5, 1, Duration.ZERO);
        sets = new AsgSets(fake, Map.of(SET, List.of("a", "b")));
    }

    @Test
    void describeMergesTheMembersAndPassesOtherGroupsThrough() throws Exception {
        Map<String, CloudGroup> d = sets.describe(List.of(SET, "other"));

        CloudGroup g = d.get(SET);
        assertThat(g.desired()).isEqualTo(3);
        assertThat(g.min()).isZero();
        assertThat(g.max()).isEqualTo(10);
        assertThat(g.instances()).extracting(CloudInstance::zone).containsExactly("zone-a", "zone-a", "zone-b");
        assertThat(g.zones()).containsExactly("zone-a", "zone-b");
        assertThat(g.zonesChoosable()).isTrue();
        assertThat(d.get("other").desired()).isEqualTo(1);
    }

    @Test
    void aMissingMemberIsAProblemOfTheSetNamedByItsName() throws Exception {
        AsgSets withGhost = new AsgSets(fake, Map.of(SET, List.of("a", "ghost")));
        assertThat(withGhost.describe(List.of(SET)).get(SET).problems())
                .containsExactly("Auto Scaling group ghost of " + SET + " not found");
        assertThat(new AsgSets(fake, Map.of(SET, List.of("ghost"))).describe(List.of(SET)))
                .isEmpty();
    }

    @Test
    void scaleUpForAZoneRaisesItsMemberAndTerminationLowersOnlyTheOwner() throws Exception {
        sets.describe(List.of(SET));
        sets.setDesiredCapacity(SET, 5, Map.of("zone-b", 2));
        assertThat(fake.peek("a").desired()).isEqualTo(2);
        assertThat(fake.peek("b").desired()).isEqualTo(3);

        String inA = fake.peek("a").instances().get(0).id();
        sets.describe(List.of(SET));
        sets.terminateInstance(SET, inA);
        assertThat(fake.peek("a").desired()).isEqualTo(1);
        assertThat(fake.peek("b").desired()).isEqualTo(3);
    }

    @Test
    void anInstanceOfNoMemberIsRefusedNeverGuessed() throws Exception {
        sets.describe(List.of(SET));
        String foreign = fake.peek("other").instances().get(0).id();
        assertThatThrownBy(() -> sets.terminateInstance(SET, foreign))
                .isInstanceOf(CloudException.class)
                .hasMessageContaining("is in none of the Auto Scaling groups [a, b]");
        assertThat(fake.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();
    }
}
