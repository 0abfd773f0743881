package io.joblane.scaler.loop;

import static io.joblane.scaler.plan.Fixtures.notReady;
import static io.joblane.scaler.plan.Fixtures.onInstance;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.plan.Fixtures;
import io.joblane.scaler.plan.NodeInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Registrations kept across scans by the nodes' objects report what a walk over every node with a set of the reported
 * names reports afresh at every scan: the same nodes, in the same order, and the same names remembered.
 */
class RegistrationsTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private static NodeInfo node(String name, String instanceId, Instant created, int version) {
        // version: a node changed (its load, say) is a new object with the same name
        NodeInfo n = onInstance(Fixtures.node(name, "g"), instanceId, created);
        return version % 2 == 0 ? n : notReady(n, created);
    }

    @Test
    void keptRegistrationsReportAsAWalkOverEveryNodeWithASet() {
        for (long seed = 0; seed < 40; seed++) {
            Random rnd = new Random(seed);
            Registrations kept = new Registrations();
            Set<String> fresh = new HashSet<>(); // the reference: a set of names, every node looked at
            List<NodeInfo> nodes = new ArrayList<>();
            Map<String, Instant> launches = new HashMap<>();
            List<CloudInstance> instances = List.of();
            int next = 0;
            for (int scan = 0; scan < 120; scan++) {
                nodes = new ArrayList<>(nodes);
                for (int op = rnd.nextInt(scan % 20 == 0 ? 30 : 6); op > 0; op--) {
                    int at = nodes.isEmpty() ? 0 : rnd.nextInt(nodes.size());
                    switch (rnd.nextInt(nodes.isEmpty() ? 1 : 6)) {
                        case 0 -> { // a node registers, mostly at the end
                            int n = next++;
                            String id = rnd.nextInt(8) == 0 ? null : "i-" + n;
                            Instant created = rnd.nextInt(8) == 0
                                    ? START.minusSeconds(60)
                                    : rnd.nextInt(10) == 0 ? null : START.plusSeconds(scan * 10L);
                            NodeInfo added = node("n" + n, id, created, 0);
                            nodes.add(rnd.nextInt(4) == 0 ? at : nodes.size(), added);
                        }
                        case 1 -> nodes.remove(at); // gone
                        case 2, 3 -> { // changed: a new object
                            NodeInfo n = nodes.get(at);
                            nodes.set(at, node(n.name(), n.instanceId(), n.created(), n.ready() ? 1 : 2));
                        }
                        case 4 -> nodes.add(rnd.nextInt(nodes.size()), nodes.remove(at)); // moved
                        default -> { // the describe changes: an instance gets its launch time
                            NodeInfo n = nodes.get(at);
                            if (n.instanceId() != null) {
                                launches.put(n.instanceId(), START.plusSeconds(scan * 10L - rnd.nextInt(30)));
                                instances = describe(launches);
                            }
                        }
                    }
                }
                if (rnd.nextInt(10) == 0) {
                    instances = describe(launches); // described again, unchanged: an equal list
                }
                Map<String, Instant> launchOf = Map.copyOf(launches);
                List<String> keptReports = new ArrayList<>();
                List<Duration> keptLags = new ArrayList<>();
                kept.scan(List.copyOf(nodes), instances, launchOf::get, START, (n, lag) -> {
                    keptReports.add(n.name());
                    keptLags.add(lag);
                });

                List<String> freshReports = new ArrayList<>();
                List<Duration> freshLags = new ArrayList<>();
                Set<String> present = new HashSet<>();
                for (NodeInfo n : nodes) {
                    present.add(n.name());
                    if (fresh.contains(n.name())
                            || n.instanceId() == null
                            || n.created() == null
                            || !n.created().isAfter(START)
                            || launchOf.get(n.instanceId()) == null) {
                        continue;
                    }
                    fresh.add(n.name());
                    freshReports.add(n.name());
                    Duration lag = Duration.between(launchOf.get(n.instanceId()), n.created());
                    freshLags.add(lag.isNegative() ? Duration.ZERO : lag);
                }
                fresh.retainAll(present);

                String as = "seed " + seed + " scan " + scan;
                assertThat(keptReports).as(as).isEqualTo(freshReports);
                assertThat(keptLags).as(as).isEqualTo(freshLags);
                assertThat(kept.reported).as(as).isEqualTo(fresh);
            }
        }
    }

    /** The describe the launch times come from: a new list, equal to the last when nothing changed. */
    private static List<CloudInstance> describe(Map<String, Instant> launches) {
        List<CloudInstance> out = new ArrayList<>();
        new java.util.TreeMap<>(launches)
                .forEach((id, at) ->
                        out.add(new CloudInstance(id, "zone-a", LifecycleState.IN_SERVICE, true, true, at)));
        return out;
    }
}
