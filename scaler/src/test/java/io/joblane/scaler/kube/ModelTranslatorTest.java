package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.joblane.model.WellKnown;
import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.scaler.plan.DaemonSetInfo;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.NodeAnnotations;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.scaler.plan.PodPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** fabric8 objects, built here, into the planner's model: no API server involved. */
class ModelTranslatorTest {
    static final String CONFIG = """
            nodeGroups:
              - name: batch
                default: true
                taints: [{key: joblane.io/dedicated, value: batch, effect: NoSchedule}]
                scaling: {provider: memory, minNodes: 0, maxNodes: 5, node: {cpu: "16", memory: 64Gi, pods: "110"}}
              - name: gpu
                labels: {accelerator: nvidia}
                scaling: {provider: memory, minNodes: 0, maxNodes: 5, node: {cpu: "16", memory: 64Gi, pods: "110"}}
            """;
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    static Node node(String name) {
        return KubeFixtures.node(name, "batch", "i-" + name);
    }

    @Test
    void aNodeCarriesItsGroupInstanceShapeAndJoblaneAnnotations() {
        Node n = node("n1");
        n.getMetadata().setCreationTimestamp(T0.toString());
        n.getSpec().setUnschedulable(true);
        n.getMetadata().getAnnotations().put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(T0.plusSeconds(60)));
        n.getMetadata()
                .getAnnotations()
                .put(NodeAnnotations.UNNEEDED_SINCE, NodeAnnotations.format(T0.plusSeconds(30)));
        n.getMetadata().getAnnotations().put(WellKnown.SCALE_DOWN_DISABLED_ANNOTATION, "true");

        NodeInfo info = ModelTranslator.nodeInfo(n);

        assertThat(info.name()).isEqualTo("n1");
        assertThat(info.group()).isEqualTo("batch");
        assertThat(info.instanceId()).isEqualTo("i-n1");
        assertThat(info.allocatable().get("cpu")).isEqualTo(16_000L);
        assertThat(info.allocatable().get("pods")).isEqualTo(110_000L);
        assertThat(info.ready()).isTrue();
        assertThat(info.notReadySince()).isNull();
        assertThat(info.created()).isEqualTo(T0);
        assertThat(info.cordoned()).isTrue();
        assertThat(info.cordonedByJoblane()).isTrue();
        assertThat(info.cordonedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(info.unneededSince()).isEqualTo(T0.plusSeconds(30));
        assertThat(info.scaleDownDisabled()).isTrue();
        assertThat(info.draining()).isEqualTo(DrainState.NONE);
    }

    // Guards against treating a human's cordon as Joblane's because an old cordoned-at annotation stayed behind.
    @Test
    void theCordonIsJoblanesOnlyWhenTheNodeIsCordonedAndCarriesTheAnnotation() {
        Node n = node("n1");
        n.getMetadata().getAnnotations().put(NodeAnnotations.CORDONED_AT, NodeAnnotations.format(T0));

        assertThat(ModelTranslator.nodeInfo(n).cordonedByJoblane()).isFalse();
        n.getSpec().setUnschedulable(true);
        n.getMetadata().getAnnotations().remove(NodeAnnotations.CORDONED_AT);
        NodeInfo humans = ModelTranslator.nodeInfo(n);
        assertThat(humans.cordoned()).isTrue();
        assertThat(humans.cordonedByJoblane()).isFalse();
    }

    @Test
    void theStrongestDrainingTaintWins() {
        Node n = new NodeBuilder(node("n1"))
                .editSpec()
                .addNewTaint()
                .withKey(WellKnown.DRAINING_TAINT)
                .withEffect("NoSchedule")
                .endTaint()
                .addNewTaint()
                .withKey(WellKnown.DRAINING_TAINT)
                .withEffect("PreferNoSchedule")
                .endTaint()
                .endSpec()
                .build();

        assertThat(ModelTranslator.nodeInfo(n).draining()).isEqualTo(DrainState.NO_SCHEDULE);
    }

    @Test
    void aNotReadyNodeIsNotReadySinceItsReadyConditionChanged() {
        Node n = new NodeBuilder(node("n1"))
                .editStatus()
                .withConditions()
                .addNewCondition()
                .withType("Ready")
                .withStatus("Unknown")
                .withLastTransitionTime(T0.toString())
                .endCondition()
                .endStatus()
                .build();

        NodeInfo info = ModelTranslator.nodeInfo(n);

        assertThat(info.ready()).isFalse();
        assertThat(info.notReadySince()).isEqualTo(T0);
    }

