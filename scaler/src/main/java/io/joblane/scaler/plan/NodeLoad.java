package io.joblane.scaler.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The pods holding one node (pending-bound, running, terminating; DaemonSet pods excluded) and what the planner
 * derives from those pods alone: whether one blocks scale-in, their summed requests, the drain order's keys. A
 * {@link SnapshotIndex} keeps a node's load from the last scan while its pods are the very same objects in the same
 * order, so these are computed when a node's pods change, not at every scan. Immutable but for the memoised values,
 * each a pure function of the pods (and of the allocatable it is asked with); loop thread only.
 */
final class NodeLoad {
    static final NodeLoad NONE = new NodeLoad(List.of(), false);

    private final List<PodInfo> pods;
    private final boolean blocking;
    /** The list the adapter handed for the node, when this load was built from one ({@link #builtFrom}). */
    private Object source;
    /** Of the handed list, the pods {@link SnapshotIndex#jobPods} counts, and their one group (null: several). */
    private List<PodInfo> jobPodsHanded = List.of();

    private String jobPodsGroup;

    private Resources requested;
    private List<PodInfo> blockingPods;
    private int jobPods;
    private Instant oldestStart;
    private Resources shareOf;
    private double share;

    private NodeLoad(List<PodInfo> pods, boolean blocking) {
        this.pods = pods;
        this.blocking = blocking;
    }

    List<PodInfo> pods() {
        return pods;
    }

    /**
     * Whether this load was built from exactly this list object, which an adapter hands again only while the node's
     * pods are unchanged ({@link ClusterSnapshot#podsOfNodes}).
     */
    boolean builtFrom(List<PodInfo> handed) {
        return source == handed;
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
        jobPodsHanded = jobs;
        jobPodsGroup = group;
    }

    List<PodInfo> jobPodsHanded() {
        return jobPodsHanded;
    }

    String jobPodsGroup() {
        return jobPodsGroup;
    }

    /** Whether a pod that blocks scale-in holds the node. */
    boolean blocking() {
        return blocking;
    }

    /** The pods' requests summed (their pod slots are {@code pods().size()}). */
    Resources requested() {
        if (requested == null) {
            requested = Resources.sumOfRequests(pods);
        }
        return requested;
    }

    /** The pods that block scale-in: those the drain order would have to move. */
    List<PodInfo> blockingPods() {
        if (blockingPods == null) {
            List<PodInfo> out = new ArrayList<>(pods.size());
            for (PodInfo p : pods) {
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

    /**
     * Collects one node's pods in snapshot order; while they are the previous load's pods one by one (by identity),
     * nothing is copied, and the previous load itself is the result when all of them, and only them, came again.
     * Holds the result once {@link #build} ran.
     */
    static final class Builder {
        private NodeLoad before;
        /** Null while the pods added are the first {@link #matched} of {@link #before}'s. */
        private List<PodInfo> pods;

        private int matched;
        private boolean blocking;
        private NodeLoad built;
        /** The adapter's list for the node, or null. */
        private List<PodInfo> handed;

        /** {@code previous}: the node's builder in the last scan's index, or null. */
        Builder(Builder previous) {
            this.before = previous == null ? null : previous.built;
            if (before == null) {
                pods = new ArrayList<>(4);
            }
        }

        /** For the pods the adapter handed as {@code handed}: the load built remembers that list. */
        Builder(Builder previous, List<PodInfo> handed) {
            this(previous);
            this.handed = handed;
        }

        /** A builder whose load is already known: the kept one. */
        static Builder of(NodeLoad kept) {
            Builder b = new Builder(null);
            b.pods = null;
            b.built = kept;
            return b;
        }

        void add(PodInfo pod) {
            if (built != null) {
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

        void build() {
            if (built != null) {
                return;
            }
            if (pods == null && matched == before.pods.size()) {
                built = before;
                before = null;
                built.source = handed; // the same pods: the list they now come in stands for them
                return;
            }
            if (pods == null) {
                pods = new ArrayList<>(before.pods.subList(0, matched));
            }
            built = new NodeLoad(pods, blocking);
            built.source = handed;
            pods = null;
            before = null; // an old load is not kept a scan longer
        }

        /** The load, once built. */
        NodeLoad load() {
            return built;
        }
    }
}
