package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.joblane.model.WellKnown;
import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.scaler.cloud.fake.FakeNodeGroupProvider;
import io.joblane.scaler.loop.MutableClock;
import io.joblane.scaler.loop.ScaleLoop;
import io.joblane.scaler.loop.ScalerMetrics;
import io.joblane.scaler.loop.ScanResult;
import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.DaemonSetInfo;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.NodeAnnotations;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.scaler.plan.PodPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableCrudApiServer
class KubeClusterAccessCrudTest {
    static final String CONFIG = """
            nodeGroups:
              - name: batch
                default: true
                taints: [{key: joblane.io/dedicated, value: batch, effect: NoSchedule}]
                scaling: {provider: memory, minNodes: 0, maxNodes: 5, node: {cpu: "16", memory: 64Gi, pods: "110"},
                          scaleDownDelay: 1m, bootDelay: 0s}
            scaler: {scanInterval: 10s, settleDelay: 30s}
            """;

    KubernetesClient client;
    MutableClock clock;
    JoblaneConfig config;
    ClusterCache cache;
    KubeClusterAccess access;
    FakeNodeGroupProvider cloud;
    String instanceId;

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(Instant.now().plusSeconds(60));
        config = ConfigLoader.parse(CONFIG, "test");
        cloud = new FakeNodeGroupProvider(clock).addGroup("batch", 0, 5, 1, Duration.ZERO);
        instanceId = cloud.peek("batch").instances().get(0).id();
        Node node = KubeFixtures.node("n1", "batch", instanceId);
        node.getSpec().setProviderID("memory:///zone-a/" + instanceId);
        client.nodes().resource(node).create();
        cache = new ClusterCache(client, () -> {});
        assertThat(cache.start(Duration.ofSeconds(30))).isEmpty();
        access = new KubeClusterAccess(
                client,
                cache,
                new BoundPods(client, BoundPods.Lookup.LIST_AND_FILTER),
                new EventRecorder(client, clock, "test"),
                () -> config,
                clock);
    }

    @AfterEach
    void tearDown() {
        cache.close();
    }

    void awaitCachedNode(Predicate<Node> condition) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> cache.nodes().stream()
                        .anyMatch(n -> n.getMetadata().getName().equals("n1") && condition.test(n)));
    }

    static boolean hasAnnotation(Node n, String key) {
        return n.getMetadata().getAnnotations() != null
                && n.getMetadata().getAnnotations().containsKey(key);
    }

    /** Scans until the node is cordoned by the scaler and its settle delay has passed. */
    ScaleLoop loopUpToSettledCordon(ScalerMetrics metrics) {
        ScaleLoop loop = new ScaleLoop(config, access, Map.of("batch", cloud), clock, metrics, false);
        // No Job arrives, so no wait is due: the first scan that sees the node empty cordons it.
        loop.runOnce();
        awaitCachedNode(n -> hasAnnotation(n, NodeAnnotations.CORDONED_AT));
        assertThat(client.nodes().withName("n1").get().getSpec().getUnschedulable())
                .isTrue();
        clock.advance(Duration.ofSeconds(31));
        return loop;
    }

    @Test
    void anEmptyUnneededNodeIsCordonedThenItsExactInstanceTerminated() {
        AtomicInteger podsAtTermination = new AtomicInteger(-1);
        ScaleLoop loop = loopUpToSettledCordon(new ScalerMetrics() {
            @Override
            public void podsFoundAtTermination(String group, int pods) {
                podsAtTermination.set(pods);
            }
        });
        ScanResult result = loop.runOnce();

        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE))
                .singleElement()
                .satisfies(c -> assertThat(c.detail()).contains(instanceId));
        assertThat(result.actions()).anyMatch(a -> a.contains("terminate node n1"));
        assertThat(podsAtTermination.get()).isZero();
    }

    // Guards the product's promise: a pod bound after the cache was read must stop the termination.
    @Test
    void aPodBoundAtTheLastMomentStopsTheTermination() {
        ScaleLoop loop = loopUpToSettledCordon(ScalerMetrics.NOOP);
        // Not a group pod, so the informers never see it: only the live re-check can.
        Pod late = new PodBuilder()
                .withNewMetadata()
                .withName("late")
                .withNamespace("team-b")
                .withUid("uid-late")
                .endMetadata()
                .withNewSpec()
                .withNodeName("n1")
                .addNewContainer()
                .withName("c")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Pending")
                .endStatus()
                .build();
        client.pods().inNamespace("team-b").resource(late).create();

        ScanResult result = loop.runOnce();

        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();
        assertThat(result.actions()).anyMatch(a -> a.contains("keep node n1"));
        Node live = client.nodes().withName("n1").get();
        assertThat(live.getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
        assertThat(live.getMetadata().getAnnotations()).doesNotContainKey(NodeAnnotations.CORDONED_AT);
        assertThat(client.v1().events().inNamespace("default").list().getItems())
                .anyMatch(e -> "ScaleDownCancelled".equals(e.getReason())
                        && "n1".equals(e.getInvolvedObject().getName()));

        // The pod the informers cannot see keeps the node busy from now on: no cordon/uncordon cycle.
        awaitCachedNode(n -> !hasAnnotation(n, NodeAnnotations.CORDONED_AT));
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(5));
            assertThat(loop.runOnce().actions())
                    .noneMatch(a -> a.contains("cordon node n1") || a.contains("unneeded since"));
        }
        // Once it is gone, the node is unneeded again: with no Job arriving, cordoned at once.
        client.pods().inNamespace("team-b").withName("late").delete();
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        client.pods().inNamespace("team-b").withName("late").get() == null);
        assertThat(loop.runOnce().actions()).anyMatch(a -> a.contains("cordon node n1"));
    }

    @Test
    void aLiveNodeOrPodThatCouldBeAnInstanceHoldsItsUnregisteredTermination() throws Exception {
        // Guards against terminating an "unregistered" instance that a node without providerID or an orphan pod runs
        // on.
        assertThat(access.whyInstanceMayHaveNode(instanceId))
                .hasValueSatisfying(w -> assertThat(w).contains("n1"));
        assertThat(access.whyInstanceMayHaveNode("i-other")).isEmpty();

        // A node without the group label and without providerID could be any instance.
        Node bare = KubeFixtures.node("bare", "batch", "i-bare");
        bare.getMetadata().getLabels().remove(WellKnown.NODE_GROUP_LABEL);
        bare.getSpec().setProviderID("");
        client.nodes().resource(bare).create();
        assertThat(access.whyInstanceMayHaveNode("i-other"))
                .hasValueSatisfying(w -> assertThat(w).contains("bare").contains("no usable spec.providerID"));
        client.nodes().withName("bare").delete();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.nodes().withName("bare").get() == null);
        assertThat(access.whyInstanceMayHaveNode("i-other")).isEmpty();

        // A running pod bound to a node name that has no Node object.
        client.pods()
                .inNamespace("team-a")
                .resource(KubeFixtures.jobPod("team-a", "orphan", "batch", "gone", "1"))
                .create();
        assertThat(access.whyInstanceMayHaveNode("i-other"))
                .hasValueSatisfying(w -> assertThat(w).contains("team-a/orphan").contains("gone"));
    }

    @Test
    void theLiveNodeCheckRefusesANodeChangedSinceTheSnapshot() throws Exception {
        // Guards against terminating from the cache when the live node is no longer Joblane's cordon of that instance.
        new NodeWriter(client).cordon("n1", clock.instant());
        awaitCachedNode(n -> hasAnnotation(n, NodeAnnotations.CORDONED_AT));
        access.snapshot();
        assertThat(access.whyNodeNotTerminable("n1", instanceId)).isEmpty();
        assertThat(access.whyNodeNotTerminable("n1", "i-other"))
                .hasValueSatisfying(w -> assertThat(w).contains("providerID"));
        assertThat(access.whyNodeNotTerminable("gone", instanceId))
                .hasValueSatisfying(w -> assertThat(w).contains("gone"));

        // Humans win, even when they act after the snapshot: the live read sees scale-down-disabled.
        client.nodes().withName("n1").edit(n -> {
            n.getMetadata().getAnnotations().put(WellKnown.SCALE_DOWN_DISABLED_ANNOTATION, "true");
            return n;
        });
        assertThat(access.whyNodeNotTerminable("n1", instanceId))
                .hasValueSatisfying(w -> assertThat(w).contains(WellKnown.SCALE_DOWN_DISABLED_ANNOTATION));
        client.nodes().withName("n1").edit(n -> {
            n.getMetadata().getAnnotations().remove(WellKnown.SCALE_DOWN_DISABLED_ANNOTATION);
            return n;
        });
        assertThat(access.markTerminationRequested("n1", clock.instant())).isEmpty();
        assertThat(access.markTerminationRequested("n1", clock.instant().plusSeconds(60)))
                .contains(clock.instant()); // the first mark is kept and reported

        client.nodes().withName("n1").edit(n -> {
            n.getSpec().setUnschedulable(false); // kubectl uncordon: our annotation stays
            return n;
        });
        assertThat(access.whyNodeNotTerminable("n1", instanceId))
                .hasValueSatisfying(w -> assertThat(w).contains("no longer cordoned"));

        client.nodes().withName("n1").delete();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.nodes().withName("n1").get() == null);
        Node again = KubeFixtures.node("n1", "batch", instanceId);
        again.getSpec().setProviderID("memory:///zone-a/" + instanceId);
        again.getSpec().setUnschedulable(true);
        again.getMetadata().setUid("uid-recreated");
        again.getMetadata().getAnnotations().put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(clock.instant()));
        client.nodes().resource(again).create();
        assertThat(access.whyNodeNotTerminable("n1", instanceId))
                .hasValueSatisfying(w -> assertThat(w).contains("re-created"));
    }

    @Test
    void anUnschedulableJobPodRaisesDesiredAndGetsAnEvent() {
        client.pods()
                .inNamespace("team-a")
                .resource(KubeFixtures.jobPod("team-a", "big", "batch", null, "12"))
                .create();
        client.pods()
                .inNamespace("team-a")
                .resource(KubeFixtures.jobPod("team-a", "busy", "batch", "n1", "10"))
                .create();
        await().atMost(Duration.ofSeconds(20)).until(() -> cache.pods().size() == 2);

        ScanResult result =
                new ScaleLoop(config, access, Map.of("batch", cloud), clock, ScalerMetrics.NOOP, false).runOnce();

        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED))
                .singleElement()
                .satisfies(c -> assertThat(c.detail()).contains("2"));
        assertThat(result.groups().get("batch").pendingPods()).isEqualTo(1);
        assertThat(client.v1().events().inNamespace("team-a").list().getItems())
                .anyMatch(e -> "TriggeredScaleUp".equals(e.getReason())
                        && "big".equals(e.getInvolvedObject().getName()));
    }

    // Guards against the scaler taking over a node a human cordoned or protected.
    @Test
    void aNodeCordonedByAHumanOrMarkedScaleDownDisabledIsLeftAlone() {
        client.nodes().withName("n1").edit(n -> {
            n.getSpec().setUnschedulable(true);
            return n;
        });
        awaitCachedNode(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()));
        ScaleLoop loop = new ScaleLoop(config, access, Map.of("batch", cloud), clock, ScalerMetrics.NOOP, false);
        for (int i = 0; i < 3; i++) {
            loop.runOnce();
            clock.advance(Duration.ofHours(1));
        }
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();
        Node live = client.nodes().withName("n1").get();
        assertThat(live.getSpec().getUnschedulable()).isTrue();
        assertThat(live.getMetadata().getAnnotations()).doesNotContainKey(NodeAnnotations.CORDONED_AT);

        client.nodes().withName("n1").edit(n -> {
            n.getSpec().setUnschedulable(null);
            n.getMetadata().getAnnotations().put(WellKnown.SCALE_DOWN_DISABLED_ANNOTATION, "true");
            return n;
        });
        awaitCachedNode(n -> hasAnnotation(n, WellKnown.SCALE_DOWN_DISABLED_ANNOTATION)
                && !Boolean.TRUE.equals(n.getSpec().getUnschedulable()));
        for (int i = 0; i < 3; i++) {
            loop.runOnce();
            clock.advance(Duration.ofHours(1));
        }
        assertThat(cloud.calls(FakeNodeGroupProvider.TERMINATE)).isEmpty();
        assertThat(client.nodes().withName("n1").get().getSpec().getUnschedulable())
                .isNotEqualTo(Boolean.TRUE);
    }

    // Guards the --dry-run promise: every action is logged, nothing in the cluster or the cloud changes.
    @Test
    void dryRunChangesNothing() {
        String before = client.nodes().withName("n1").get().getMetadata().getResourceVersion();
        ScaleLoop loop = new ScaleLoop(config, access, Map.of("batch", cloud), clock, ScalerMetrics.NOOP, true);
        ScanResult first = loop.runOnce();
        clock.advance(Duration.ofMinutes(30));
        loop.runOnce();

        assertThat(first.actions()).anyMatch(a -> a.contains("dry-run: would"));
        assertThat(client.nodes().withName("n1").get().getMetadata().getResourceVersion())
                .isEqualTo(before);
        assertThat(client.v1().events().inAnyNamespace().list().getItems()).isEmpty();
        assertThat(cloud.calls()).allMatch(c -> c.operation().equals(FakeNodeGroupProvider.DESCRIBE));
    }

    @Test
    void snapshotTranslatesNodesPodsAndDaemonSets() throws Exception {
        client.pods()
                .inNamespace("a")
                .resource(KubeFixtures.jobPod("a", "running", "batch", "n1", "2"))
                .create();
        client.pods()
                .inNamespace("a")
                .resource(KubeFixtures.jobPod("a", "waiting", "batch", null, "4"))
                .create();
        client.apps()
                .daemonSets()
                .inNamespace("kube-system")
                .resource(new DaemonSetBuilder()
                        .withNewMetadata()
                        .withName("node-exporter")
                        .withNamespace("kube-system")
                        .endMetadata()
                        .withNewSpec()
                        .withNewTemplate()
                        .withNewSpec()
                        .addToNodeSelector("kubernetes.io/os", "linux")
                        .addNewToleration()
                        .withOperator("Exists")
                        .endToleration()
                        .addToContainers(PodRequestsTest.container("c", "100m", "64Mi"))
                        .endSpec()
                        .endTemplate()
                        .endSpec()
                        .build())
                .create();
        client.apps()
                .daemonSets()
                .inNamespace("kube-system")
                .resource(new DaemonSetBuilder()
                        .withNewMetadata()
                        .withName("untolerated")
                        .withNamespace("kube-system")
                        .endMetadata()
                        .withNewSpec()
                        .withNewTemplate()
                        .withNewSpec()
                        .addToContainers(PodRequestsTest.container("c", "1", "64Mi"))
                        .endSpec()
                        .endTemplate()
                        .endSpec()
                        .build())
                .create();
        new NodeWriter(client).setDrainingTaint("n1", NodeWriter.PREFER_NO_SCHEDULE);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> cache.pods().size() == 2
                        && cache.daemonSets().size() == 2
                        && cache.nodes().get(0).getSpec().getTaints().size() == 2);

        ClusterSnapshot s = access.snapshot();
        NodeInfo n = s.nodes().get(0);
        assertThat(n.group()).isEqualTo("batch");
        assertThat(n.instanceId()).isEqualTo(instanceId);
        assertThat(n.ready()).isTrue();
        assertThat(n.draining()).isEqualTo(DrainState.PREFER_NO_SCHEDULE);
        assertThat(n.allocatable().get("cpu")).isEqualTo(16_000L);
        assertThat(n.allocatable().get("pods")).isEqualTo(110_000L);
        assertThat(s.allPods())
                .extracting(PodInfo::name, PodInfo::phase, PodInfo::jobPod, PodInfo::group)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("running", PodPhase.RUNNING, true, "batch"),
                        org.assertj.core.groups.Tuple.tuple("waiting", PodPhase.PENDING_UNSCHEDULABLE, true, "batch"));
        PodInfo waiting = s.allPods().stream()
                .filter(p -> p.name().equals("waiting"))
                .findFirst()
                .orElseThrow();
        assertThat(waiting.requests().get("cpu")).isEqualTo(4000L);
        assertThat(waiting.requests().get("pods")).isZero();
        assertThat(s.daemonSets()).extracting(DaemonSetInfo::name).containsExactly("node-exporter");
        assertThat(s.daemonSets()
                        .get(0)
                        .landsOn(
                                Map.of(WellKnown.NODE_GROUP_LABEL, "batch"),
                                List.of(new io.joblane.model.config.Taint(
                                        WellKnown.DEDICATED_TAINT, "batch", "NoSchedule"))))
                .isTrue();
        assertThat(s.daemonSets().get(0).podRequests().get("cpu")).isEqualTo(100L);

        // Unchanged pods reuse last scan's translation; a changed pod is translated again.
        PodInfo running = s.allPods().stream()
                .filter(p -> p.name().equals("running"))
                .findFirst()
                .orElseThrow();
        client.pods().inNamespace("a").withName("waiting").edit(p -> {
            p.getSpec().setNodeName("n1");
            p.getStatus().setPhase("Running");
            return p;
        });
        await().atMost(Duration.ofSeconds(20))
                .until(() -> ClusterCacheCrudTest.podsOn(cache, "n1").size() == 2);
        ClusterSnapshot next = access.snapshot();
        assertThat(next.allPods())
                .filteredOn(p -> p.name().equals("running"))
                .singleElement()
                .isSameAs(running);
        assertThat(next.allPods())
                .filteredOn(p -> p.name().equals("waiting"))
                .singleElement()
                .satisfies(p -> assertThat(p.phase()).isEqualTo(PodPhase.RUNNING));
        // Bound pods are handed node by node; a node's list is kept while none of its pods changes (the planner keeps
        // what it derived from them) and is new once one does.
        assertThat(next.podsOfNodes().get(0))
                .hasSize(2)
                .isNotSameAs(s.podsOfNodes().get(0));
        assertThat(access.snapshot().podsOfNodes().get(0))
                .isSameAs(next.podsOfNodes().get(0));
    }

    /** Guards against a kept translation going stale or outliving its pod, through a mock API server's informers. */
    @Test
    void keptTranslationsFollowTheCacheScanByScan() throws Exception {
        for (String name : List.of("p1", "p2", "p3")) {
            client.pods()
                    .inNamespace("a")
                    .resource(KubeFixtures.jobPod("a", name, "batch", "n1", "1"))
                    .create();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> cache.pods().size() == 3);
        ClusterSnapshot first = snapshotAsTranslatedAfresh();
        assertThat(access.translationsHeld()).isEqualTo(3);

        client.pods()
                .inNamespace("a")
                .withName("p1")
                .edit(p -> KubeFixtures.succeeded(p, clock.instant().toString()));
        client.pods().inNamespace("a").withName("p2").delete();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> cache.pods().size() == 2
                        && cache.pods().stream()
                                .anyMatch(p -> "Succeeded".equals(p.getStatus().getPhase())));
        ClusterSnapshot second = snapshotAsTranslatedAfresh();
        assertThat(access.translationsHeld()).as("p2's translation dropped").isEqualTo(2);
        assertThat(named(second, "p1").phase()).isEqualTo(PodPhase.FINISHED);
        assertThat(named(second, "p3")).isSameAs(named(first, "p3"));

        client.pods()
                .inNamespace("a")
                .resource(KubeFixtures.jobPod("a", "p2", "batch", null, "2"))
                .create();
        await().atMost(Duration.ofSeconds(20)).until(() -> cache.pods().size() == 3);
        ClusterSnapshot third = snapshotAsTranslatedAfresh();
        assertThat(access.translationsHeld()).isEqualTo(3);
        assertThat(named(third, "p2").phase()).isEqualTo(PodPhase.PENDING_UNSCHEDULABLE);
        assertThat(named(third, "p3")).isSameAs(named(first, "p3"));
    }

    /** A snapshot, checked to hold the pods a translator without kept translations makes of the same cache. */
    ClusterSnapshot snapshotAsTranslatedAfresh() throws Exception {
        ClusterSnapshot s = access.snapshot();
        assertThat(s.allPods())
                .containsExactlyInAnyOrderElementsOf(KubeClusterAccess.translate(new ModelTranslator(), cache, config)
                        .pods());
        return s;
    }

    static PodInfo named(ClusterSnapshot s, String name) {
        return s.allPods().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void snapshotFailsClearlyWhileInformersAreNotSynced() {
        ClusterCache unsynced = new ClusterCache(client, () -> {});
        KubeClusterAccess notReady = new KubeClusterAccess(
                client,
                unsynced,
                new BoundPods(client, BoundPods.Lookup.LIST_AND_FILTER),
                new EventRecorder(client, clock, "t"),
                () -> config,
                clock);
        org.assertj.core.api.Assertions.assertThatThrownBy(notReady::snapshot)
                .hasMessageContaining("informers not synced");
    }

    @Test
    void aPodPinnedOnlyByNodeSelectorIsAWaitingPodOfItsGroup() throws Exception {
        // Guards against: the label-filtered informer hiding a pod sent to a group only by its nodeSelector.
        io.fabric8.kubernetes.api.model.Pod pinned = KubeFixtures.jobPod("a", "pinned", "batch", null, "1");
        pinned.getMetadata().getLabels().remove(WellKnown.NODE_GROUP_LABEL);
        client.pods().inNamespace("a").resource(pinned).create();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !cache.unscheduledGroupPods().isEmpty());

        assertThat(access.snapshot().pods()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("pinned");
            assertThat(p.group()).isEqualTo("batch");
            assertThat(p.phase()).isEqualTo(io.joblane.scaler.plan.PodPhase.PENDING_UNSCHEDULABLE);
        });
    }

    @Test
    void aPodWhoseClaimIsBoundToAVolumeInAZoneTheGroupLacksIsReportedAndBuysNoNode() throws Exception {
        // Guards against: a pod pinned to another zone by its volume "fitting" the free node n1 and waiting forever.
        client.persistentVolumes()
                .resource(PodConstraintsReaderTest.zonal("pv-1", "zone-z"))
                .create();
        client.persistentVolumeClaims()
                .inNamespace("ns")
                .resource(PodConstraintsReaderTest.claim("data-p", "pv-1"))
                .create();
        io.fabric8.kubernetes.api.model.Pod pod = PodConstraintsReaderTest.fenced("p")
                .editSpec()
                .addNewVolume()
                .withName("data")
                .withNewPersistentVolumeClaim()
                .withClaimName("data-p")
                .endPersistentVolumeClaim()
                .endVolume()
                .endSpec()
                .build();
        client.pods().inNamespace("ns").resource(pod).create();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> cache.pods().size() == 1
                        && cache.claims().size() == 1
                        && cache.volumes().size() == 1);

        assertThat(access.snapshot().pods())
                .singleElement()
                .satisfies(p -> assertThat(p.constraints().nodeTerms())
                        .singleElement()
                        .satisfies(t -> assertThat(t.source()).isEqualTo("volume data-p (PersistentVolume pv-1)")));
        ScanResult result =
                new ScaleLoop(config, access, Map.of("batch", cloud), clock, ScalerMetrics.NOOP, false).runOnce();

        assertThat(cloud.calls(FakeNodeGroupProvider.SET_DESIRED)).isEmpty();
        assertThat(result.groups().get("batch").neverFit()).isEqualTo(1);
        assertThat(client.v1().events().inNamespace("ns").list().getItems())
                .anyMatch(e ->
                        "DoesNotFit".equals(e.getReason()) && e.getMessage().contains("PersistentVolume pv-1"));
    }
}