    @Test
    void aBareNodeTranslatesWithoutFailing() {
        NodeInfo info = ModelTranslator.nodeInfo(new NodeBuilder()
                .withNewMetadata()
                .withName("bare")
                .endMetadata()
                .build());

        assertThat(info.group()).isNull();
        assertThat(info.instanceId()).isNull();
        assertThat(info.ready()).isFalse();
        assertThat(info.notReadySince()).isNull();
        assertThat(info.cordoned()).isFalse();
        assertThat(info.draining()).isEqualTo(DrainState.NONE);
    }

    @Test
    void aJobPodCarriesItsGroupRequestsAndTimes() {
        Pod p = KubeFixtures.jobPod("team-a", "p", "batch", "n1", "2");
        p.getMetadata().setCreationTimestamp(T0.toString());
        p.getStatus().setStartTime(T0.plusSeconds(5).toString());

        PodInfo info = ModelTranslator.podInfo(p);

        assertThat(info.key()).isEqualTo("team-a/p");
        assertThat(info.group()).isEqualTo("batch");
        assertThat(info.jobPod()).isTrue();
        assertThat(info.daemonSetPod()).isFalse();
        assertThat(info.nodeName()).isEqualTo("n1");
        assertThat(info.phase()).isEqualTo(PodPhase.RUNNING);
        assertThat(info.requests().get("cpu")).isEqualTo(2000L);
        assertThat(info.requests().get("pods"))
                .as("the planner counts pods itself")
                .isZero();
        assertThat(info.created()).isEqualTo(T0);
        assertThat(info.started()).isEqualTo(T0.plusSeconds(5));
    }

    // Guards against: a pod sent to a group only by its nodeSelector counted as belonging to no group.
    @Test
    void aPodWithoutTheGroupLabelTakesItsGroupFromTheNodeSelector() {
        Pod p = KubeFixtures.jobPod("a", "pinned", "batch", null, "1");
        p.getMetadata().getLabels().remove(WellKnown.NODE_GROUP_LABEL);

        assertThat(ModelTranslator.podInfo(p).group()).isEqualTo("batch");
    }

    @Test
    void aPodOwnedByNoJobButLabelledAsOneIsAJobPod() {
        Pod p = new PodBuilder()
                .withNewMetadata()
                .withName("p")
                .withNamespace("a")
                .addToLabels(WellKnown.LEGACY_JOB_NAME_LABEL, "j")
                .endMetadata()
                .build();

        assertThat(ModelTranslator.podInfo(p).jobPod()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "succeeded on a node,           n1, Succeeded, false, false, FINISHED",
        "failed before binding,           , Failed,    false, false, FINISHED",
        "deleted before binding,          , Pending,   true,  false, FINISHED",
        "unschedulable,                   , Pending,   false, true,  PENDING_UNSCHEDULABLE",
        "not yet tried by the scheduler,  , Pending,   false, false, PENDING_SCHEDULING",
        "bound not yet running,         n1, Pending,   false, false, PENDING_BOUND",
        "running,                       n1, Running,   false, false, RUNNING",
        "deleted while running,         n1, Running,   true,  false, TERMINATING",
    })
    void podPhases(String name, String node, String phase, boolean deleted, boolean unschedulable, PodPhase expected) {
        PodBuilder b = new PodBuilder()
                .withNewMetadata()
                .withName("p")
                .withNamespace("a")
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .endSpec()
                .withNewStatus()
                .withPhase(phase)
                .endStatus();
        if (deleted) {
            b.editMetadata().withDeletionTimestamp(T0.toString()).endMetadata();
        }
        if (unschedulable) {
            b.editStatus()
                    .addNewCondition()
                    .withType("PodScheduled")
                    .withStatus("False")
                    .withReason("Unschedulable")
                    .endCondition()
                    .endStatus();
        }

        assertThat(ModelTranslator.podInfo(b.build()).phase()).isEqualTo(expected);
    }

    @Test
    void anEmptyNodeNameIsUnbound() {
        Pod p = KubeFixtures.jobPod("a", "p", "batch", null, "1");
        p.getSpec().setNodeName("");

        PodInfo info = ModelTranslator.podInfo(p);

        assertThat(info.nodeName()).isNull();
        assertThat(info.phase()).isEqualTo(PodPhase.PENDING_UNSCHEDULABLE);
    }

