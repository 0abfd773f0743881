package io.joblane.scaler.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The pods holding one node (pending-bound, running, terminating; DaemonSet pods excluded) and what the planner
 * derives from those pods alone: whether one blocks scale-in, their summed requests, the drain order's keys. A
 * {@link SnapshotIndex} keeps a node's load from the last scan while its pods are the very same objects in the same
 * order, so these are computed when a node's pods change, not at every scan. Collected pod by pod while the index is
 * built ({@link #add}, {@link #finish}), immutable afterwards but for the memoised values, each a pure function of the
 * pods (and of the allocatable it is asked with); loop thread only.
 */
final class NodeLoad {
    static final NodeLoad NONE = new NodeLoad(null);
    /** How many of the last requests listed a new one is compared with: a node of distinct objects stays linear. */
    private static final int DISTINCT_CHECKED = 8;

    /** Null while the pods added are the first {@link #matched} of {@link #before}'s (nothing copied). */
    private List<PodInfo> pods;

    private boolean blocking;
    /** While collecting: the node's load in the last scan's index, or null. */
    private NodeLoad before;

    private int matched;
    private boolean finished;
    private Resources requested;
    private List<PodInfo> blockingPods;
    /** The requests objects of {@link #blockingPods}, repeats mostly dropped ({@link #blockingRequests}). */
    private Resources[] blockingRequests;

    private List<PodInfo> antiAffinityPods;
    private int jobPods;
    private Instant oldestStart;
    private Resources shareOf;
    private double share;
    /** Of the pods handed node by node, those {@link SnapshotIndex#jobPods} counts, and their one group (or null). */
    private List<PodInfo> jobPodsHanded = List.of();

    private String jobPodsGroup;
    /** The latest creation among {@link #jobPodsHanded} (null when none has one): older loads add no arrival. */
    private Instant latestJobCreated;
    /** {@link #freeShare}'s last arguments and answer: the cost rule asks it of every busy node at every pass. */
    private Resources freeOf;

    private Resources freeOverhead;
    private Resources freeUsable;
    private double free;
    /** {@link #vector}'s layout (kept one object per value by the index) and answer. */
    private String[] vectorOf;

    private long[] vector;

    /** Starts collecting a node's pods; {@code before}: its load in the last scan's index, or null. */
    NodeLoad(NodeLoad before) {
        this.before = before;
        if (before == null) {
            pods = new ArrayList<>(4);
        }
    }

    /** Adds the next pod bound to the node. */
    void add(PodInfo pod) {
        if (finished) {
            throw new IllegalStateException(
                    "pod " + pod.key() + " is bound to a node whose pods were handed node by node");
        }
        blocking |= pod.blocksScaleIn();
        if (pods == null) {
            List<PodInfo> old = before.pods;
            if (matched < old.size() && old.get(matched) == pod) {
                matched++;
                return;
            }
            pods = new ArrayList<>(Math.max(4, matched + 1));
            for (int i = 0; i < matched; i++) {
                pods.add(old.get(i));
            }
        }
        pods.add(pod);
    }

    /**
     * The load once every pod was added: the last scan's when they were exactly its pods, else this one. Finishing a
     * finished load returns it; adding to one is refused.
     */
    NodeLoad finish() {
        NodeLoad kept = before;
        before = null; // an old load is not kept a scan longer
        if (pods == null) {
            if (matched == kept.pods.size()) {
                return kept; // finished already
            }
            pods = new ArrayList<>(kept.pods.subList(0, matched));
        }
        finished = true; // idempotent from here
        return this;
    }

    List<PodInfo> pods() {
        return pods == null ? List.of() : pods;
    }

    /** Whether a pod that blocks scale-in holds the node. */
    boolean blocking() {
        return blocking;
    }

    /** Keeps the Job pods of the handed list this load was built from, for the scans that hand it again. */
    void keepJobPods(List<PodInfo> jobs) {
        String group = jobs.isEmpty() ? null : jobs.get(0).group();
        for (PodInfo p : jobs) {
            if (!p.group().equals(group)) {
                group = null; // several groups: added one by one
                break;
            }
        }
        Instant latest = null;
        for (PodInfo p : jobs) {
            latest = p.created() != null && (latest == null || p.created().isAfter(latest)) ? p.created() : latest;
        }
        jobPodsHanded = jobs;
        jobPodsGroup = group;
        latestJobCreated = latest;
    }

    /** The latest creation among {@link #jobPodsHanded}, null when none has one. */
    Instant latestJobCreated() {
        return latestJobCreated;
    }

    List<PodInfo> jobPodsHanded() {
        return jobPodsHanded;
    }

    String jobPodsGroup() {
        return jobPodsGroup;
    }

    /** The pods' requests summed (their pod slots are {@code pods().size()}). */
    Resources requested() {
        if (requested == null) {
            requested = Resources.sumOfRequests(pods());
        }
        return requested;
    }

    /**
     * {@link IdleNodeRule#freeShare} of this load on a node with {@code allocatable}: the last answer while the
     * arguments are equal (the load's requests and pod count are fixed).
     */
    double freeShare(Resources allocatable, Resources overhead, Resources usable) {
        if (freeOf == null
                || !same(freeOf, allocatable)
                || !same(freeOverhead, overhead)
                || !same(freeUsable, usable)) {
            free = IdleNodeRule.freeShare(allocatable, overhead, requested(), pods().size(), usable);
            freeOf = allocatable;
            freeOverhead = overhead;
            freeUsable = usable;
        }
        return free;
    }

    private static boolean same(Resources a, Resources b) {
        return a == b || a.equals(b);
    }

    /**
     * The load as a vector of {@code dims} ({@link Dimensions#loadVector}), memoised while the layout is the same
     * object: the fit tree subtracts it from every busy node's room at every pass. Never asked of {@link #NONE} (shared
     * by every loop; nothing to subtract).
     */
    long[] vector(Dimensions dims, String[] layout) {
        if (vectorOf != layout) {
            vector = dims.loadVector(this);
            vectorOf = layout;
        }
        return vector;
    }

    /** The pods that block scale-in: those the drain order would have to move. */
    List<PodInfo> blockingPods() {
        if (blockingPods == null) {
            List<PodInfo> out = new ArrayList<>(pods().size());
            for (PodInfo p : pods()) {
                if (p.blocksScaleIn()) {
                    out.add(p);
                }
            }
            blockingPods = List.copyOf(out);
            jobPods = jobPods(blockingPods);
            oldestStart = oldestStart(blockingPods);
        }
        return blockingPods;
    }

    /**
     * The requests objects of the blocking pods, each at least once, in the order first met: a repeat is dropped when
     * it is the same object as one of the last {@link #DISTINCT_CHECKED} listed (harmless otherwise: the drain choice
     * answers by value, one map lookup). The choice asks whether each fits somewhere, so it reads none of the pods at
     * each pass; in the simulator a node's pods share one or two objects, the kube adapter makes one per pod. Not to be
     * written.
     */
    Resources[] blockingRequests() {
        if (blockingRequests == null) {
            List<PodInfo> blockers = blockingPods();
            Resources[] out = new Resources[Math.min(blockers.size(), 4)];
            int count = 0;
            for (PodInfo p : blockers) {
                Resources r = p.requests();
                if (!listed(out, count, r)) {
                    out = count == out.length ? Arrays.copyOf(out, 2 * count) : out;
                    out[count++] = r;
                }
            }
            blockingRequests = count == out.length ? out : Arrays.copyOf(out, count);
        }
        return blockingRequests;
    }

    /** Whether {@code r} is among the last (at most {@link #DISTINCT_CHECKED}) of the first {@code count} listed. */
    private static boolean listed(Resources[] out, int count, Resources r) {
        for (int i = Math.max(0, count - DISTINCT_CHECKED); i < count; i++) {
            if (out[i] == r) {
                return true;
            }
        }
        return false;
    }

    /** The pods with required pod anti-affinity (usually none): their terms keep matching pods out of their domain. */
    List<PodInfo> antiAffinityPods() {
        if (antiAffinityPods == null) {
            List<PodInfo> out = List.of();
            for (PodInfo p : pods()) {
                if (!p.constraints().antiAffinity().isEmpty()) {
                    out = out.isEmpty() ? new ArrayList<>(2) : out;
                    out.add(p);
                }
            }
            antiAffinityPods = out.isEmpty() ? out : List.copyOf(out);
        }
        return antiAffinityPods;
    }

    /** The Job pods among {@link #blockingPods}. */
    int jobPods() {
        blockingPods();
        return jobPods;
    }

    /** The earliest start (else creation) of the blocking Job pods, EPOCH when none. */
    Instant oldestStart() {
        blockingPods();
        return oldestStart;
    }

    /** The largest share of {@code allocatable} (pod slots aside) the blocking pods request. */
    double share(Resources allocatable) {
        if (shareOf == null || shareOf != allocatable && !shareOf.equals(allocatable)) {
            share = share(allocatable, blockingPods());
            shareOf = allocatable;
        }
        return share;
    }

    private static int jobPods(List<PodInfo> pods) {
        int n = 0;
        for (PodInfo p : pods) {
            n += p.jobPod() ? 1 : 0;
        }
        return n;
    }

    private static Instant oldestStart(List<PodInfo> pods) {
        Instant oldest = null;
        for (PodInfo p : pods) {
            if (p.jobPod()) {
                Instant start = p.started() != null ? p.started() : p.created() != null ? p.created() : Instant.EPOCH;
                oldest = oldest == null || start.isBefore(oldest) ? start : oldest;
            }
        }
        return oldest == null ? Instant.EPOCH : oldest;
    }

    private static double share(Resources alloc, List<PodInfo> pods) {
        double max = 0;
        for (int i = 0; i < alloc.size(); i++) {
            long used = 0;
            for (PodInfo p : pods) {
                used += p.requests().get(alloc.nameAt(i));
            }
            if (alloc.millisAt(i) > 0 && !alloc.nameAt(i).equals(Dimensions.PODS)) {
                max = Math.max(max, (double) used / alloc.millisAt(i));
            }
        }
        return max;
    }
}
