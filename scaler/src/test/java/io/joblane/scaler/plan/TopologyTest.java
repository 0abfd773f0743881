package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.cpuMem;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyTest {
    private static final String ZONE = "topology.kubernetes.io/zone";
    private static final String HOST = "kubernetes.io/hostname";
    private static final PodSelector APP_X = PodSelector.labels(Map.of("app", "x"));

    static PodInfo pod(String name, String node, PodConstraints c) {
        return new PodInfo(
                "uid-" + name,
                "default",
                name,
                "batch",
                cpuMem(100, 0),
                node == null ? PodPhase.PENDING_UNSCHEDULABLE : PodPhase.RUNNING,
                true,
                false,
                false,
                node,
                Fixtures.T0,
                null,
                null,
                Map.of("app", "x"),
                c);
    }

    private static PodConstraints antiAffinity(String key) {
        return PodConstraints.of(null, null, List.of(new PodConstraints.TopologyTerm(key, APP_X)), null);
    }

    private static PodConstraints spread(String key, int maxSkew) {
        return PodConstraints.of(null, null, null, List.of(new PodConstraints.SpreadRule(key, maxSkew, APP_X)));
    }

    @Test
    void hostnameAntiAffinityRefusesAPlaceWithAMatchingPodOnly() {
        Topology t = new Topology(List.of("a"));
        PodInfo running = pod("r", "n0", PodConstraints.NONE);
        t.add(Map.of(), "a", List.of(running));
        t.add(Map.of(), "a", List.of());
        PodInfo p = pod("p", null, antiAffinity(HOST));
        assertThat(t.admit(p, 0)).isNull();
        assertThat(t.admit(p, 1)).isEqualTo("a");
        t.place(p, 1, "a");
        assertThat(t.admit(pod("q", null, antiAffinity(HOST)), 1)).isNull();
    }

    @Test
    void antiAffinityCountsOnlyTheSameNamespace() {
        Topology t = new Topology(List.of());
        PodInfo other = new PodInfo(
                "u",
                "other",
                "o",
                "batch",
                cpuMem(1, 0),
                PodPhase.RUNNING,
                true,
                false,
                false,
                "n0",
                null,
                null,
                null,
                Map.of("app", "x"),
                PodConstraints.NONE);
        t.add(Map.of(ZONE, "a"), null, List.of(other));
        assertThat(t.admit(pod("p", null, antiAffinity(HOST)), 0)).isEqualTo("a");
    }

    @Test
    void zoneAntiAffinityPicksAZoneWithoutAMatchingPodForAPlaceOfUnknownZone() {
        Topology t = new Topology(List.of("a", "b"));
        t.add(Map.of(), "a", List.of(pod("r", "n0", PodConstraints.NONE)));
        int fresh = t.add(Map.of(), null, List.of());
        PodInfo p = pod("p", null, antiAffinity(ZONE));
        assertThat(t.admit(p, fresh)).isEqualTo("b");
        t.place(p, fresh, "b");
        assertThat(t.zoneOf(fresh)).isEqualTo("b");
        // Both zones now hold a matching pod: a third may go nowhere.
        assertThat(t.admit(pod("q", null, antiAffinity(ZONE)), t.add(Map.of(), null, List.of())))
                .isNull();
    }

    @Test
    void spreadRefusesTheFullerZoneBeyondMaxSkew() {
        Topology t = new Topology(List.of("a", "b"));
        t.add(Map.of(), "a", List.of(pod("r1", "n0", PodConstraints.NONE)));
        t.add(Map.of(), "b", List.of());
        PodInfo p = pod("p", null, spread(ZONE, 1));
        assertThat(t.admit(p, 0)).isNull(); // a: 1+1-0 = 2 > 1
        assertThat(t.admit(p, 1)).isEqualTo("b");
        t.place(p, 1, "b");
        PodInfo q = pod("q", null, spread(ZONE, 1));
        assertThat(t.admit(q, 0)).isEqualTo("a"); // 1 each: either zone
        assertThat(t.admit(q, 1)).isEqualTo("b");
    }

    @Test
    void spreadOverHostsCountsEveryPlaceItsLabelsAllowAsADomain() {
        Topology t = new Topology(List.of("a"));
        t.add(Map.of(), "a", List.of(pod("r1", "n0", PodConstraints.NONE)));
        t.add(Map.of("gpu", "true"), "a", List.of()); // empty, but the pod may not go there
        PodConstraints onlyCpu = PodConstraints.of(
                null,
                List.of(new PodConstraints.NodeTerms(
                        "node affinity",
                        List.of(List.of(new LabelRequirement("gpu", LabelRequirement.Operator.DOES_NOT_EXIST, null))))),
                null,
                List.of(new PodConstraints.SpreadRule(HOST, 1, APP_X)));
        // The gpu place is no domain for this pod (node affinity is honoured), so n0 alone counts: 1+1-1 <= 1.
        assertThat(t.admit(pod("p", null, onlyCpu), 0)).isEqualTo("a");
        assertThat(t.admit(pod("p", null, onlyCpu), 1)).isNull();
    }

    @Test
    void aPlaceWithoutTheKeyIsNoDomainForSpread() {
        Topology t = new Topology(List.of());
        t.add(Map.of(), "a", List.of());
        PodInfo p = pod(
                "p",
                null,
                PodConstraints.of(null, null, null, List.of(new PodConstraints.SpreadRule("rack", 1, APP_X))));
        assertThat(t.admit(p, 0)).isNull();
    }

    @Test
    void withUnknownZonesAZoneRequirementCannotBeCheckedAndPasses() {
        Topology t = new Topology(List.of());
        int fresh = t.add(Map.of(), null, List.of());
        PodConstraints needsB = PodConstraints.of(Map.of(ZONE, "b"), null, null, null);
        assertThat(t.admit(pod("p", null, needsB), fresh)).isEqualTo(Topology.UNKNOWN_ZONE);
    }
}