    @Test
    void aScanReusesTheTranslationOfAnUnchangedPodAndRetranslatesAChangedOne() {
        JoblaneConfig config = config();
        ModelTranslator translator = new ModelTranslator();
        Pod same = withVersion(KubeFixtures.jobPod("a", "same", "batch", "n1", "1"), "1");
        Pod changing = withVersion(KubeFixtures.jobPod("a", "changing", "batch", null, "1"), "1");
        ModelTranslator.Scan first =
                translator.translate(List.of(node("n1")), List.of(same, changing), List.of(), List.of(), config);

        Pod bound = withVersion(KubeFixtures.jobPod("a", "changing", "batch", "n1", "1"), "2");
        ModelTranslator.Scan second =
                translator.translate(List.of(node("n1")), List.of(same, bound), List.of(), List.of(), config);

        assertThat(second.pods().get(0)).isSameAs(first.pods().get(0));
        assertThat(second.pods().get(1).phase()).isEqualTo(PodPhase.RUNNING);
    }

    @Test
    void anUnscheduledGroupPodIsAddedOnceAndDeletedPodsDropOut() {
        JoblaneConfig config = config();
        ModelTranslator translator = new ModelTranslator();
        Pod cached = KubeFixtures.jobPod("a", "cached", "batch", null, "1");
        Pod pinned = KubeFixtures.jobPod("a", "pinned", "batch", null, "1");

        ModelTranslator.Scan scan =
                translator.translate(List.of(), List.of(cached), List.of(cached, pinned), List.of(), config);

        assertThat(scan.pods()).extracting(PodInfo::name).containsExactly("cached", "pinned");
        assertThat(translator.translatedLastScan("a/pinned")).isTrue();
        translator.translate(List.of(), List.of(pinned), List.of(), List.of(), config);
        assertThat(translator.translatedLastScan("a/cached")).isFalse();
    }

    @Test
    void aDeletedPodsTranslationIsDroppedAndARecreatedOneTranslatedAfresh() {
        JoblaneConfig config = config();
        ModelTranslator translator = new ModelTranslator();
        List<Node> nodes = List.of(node("n1"));
        Pod gone = withVersion(KubeFixtures.jobPod("a", "gone", "batch", "n1", "1"), "1");
        Pod stays = withVersion(KubeFixtures.jobPod("a", "stays", "batch", "n1", "1"), "2");
        translator.translate(nodes, List.of(gone, stays), List.of(), List.of(), config);
        assertThat(translator.podsHeld()).isEqualTo(2);

        translator.translate(nodes, List.of(stays), List.of(), List.of(), config);
        assertThat(translator.podsHeld()).isEqualTo(1);
        assertThat(translator.translatedLastScan("a/gone")).isFalse();

        // Re-created under the same name and, here, the very version the deleted one had: a kept entry would be reused.
        Pod recreated = withVersion(KubeFixtures.jobPod("a", "gone", "batch", null, "3"), "1");
        ModelTranslator.Scan back =
                translator.translate(nodes, List.of(stays, recreated), List.of(), List.of(), config);
        assertThat(back.pods().get(1).nodeName()).isNull();
        assertThat(back.pods().get(1).requests().get("cpu")).isEqualTo(3000L);
        assertThat(translator.podsHeld()).isEqualTo(2);
    }

