package io.joblane.scaler.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.Resources;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistrationLagTest {
    static final Instant START = Instant.parse("2026-11-27T10:00:00Z");

    static CloudInstance instance(String id, Instant launched) {
        return new CloudInstance(id, "zone-a", LifecycleState.PENDING, true, false, launched);
    }

    static NodeInfo node(String name, String instanceId, Instant created) {
        return new NodeInfo(name, "batch", instanceId, Resources.ZERO, true, created, false, false, DrainState.NONE,
                false, null, null, null);
    }

    @Test
    void measuresFromLaunchToNodeCreationOncePerInstanceLaunchedSinceStart() {
        List<String> seen = new ArrayList<>();
        RegistrationLag lag = new RegistrationLag(START, (g, d) -> seen.add(g + "=" + d.toSeconds()));
        lag.instancesSeen(List.of(new CloudGroup("asg-batch", 2, 0, 5, List.of(
                instance("i-old", START.minusSeconds(600)), instance("i-new", START.plusSeconds(10))),
                List.of(), false)));

        lag.nodesSeen(List.of(node("n-old", "i-old", START.plusSeconds(1)),
                node("n-new", "i-new", START.plus(Duration.ofSeconds(105)))));
        lag.nodesSeen(List.of(node("n-new", "i-new", START.plus(Duration.ofSeconds(105)))));

        assertThat(seen).containsExactly("batch=95");
    }
}
