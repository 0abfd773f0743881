package io.joblane.simulator.trace;

import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code --zonal-jobs SHARE}: pins each row that names no zone, with probability {@code share}, to one of the zones
 * drawn uniformly, as a Job whose PersistentVolumeClaim is bound to a zonal volume (an EBS volume lives in one zone).
 * The same seed pins the same rows on every pass. Pure apart from reading the source.
 */
public final class ZonalJobs {
    private ZonalJobs() {}

    public static TraceSource of(TraceSource source, double share, List<String> zones, long seed) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("--zonal-jobs must be between 0 and 1, not " + share);
        }
        if (share == 0) {
            return source;
        }
        return new TraceSource() {
            @Override
            public TraceReader open() throws IOException, TraceFormatException {
                TraceReader all = source.open();
                SplittableRandom random = new SplittableRandom(seed);
                return new ForwardingTraceReader(all) {
                    @Override
                    public TraceJob next() throws IOException, TraceFormatException {
                        TraceJob job = all.next();
                        if (job == null || !job.zone().isEmpty()) {
                            return job;
                        }
                        // Two draws per row whatever the outcome, so rows keep their pins when the share changes.
                        double draw = random.nextDouble();
                        String zone = zones.get(random.nextInt(zones.size()));
                        return draw < share ? job.inZone(zone) : job;
                    }
                };
            }

            @Override
            public String describe() {
                return source.describe() + ", " + Math.round(share * 100) + "% of Jobs pinned to one of "
                        + String.join(", ", zones);
            }
        };
    }
}