    /** Guards against a kept translation going stale, or kept past its pod: random scans, as a fresh translator does. */
    @Test
    void randomScansTranslateExactlyAsAFreshTranslator() {
        JoblaneConfig config = config();
        List<Node> nodes = List.of(node("n1"), node("n2"));
        List<PersistentVolume> volumes = List.of(PodConstraintsReaderTest.zonal("pv-1", "zone-z"));
        for (long seed = 1; seed <= 60; seed++) {
            Random rnd = new Random(seed);
            ModelTranslator translator = new ModelTranslator();
            Map<String, Pod> cached = new LinkedHashMap<>(); // by name; "u..." pinned by their nodeSelector only
            Map<String, String> versionWhenGone = new HashMap<>();
            Map<String, PodInfo> last = Map.of();
            int version = 0;
            for (int scan = 0; scan < 30; scan++) {
                Map<String, Pod> before = new HashMap<>(cached);
                for (String name : List.copyOf(cached.keySet())) {
                    switch (rnd.nextInt(8)) {
                        case 0 ->
                            versionWhenGone.put(
                                    name, cached.remove(name).getMetadata().getResourceVersion());
                        case 1 -> cached.put(name, randomPod(rnd, name, Integer.toString(++version)));
                        case 2 -> cached.put(name, new PodBuilder(cached.get(name)).build()); // relisted
                        default -> {}
                    }
                }
                for (int i = rnd.nextInt(4); i > 0; i--) {
                    String name = (rnd.nextInt(4) == 0 ? "u" : "p") + rnd.nextInt(12);
                    if (!cached.containsKey(name) && !before.containsKey(name)) {
                        // Back with the version it had when deleted, sometimes: only a dropped entry tells them apart.
                        String v = versionWhenGone.containsKey(name) && rnd.nextBoolean()
                                ? versionWhenGone.get(name)
                                : Integer.toString(++version);
                        cached.put(name, randomPod(rnd, name, v));
                    }
                }
                List<Pod> pods = new ArrayList<>();
                List<Pod> unscheduled = new ArrayList<>();
                cached.forEach((name, p) -> (name.startsWith("u") ? unscheduled : pods).add(p));
                if (!cached.isEmpty() && rnd.nextBoolean()) {
                    unscheduled.add(List.copyOf(cached.values()).get(rnd.nextInt(cached.size()))); // listed twice
                }
                List<PersistentVolumeClaim> claims =
                        rnd.nextBoolean() ? List.of(PodConstraintsReaderTest.claim("data-c", "pv-1")) : List.of();

                List<PodInfo> got = translator
                        .translate(nodes, pods, unscheduled, List.of(), claims, volumes, config)
                        .pods();

                String where = "seed " + seed + " scan " + scan;
                assertThat(got)
                        .as(where)
                        .isEqualTo(new ModelTranslator()
                                .translate(nodes, pods, unscheduled, List.of(), claims, volumes, config)
                                .pods());
                Map<String, PodInfo> now = new HashMap<>();
                got.forEach(p -> now.put(p.name(), p));
                for (Pod p : cached.values()) {
                    String name = p.getMetadata().getName();
                    Pod was = before.get(name);
                    if (was != null
                            && p.getMetadata().getResourceVersion() != null
                            && p.getMetadata()
                                    .getResourceVersion()
                                    .equals(was.getMetadata().getResourceVersion())
                            && PodConstraintsReader.claims(p.getSpec()).isEmpty()) {
                        assertThat(now.get(name))
                                .as(where + " " + name + " kept")
                                .isSameAs(last.get(name));
                    }
                }
                assertThat(translator.podsHeld()).as(where).isEqualTo(cached.size());
                for (int i = 0; i < 12; i++) {
                    for (String name : List.of("p" + i, "u" + i)) {
                        assertThat(translator.translatedLastScan("ns/" + name))
                                .as(where + " " + name)
                                .isEqualTo(cached.containsKey(name));
                    }
                }
                last = now;
            }
        }
    }

    @Test
    void anUnchangedNodeKeepsItsTranslationUntilTheSpotSettingsChange() {
        ModelTranslator translator = new ModelTranslator();
        Node noticed = withVersion(node("n1"), "1");
        noticed.getSpec()
                .setTaints(List.of(new TaintBuilder()
                        .withKey("example.com/spot-notice")
                        .withEffect("NoSchedule")
                        .build()));
        NodeInfo first = translator
                .translate(List.of(noticed), List.of(), List.of(), List.of(), config())
                .nodes()
                .get(0);

        NodeInfo again = translator
                .translate(List.of(noticed), List.of(), List.of(), List.of(), config())
                .nodes()
                .get(0);
        JoblaneConfig spotConfig = configWith("example.com/spot-notice");
        NodeInfo underNewSettings = translator
                .translate(List.of(noticed), List.of(), List.of(), List.of(), spotConfig)
                .nodes()
                .get(0);

        assertThat(again).isSameAs(first);
        assertThat(first.noticed()).isFalse();
        assertThat(underNewSettings.noticed()).isTrue();
    }

