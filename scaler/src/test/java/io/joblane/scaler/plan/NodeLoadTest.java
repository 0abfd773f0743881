package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.cpuMem;
import static io.joblane.scaler.plan.Fixtures.daemonPod;
import static io.joblane.scaler.plan.Fixtures.running;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a node's load keeps for the drain choice: the requests its blocking pods ask the fit of. */
class NodeLoadTest {
    private static final String G = "batch";

    @Test
    void blockingRequestsListEachObjectOnceInTheOrderFirstMet() {
        Resources small = cpuMem(500, GI);
        Resources large = cpuMem(2000, 4 * GI);
        Resources equalToSmall = cpuMem(500, GI); // equal, another object: listed too (the chooser's map asks it once)
        NodeLoad load = new NodeLoad(null);
        load.add(running("a", G, small, "n", T0));
        load.add(daemonPod("d", "n")); // blocks nothing: its requests are not asked
        load.add(running("b", G, large, "n", T0));
        load.add(running("c", G, small, "n", T0));
        load.add(running("e", G, equalToSmall, "n", T0));
        load = load.finish();

        Resources[] requests = load.blockingRequests();

        assertThat(requests).hasSize(3);
        assertThat(requests[0]).isSameAs(small);
        assertThat(requests[1]).isSameAs(large);
        assertThat(requests[2]).isSameAs(equalToSmall);
        assertThat(load.blockingRequests()).isSameAs(requests); // kept with the load
    }

    @Test
    void aNodeOfManyRequestsListsEveryOneOnce() {
        NodeLoad load = new NodeLoad(null);
        List<Resources> each = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Resources r = cpuMem(100 + i, GI);
            each.add(r);
            load.add(running("p" + i, G, r, "n", T0));
            load.add(running("q" + i, G, r, "n", T0)); // the same object again, next to it
        }
        load = load.finish();

        Resources[] requests = load.blockingRequests();

        assertThat(requests).hasSize(each.size());
        for (int i = 0; i < requests.length; i++) {
            assertThat(requests[i]).isSameAs(each.get(i));
        }
    }

    @Test
    void aNodeOfDaemonSetPodsOnlyAsksNothing() {
        NodeLoad load = new NodeLoad(null);
        load.add(daemonPod("d1", "n"));
        load.add(daemonPod("d2", "n"));
        load = load.finish();

        assertThat(load.blockingRequests()).isEmpty();
    }
}
