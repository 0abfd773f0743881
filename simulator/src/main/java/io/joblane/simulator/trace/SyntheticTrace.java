package io.joblane.simulator.trace;

import io.joblane.model.Quantity;
import io.joblane.model.WellKnown;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded, streamed batch workload: bursts of Jobs (a team's pipeline or sweep fires a few dozen to a few hundred
 * Jobs within minutes) and, for 30% of the Jobs, a steady trickle in between; about 80% short (2-20 min) and 20% long (1-6 h), 0.5-4 cores at 4Gi per core. Long Jobs
 * landing among short ones is what makes spreading schedulers keep nodes alive. Generates the example trace
 * ({@code main}) and the benchmark workload ({@code simulate --synthetic}); memory is one burst at a time.
 */
public final class SyntheticTrace implements TraceSource {
    private static final String[] CPUS = {"500m", "1", "1", "2", "2", "4"};

    private final long jobs;
    private final double days;
    private final long seed;

    public SyntheticTrace(long jobs, double days, long seed) {
        if (jobs < 1 || !(days > 0)) {
            throw new IllegalArgumentException(
                    "a synthetic trace needs at least one job and a positive number of days");
        }
        this.jobs = jobs;
        this.days = days;
        this.seed = seed;
    }

    @Override
    public String describe() {
        return "synthetic: " + jobs + " jobs over " + days + " days, seed " + seed;
    }

    @Override
    public TraceReader open() {
        return new Generator();
    }

    /** Writes the trace as Joblane CSV. Usage: {@code SyntheticTrace JOBS DAYS SEED [FILE]} (stdout without FILE). */
    public static void main(String[] args) throws IOException, TraceFormatException {
        if (args.length < 3) {
            System.err.println("usage: SyntheticTrace JOBS DAYS SEED [FILE]");
            System.exit(2);
        }
        SyntheticTrace trace =
                new SyntheticTrace(Long.parseLong(args[0]), Double.parseDouble(args[1]), Long.parseLong(args[2]));
        try (Writer out = args.length > 3
                ? Files.newBufferedWriter(Path.of(args[3]), StandardCharsets.UTF_8)
                : new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))) {
            trace.write(
                    out,
                    "# " + trace.describe() + " (" + SyntheticTrace.class.getName() + " " + String.join(" ", args)
                            + ")\n");
        }
    }

    void write(Writer out, String comment) throws IOException, TraceFormatException {
        out.write(comment);
        out.write("submit,duration,cpu,memory\n");
        try (TraceReader reader = open()) {
            for (TraceJob j = reader.next(); j != null; j = reader.next()) {
                out.write(j.submitMillis() / 1000 + "," + j.durationMillis() / 1000 + ","
                        + Quantity.format(j.cpuMillis(), WellKnown.RESOURCE_CPU) + ","
                        + Quantity.format(j.memoryMillis(), WellKnown.RESOURCE_MEMORY) + "\n");
            }
        }
    }

    private final class Generator implements TraceReader {
        private final SplittableRandom random = new SplittableRandom(seed);
        private final long spanSeconds = (long) (days * 86_400);
        /** About 30% of the Jobs arrive one by one, all day long, between the bursts. */
        private final long trickleJobs = jobs * 3 / 10;

        private final double trickleGap = (double) spanSeconds / Math.max(1, trickleJobs);
        private final List<TraceJob> burst = new ArrayList<>();
        private int at;
        private long burstJobs;
        private long emitted;
        private long clock;
        private double trickleClock;
        private long trickled;
        private TraceJob nextTrickle;

        @Override
        public TraceJob next() {
            if (emitted >= jobs) {
                return null;
            }
            if (nextTrickle == null && trickled < trickleJobs) {
                trickleClock += -Math.log(1 - random.nextDouble()) * trickleGap;
                nextTrickle = job((long) trickleClock);
                trickled++;
            }
            if (at == burst.size() && burstJobs < jobs - trickleJobs) {
                nextBurst();
            }
            TraceJob fromBurst = at < burst.size() ? burst.get(at) : null;
            TraceJob out;
            if (nextTrickle != null && (fromBurst == null || nextTrickle.submitMillis() < fromBurst.submitMillis())) {
                out = nextTrickle;
                nextTrickle = null;
            } else {
                out = fromBurst;
                at++;
            }
            emitted++;
            return out;
        }

        private void nextBurst() {
            burst.clear();
            at = 0;
            long left = jobs - trickleJobs - burstJobs;
            // Bursts of 20-300 Jobs over 10 minutes; the gaps between them spread the bursts over the span on average.
            int size = (int) Math.min(left, 20 + random.nextInt(281));
            double meanGap = Math.max(0, (double) spanSeconds * 160 / Math.max(1, jobs - trickleJobs) - 600);
            long gap = burstJobs == 0 ? 0 : (long) (-Math.log(1 - random.nextDouble()) * meanGap);
            clock += gap;
            for (int i = 0; i < size; i++) {
                burst.add(job(clock + random.nextInt(600)));
            }
            burstJobs += size;
            burst.sort(Comparator.comparingLong(TraceJob::submitMillis));
            clock = burst.get(burst.size() - 1).submitMillis() / 1000;
        }

        private TraceJob job(long submit) {
            boolean longJob = random.nextInt(5) == 0;
            long duration = longJob ? 3600 + random.nextInt(5 * 3600) : 120 + random.nextInt(18 * 60);
            long cpu = Quantity.toMillis(CPUS[random.nextInt(CPUS.length)]);
            long memory = cpu * 4 * 1024 * 1024 * 1024L;
            return new TraceJob(0, submit * 1000, duration * 1000, cpu, memory, 0, 1, "");
        }

        @Override
        public long badLines() {
            return 0;
        }

        @Override
        public long skippedRows() {
            return 0;
        }

        @Override
        public void close() {
            // Nothing to release.
        }
    }
}