    /** Guards against a kept node translation going stale: random node changes, as a fresh translator reads them. */
    @Test
    void randomNodeScansTranslateExactlyAsAFreshTranslator() {
        JoblaneConfig plain = config();
        JoblaneConfig spot = configWith("example.com/spot-notice");
        for (long seed = 1; seed <= 40; seed++) {
            Random rnd = new Random(seed);
            ModelTranslator translator = new ModelTranslator();
            Map<String, Node> cached = new LinkedHashMap<>();
            Map<String, NodeInfo> last = Map.of();
            Map<String, String> lastVersions = Map.of();
            JoblaneConfig lastConfig = plain;
            int version = 1; // "1" is the version a re-created node may come back with
            for (int scan = 0; scan < 30; scan++) {
                Map<String, Node> before = new HashMap<>(cached);
                for (String name : List.copyOf(cached.keySet())) {
                    switch (rnd.nextInt(8)) {
                        case 0 -> cached.remove(name);
                        case 1 -> cached.put(name, randomNode(rnd, name, Integer.toString(++version)));
                        case 2 -> cached.put(name, new NodeBuilder(cached.get(name)).build()); // relisted
                        default -> {}
                    }
                }
                for (int i = rnd.nextInt(3); i > 0; i--) {
                    String name = "n" + rnd.nextInt(10);
                    if (!before.containsKey(name)) {
                        // Sometimes back under a version it once had: only a dropped entry tells them apart.
                        cached.putIfAbsent(
                                name, randomNode(rnd, name, Integer.toString(rnd.nextBoolean() ? ++version : 1)));
                    }
                }
                JoblaneConfig config = rnd.nextInt(6) == 0 ? spot : plain;
                List<Node> nodes = List.copyOf(cached.values());

                List<NodeInfo> got = translator
                        .translate(nodes, List.of(), List.of(), List.of(), config)
                        .nodes();

                String where = "seed " + seed + " scan " + scan;
                assertThat(got)
                        .as(where)
                        .isEqualTo(new ModelTranslator()
                                .translate(nodes, List.of(), List.of(), List.of(), config)
                                .nodes());
                Map<String, NodeInfo> now = new HashMap<>();
                Map<String, String> versions = new HashMap<>();
                for (int i = 0; i < nodes.size(); i++) {
                    String name = nodes.get(i).getMetadata().getName();
                    String v = nodes.get(i).getMetadata().getResourceVersion();
                    now.put(name, got.get(i));
                    versions.put(name, v);
                    if (v != null && v.equals(lastVersions.get(name)) && config == lastConfig) {
                        assertThat(got.get(i)).as(where + " " + name + " kept").isSameAs(last.get(name));
                    }
                }
                last = now;
                lastVersions = versions;
                lastConfig = config;
            }
        }
    }

    /** A node cordoned or not, sometimes tainted (a notice under the Spot config) or without a resourceVersion. */
    private static Node randomNode(Random rnd, String name, String version) {
        Node n = node(name);
        n.getSpec().setUnschedulable(rnd.nextBoolean());
        if (rnd.nextBoolean()) {
            n.getSpec()
                    .setTaints(List.of(new TaintBuilder()
                            .withKey(rnd.nextBoolean() ? "example.com/spot-notice" : "other")
                            .withEffect("NoSchedule")
                            .build()));
        }
        n.getMetadata().getLabels().put("rack", Integer.toString(rnd.nextInt(3)));
        return withVersion(n, rnd.nextInt(15) == 0 ? null : version);
    }

