package io.joblane.simulator.cluster;

/** One simulated Job pod: its requests and its run; a restart after eviction starts the run from zero. */
public final class SimPod {
    public final long id;
    public final long cpu;
    public final long memory;
    public final long gpu;
    final long duration;
    final long submitted;
    /** The Job pod carries {@code safe-to-evict: "false"}: autoscalers that respect it never evict it. */
    public final boolean safeToEvictFalse;

    /** What is known at submit: the deadline (0: none) and the family ("" none); lanes read them. */
    public long deadline;

    public String family = "";
    /** The preferred lane term the webhook gave the pod at admission, or null. */
    public io.joblane.model.lanes.LaneTerm lane;
    /** The only zone the pod may run in (its bound volume's), or null for any. */
    public String zone;
    /**
     * The webhook gave the pod the preferred term {@code eks.amazonaws.com/capacityType In [ON_DEMAND]}
     * ({@code spot.preferOnDemandAbove}): the scheduler scores on-demand nodes higher.
     */
    public boolean prefersOnDemand;

    public long pendingSince;
    long waited;
    public long startedAt = -1;
    long firstStartedAt = -1;
    /** Bumped on every start, so a completion event of an evicted run is recognised as stale. */
    public int run;

    int interruptions;
    /** Times the cloud took its Spot node while it ran. */
    int spotLosses;

    public SimNode node;
    /** The loop's view of this pod in its current state, built on demand and dropped on every change. */
    public io.joblane.scaler.plan.PodInfo info;

    public SimPod(long id, long cpu, long memory, long gpu, long duration, long submitted, boolean safeToEvictFalse) {
        this.id = id;
        this.cpu = cpu;
        this.memory = memory;
        this.gpu = gpu;
        this.duration = duration;
        this.submitted = submitted;
        this.safeToEvictFalse = safeToEvictFalse;
        this.pendingSince = submitted;
    }

    /** How long a run of this Job takes once started; only the clairvoyant reference may read it. */
    public long duration() {
        return duration;
    }

    /** When the current run ends, if it runs; Long.MIN_VALUE when not started. */
    public long endsAt() {
        return startedAt < 0 ? Long.MIN_VALUE : startedAt + duration;
    }

    public String name() {
        return "job-" + id;
    }
}
