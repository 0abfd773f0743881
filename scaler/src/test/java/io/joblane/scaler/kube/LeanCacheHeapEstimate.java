package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PodInfo;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures what the informers keep for a large installation, before and after {@link Lean} trims it: decodes 50,000
 * Job pods and 5,000 nodes from API-server-shaped JSON ({@code src/test/resources/bench}), measures retained heap
 * after GC, trims them as the informer stores do, measures again, and times one snapshot translation
 * ({@link ModelTranslator#podInfo}, {@link ModelTranslator#nodeInfo}). A benchmark that prints figures, not a test:
 * {@code java -Xmx2g -cp <test classpath> io.joblane.scaler.kube.LeanCacheHeapEstimate [pods] [nodes]}.
 */
public final class LeanCacheHeapEstimate {
    private LeanCacheHeapEstimate() {}

    public static void main(String[] args) throws Exception {
        int pods = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        KubernetesSerialization json = new KubernetesSerialization();
        String podTemplate = resource("/bench/job-pod.json");
        String nodeTemplate = resource("/bench/group-node.json");
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();

        long base = settledHeap(mx);
        List<Node> nodeObjects = new ArrayList<>(nodes);
        for (int n = 0; n < nodes; n++) {
            nodeObjects.add(json.unmarshal(fill(nodeTemplate, n, "node"), Node.class));
        }
        List<Pod> podObjects = new ArrayList<>(pods);
        for (int p = 0; p < pods; p++) {
            String text = fill(podTemplate, p, "job-" + p / 4)
                    .replace("@NODE@", "ip-10-0-" + p % nodes + ".ec2.internal")
                    .replace("@NS@", "team-" + p % 40);
            podObjects.add(json.unmarshal(text, Pod.class));
        }
        long full = settledHeap(mx) - base;

        long trimStart = System.nanoTime();
        nodeObjects.replaceAll(Lean::node);
        podObjects.replaceAll(Lean::pod);
        long trimNanos = System.nanoTime() - trimStart;
        long lean = settledHeap(mx) - base;

        long best = Long.MAX_VALUE;
        List<PodInfo> podInfos = null;
        List<NodeInfo> nodeInfos = null;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            podInfos = new ArrayList<>(pods);
            for (Pod p : podObjects) {
                podInfos.add(ModelTranslator.podInfo(p));
            }
            nodeInfos = new ArrayList<>(nodes);
            for (Node n : nodeObjects) {
                nodeInfos.add(ModelTranslator.nodeInfo(n));
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        long withSnapshot = settledHeap(mx) - base;

        System.out.printf("informer cache for %,d pods and %,d nodes (retained heap after GC):%n", pods, nodes);
        System.out.printf(
                "  as decoded from the API server: %,7.0f MiB (%.1f KiB per pod, incl. nodes)%n",
                mib(full), full / 1024.0 / pods);
        System.out.printf(
                "  trimmed by Lean (what is kept): %,7.0f MiB (%.1f KiB per pod, incl. nodes)%n",
                mib(lean), lean / 1024.0 / pods);
        System.out.printf("  snapshot model built per scan:  %,7.0f MiB on top%n", mib(withSnapshot - lean));
        System.out.printf(
                "  trimming all items once: %,d ms; full translation of every item (first scan; later scans reuse unchanged pods): %,d ms (best of 5)%n",
                trimNanos / 1_000_000, best / 1_000_000);
        if (podInfos.size() + nodeInfos.size() + podObjects.size() + nodeObjects.size() < 0) {
            System.out.println("keeps everything reachable until the last measurement");
        }
    }

    private static String fill(String template, int i, String job) {
        return template.replace("@JOB@", job)
                .replace("@NAME@", job + "-" + Integer.toHexString(i * 31 + 7))
                .replace("@UID@", "8f14e45f-ceea-467f-" + i)
                .replace("@RV@", String.valueOf(1_000_000 + i))
                .replace("@I@", String.valueOf(i));
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = LeanCacheHeapEstimate.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static double mib(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }

    private static long settledHeap(MemoryMXBean mx) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, mx.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