    /** The test config with {@code taintKey} as the only Spot interruption taint. */
    static JoblaneConfig configWith(String taintKey) {
        try {
            return ConfigLoader.parse(
                    CONFIG + "scaler:\n  spot:\n    interruptionTaints: [" + taintKey + "]\n", "test");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Job pod bound or not, of 1 to 3 CPUs, sometimes with a claim or no resourceVersion. */
    private static Pod randomPod(Random rnd, String name, String version) {
        String node = name.startsWith("u") ? null : List.of("n1", "n2", "gone").get(rnd.nextInt(3));
        Pod p = KubeFixtures.jobPod("ns", name, "batch", node, Integer.toString(1 + rnd.nextInt(3)));
        if (name.startsWith("u")) {
            p.getMetadata().getLabels().remove(WellKnown.NODE_GROUP_LABEL);
        }
        if (rnd.nextInt(4) == 0) {
            p = new PodBuilder(p)
                    .editSpec()
                    .addNewVolume()
                    .withName("data")
                    .withNewPersistentVolumeClaim()
                    .withClaimName("data-c")
                    .endPersistentVolumeClaim()
                    .endVolume()
                    .endSpec()
                    .build();
        }
        return withVersion(p, rnd.nextInt(15) == 0 ? null : version);
    }

    @Test
    void aScanRemembersEachNodesUid() {
        ModelTranslator translator = new ModelTranslator();
        Node withUid = node("n1");
        withUid.getMetadata().setUid("uid-1");

        translator.translate(List.of(withUid, node("n2")), List.of(), List.of(), List.of(), config());

        assertThat(translator.lastScanUid("n1")).isEqualTo("uid-1");
        assertThat(translator.lastScanUid("n2")).isEmpty();
        assertThat(translator.lastScanUid("n3")).isNull();
    }

    @Test
    void aDaemonSetIsListedOncePerGroupItLandsOnSelectingThatGroupOnly() {
        DaemonSet everywhere = daemonSet("everywhere", true, null);
        DaemonSet untolerated = daemonSet("untolerated", false, null);
        DaemonSet gpuOnly = daemonSet("gpu-only", true, "accelerator");

        List<DaemonSetInfo> out =
                ModelTranslator.daemonSets(List.of(everywhere, untolerated, gpuOnly), config(), java.util.Map.of());

        assertThat(out)
                .extracting(d -> d.name() + "@" + d.nodeSelector().get(WellKnown.NODE_GROUP_LABEL))
                .containsExactly("everywhere@batch", "everywhere@gpu", "untolerated@gpu", "gpu-only@gpu");
        assertThat(out.get(0).podRequests().get("cpu")).isEqualTo(100L);
        assertThat(out.get(0).podRequests().get("pods")).isZero();
        assertThat(out.get(0)
                        .landsOn(
                                java.util.Map.of(WellKnown.NODE_GROUP_LABEL, "batch"),
                                List.of(new io.joblane.model.config.Taint("any", "x", "NoExecute"))))
                .isTrue();
    }

    // Guards against: a DaemonSet selecting a label only real nodes carry (set by the cloud) ignored for its group.
    @Test
    void aRealNodeOfTheGroupLendsItsLabelsToThePlacement() {
        DaemonSet zoned = daemonSet("zoned", true, "topology.kubernetes.io/zone");
        Node sample = node("n1");
        sample.getMetadata().getLabels().put("topology.kubernetes.io/zone", "eu-west-1a");

        assertThat(ModelTranslator.daemonSets(List.of(zoned), config(), java.util.Map.of()))
                .isEmpty();
        assertThat(ModelTranslator.daemonSets(List.of(zoned), config(), java.util.Map.of("batch", sample)))
                .extracting(DaemonSetInfo::name)
                .containsExactly("zoned");
    }

    @Test
    void aDaemonSetWithoutPodTemplateIsSkipped() {
        DaemonSet empty = new DaemonSetBuilder()
                .withNewMetadata()
                .withName("empty")
                .withNamespace("k")
                .endMetadata()
                .build();

        assertThat(ModelTranslator.daemonSets(List.of(empty), config(), java.util.Map.of()))
                .isEmpty();
    }

    @Test
    void unreadableTimestampsAreAbsent() {
        assertThat(ModelTranslator.instant(null)).isNull();
        assertThat(ModelTranslator.instant("")).isNull();
        assertThat(ModelTranslator.instant("yesterday")).isNull();
        assertThat(ModelTranslator.instant(T0.toString())).isEqualTo(T0);
    }

    static JoblaneConfig config() {
        try {
            return ConfigLoader.parse(CONFIG, "test");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T withVersion(T p, String version) {
        p.getMetadata().setResourceVersion(version);
        return p;
    }

    /** A DaemonSet of Linux nodes requesting 100m; tolerating every taint or none; requiring a label key if given. */
    static DaemonSet daemonSet(String name, boolean tolerateAll, String requiredLabel) {
        var spec = new DaemonSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("kube-system")
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewSpec()
                .addToNodeSelector("kubernetes.io/os", "linux")
                .addToContainers(PodRequestsTest.container("c", "100m", "64Mi"));
        if (tolerateAll) {
            spec = spec.addNewToleration().withOperator("Exists").endToleration();
        }
        if (requiredLabel != null) {
            spec = spec.withNewAffinity()
                    .withNewNodeAffinity()
                    .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .addNewNodeSelectorTerm()
                    .addNewMatchExpression()
                    .withKey(requiredLabel)
                    .withOperator("Exists")
                    .endMatchExpression()
                    .endNodeSelectorTerm()
                    .endRequiredDuringSchedulingIgnoredDuringExecution()
                    .endNodeAffinity()
                    .endAffinity();
        }
        return spec.endSpec().endTemplate().endSpec().build();
    }
}
