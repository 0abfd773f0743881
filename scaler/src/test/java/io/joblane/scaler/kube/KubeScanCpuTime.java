package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.joblane.model.WellKnown;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.lanes.FamilyHistory;
import io.joblane.scaler.lanes.LaneNode;
import io.joblane.scaler.lanes.LanePods;
import io.joblane.scaler.lanes.RunTimeLearner;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * CPU time and allocation per scan of the kube adapter's per-scan work over a large informer cache: the planner's
 * translation ({@link ModelTranslator#translate}), lanes' pods node by node ({@link LanePodsByNode}) and the run-time
 * learner ({@link RunTimeLearner#observe}). Each scan a few bound pods finish (a new object with a new
 * resourceVersion, as the informer hands it) and new ones start in their place. A benchmark that prints figures, not
 * a test; CPU time of the measuring thread, so it holds on a busy machine (see {@code scaler/BENCHMARKS.md}):
 * {@code java -Xmx2g -cp <test classpath> io.joblane.scaler.kube.KubeScanCpuTime [nodes] [podsPerNode] [scans]
 * [changesPerScan]}. The check line lets two builds be compared for the same output.
 */
public final class KubeScanCpuTime {
    private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");

    private final Random rnd = new Random(7);
    private int version;

    private KubeScanCpuTime() {}

    public static void main(String[] args) {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int perNode = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int scans = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int changes = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        new KubeScanCpuTime().run(nodes, perNode, scans, changes);
    }

    private Pod pod(int i, String node, boolean done) {
        Pod p = KubeFixtures.jobPod("ml", "p" + i, "batch", node, "1");
        p.getMetadata().setUid("uid-" + i);
        p.getMetadata().setResourceVersion(Integer.toString(++version));
        p.getMetadata().getLabels().put(WellKnown.FAMILY_LABEL, "f" + rnd.nextInt(100));
        p.getStatus().setStartTime(START.plusSeconds(rnd.nextInt(3600)).toString());
        return done
                ? KubeFixtures.succeeded(
                        p, START.plusSeconds(3600 + rnd.nextInt(3600)).toString())
                : p;
    }

    private void run(int nodeCount, int perNode, int scans, int changesPerScan) {
        JoblaneConfig config = ModelTranslatorTest.config();
        List<Node> nodes = new ArrayList<>();
        List<LaneNode> laneNodes = new ArrayList<>();
        List<Pod> store = new ArrayList<>();
        int next = 0;
        for (int n = 0; n < nodeCount; n++) {
            Node node = KubeFixtures.node("n" + n, "batch", "i-" + n);
            node.getMetadata().setUid("node-uid-" + n);
            node.getMetadata().setResourceVersion(Integer.toString(n)); // as the API server sets it
            nodes.add(node);
            laneNodes.add(new LaneNode("n" + n, null));
            for (int k = 0; k < perNode; k++) {
                store.add(pod(next++, "n" + n, false));
            }
        }
        int bound = nodeCount * perNode;
        for (int k = 0; k < bound / 4; k++) {
            store.add(pod(next++, "n" + rnd.nextInt(nodeCount), true));
        }
        ModelTranslator translator = new ModelTranslator();
        RunTimeLearner learner = new RunTimeLearner(new FamilyHistory());
        LanePodsByNode lanePods = new LanePodsByNode(KubeLanes::lanePod);
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long[] cpu = new long[3];
        long[] bytes = new long[3];
        long check = 0;
        long learnt = 0;
        int warmup = scans / 5;
        for (int s = 0; s < scans; s++) {
            store = nextScan(store, bound, changesPerScan, next);
            next += changesPerScan;
            long a0 = bean.getThreadAllocatedBytes(tid);
            long t0 = bean.getCurrentThreadCpuTime();
            ModelTranslator.Scan scan = translator.translate(nodes, store, List.of(), List.of(), config);
            long t1 = bean.getCurrentThreadCpuTime();
            long a1 = bean.getThreadAllocatedBytes(tid);
            LanePods grouped = lanePods.group(laneNodes, store);
            long t2 = bean.getCurrentThreadCpuTime();
            long a2 = bean.getThreadAllocatedBytes(tid);
            learnt += learner.observe(grouped.others());
            long t3 = bean.getCurrentThreadCpuTime();
            long a3 = bean.getThreadAllocatedBytes(tid);
            if (s >= warmup) {
                cpu[0] += t1 - t0;
                cpu[1] += t2 - t1;
                cpu[2] += t3 - t2;
                bytes[0] += a1 - a0;
                bytes[1] += a2 - a1;
                bytes[2] += a3 - a2;
            }
            check = check * 31 + scan.pods().size() * 7L + grouped.others().size();
        }
        int measured = scans - warmup;
        System.out.printf(
                "%d nodes, %d bound and ~%d finished pods, %d scans (%d measured), %d pods finishing per scan%n",
                nodeCount, bound, bound / 4, scans, measured, changesPerScan);
        String[] names = {"ModelTranslator.translate", "LanePodsByNode.group", "RunTimeLearner.observe"};
        for (int i = 0; i < names.length; i++) {
            System.out.printf(
                    "%-26s %8.2f ms CPU per scan, %7.2f MB allocated per scan%n",
                    names[i], cpu[i] / 1e6 / measured, bytes[i] / 1e6 / measured);
        }
        System.out.printf("check: %d, runs learnt %d%n", check, learnt);
    }

    /** The cache at the next scan: {@code changes} bound pods finish and new ones start on their nodes. */
    private List<Pod> nextScan(List<Pod> store, int bound, int changes, int next) {
        List<Pod> now = new ArrayList<>(store);
        for (int c = 0; c < changes; c++) {
            int i = rnd.nextInt(bound);
            Pod old = now.get(i);
            Pod done = pod(
                    Integer.parseInt(old.getMetadata().getName().substring(1)),
                    old.getSpec().getNodeName(),
                    true);
            done.getMetadata().setUid(old.getMetadata().getUid());
            done.getMetadata().setLabels(old.getMetadata().getLabels());
            done.getStatus().setStartTime(old.getStatus().getStartTime());
            now.set(i, pod(next + c, old.getSpec().getNodeName(), false));
            now.add(done);
        }
        if (now.size() > bound * 2) { // finished pods garbage-collected, as the Job controller's TTL would
            List<Pod> kept = new ArrayList<>(now.subList(0, bound));
            kept.addAll(now.subList(now.size() - bound / 4, now.size()));
            now = kept;
        }
        return now;
    }
}
