package io.joblane.scaler.sim;

/** One simulated Job pod: its requests and its run; a restart after eviction starts the run from zero. */
final class SimPod {
    final long id;
    final long cpu;
    final long memory;
    final long gpu;
    final long duration;
    final long submitted;
    /** The Job pod carries {@code safe-to-evict: "false"}: autoscalers that respect it never evict it. */
    final boolean safeToEvictFalse;

    long pendingSince;
    long waited;
    long startedAt = -1;
    long firstStartedAt = -1;
    /** Bumped on every start, so a completion event of an evicted run is recognised as stale. */
    int run;
    int interruptions;
    SimNode node;
    /** The loop's view of this pod in its current state, built on demand and dropped on every change. */
    io.joblane.scaler.plan.PodInfo info;

    SimPod(long id, long cpu, long memory, long gpu, long duration, long submitted, boolean safeToEvictFalse) {
        this.id = id;
        this.cpu = cpu;
        this.memory = memory;
        this.gpu = gpu;
        this.duration = duration;
        this.submitted = submitted;
        this.safeToEvictFalse = safeToEvictFalse;
        this.pendingSince = submitted;
    }

    String name() {
        return "job-" + id;
    }
}
