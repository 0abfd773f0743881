package io.joblane.simulator.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.joblane.simulator.GroupedSimulator;
import io.joblane.simulator.Simulator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes {@code simulate --json}: the trace's figures and one object per policy under {@code policies}. */
public final class JsonReport {
    private JsonReport() {}

    /** A policy's range over the seeds of {@code --seeds}. */
    private static Map<String, Object> seeds(Simulator.Spread sp) {
        Map<String, Object> seeds = new LinkedHashMap<>();
        seeds.put("count", sp.seeds());
        seeds.put("nodeHoursMin", sp.nodeHoursMin());
        seeds.put("nodeHoursMax", sp.nodeHoursMax());
        seeds.put("waitSecondsP95Min", sp.waitP95Min());
        seeds.put("waitSecondsP95Max", sp.waitP95Max());
        seeds.put("jobsInterruptedMax", sp.jobsInterruptedMax());
        return seeds;
    }

    /** With Spot: the Jobs and work lost when the cloud took Spot nodes, apart from the policy's interruptions. */
    private static void putSpot(Map<String, Object> p, PolicyResult r) {
        p.put("jobsLostToSpot", r.jobsLostToSpot());
        p.put("spotLostComputeHours", r.spotLostComputeHours());
        p.put("spotNodesTaken", r.spotNodesTaken());
    }

    static Map<String, Object> toMap(Simulator.Comparison c, double pricePerNodeHour) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("trace", c.trace());
        root.put("settings", c.settings());
        root.put("jobs", c.jobs());
        root.put("jobsNeverFit", c.jobsNeverFit());
        root.put("badLines", c.badLines());
        if (c.firstBadLine() != null) {
            root.put("firstBadLine", c.firstBadLine());
        }
        root.put("skippedRows", c.skippedRows());
        root.put("lowerBoundNodeHours", c.lowerBoundNodeHours());
        root.put("peakDemandNodes", c.peakDemandNodes());
        if (!Double.isNaN(pricePerNodeHour)) {
            root.put("pricePerNodeHour", pricePerNodeHour);
        }
        Map<String, Object> policies = new LinkedHashMap<>();
        boolean spot = c.results().stream().anyMatch(r -> r.spotNodesTaken() > 0);
        for (PolicyResult r : c.results()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("nodeHours", r.nodeHours());
            p.put("cost", r.cost());
            p.put("lowerBoundNodeHours", r.lowerBoundNodeHours());
            p.put("ratioToLowerBound", r.ratioToLowerBound());
            p.put("meanUtilization", r.meanUtilization());
            p.put("jobs", r.jobs());
            p.put("jobsStarted", r.jobsStarted());
            p.put("jobsInterrupted", r.jobsInterrupted());
            p.put("interruptions", r.interruptions());
            p.put("lostComputeHours", r.lostComputeHours());
            if (spot) {
                putSpot(p, r);
            }
            p.put("waitSecondsP50", r.waitSecondsP50());
            p.put("waitSecondsP95", r.waitSecondsP95());
            p.put("waitSecondsMax", r.waitSecondsMax());
            p.put("scaleActions", r.scaleActions());
            p.put("peakNodes", r.peakNodes());
            if (r.staticNodes() > 0) {
                p.put("staticNodes", r.staticNodes());
            }
            p.put("podsOnRemovedNodes", r.podsOnRemovedNodes());
            p.put("makespanHours", r.makespanHours());
            Simulator.Spread sp = c.spreads().get(r.policy());
            if (sp != null) {
                p.put("seeds", seeds(sp));
            }
            policies.put(r.policy(), p);
        }
        root.put("policies", policies);
        return root;
    }

    /** Several groups: the total at the top level, each group's figures under {@code groups}, what routing left out. */
    static Map<String, Object> toMap(GroupedSimulator.Outcome o) {
        Map<String, Object> root = toMap(o.total(), Double.NaN);
        root.put("jobsRefused", o.jobsRefused());
        root.put("jobsOutsideSimulatedGroups", o.jobsOutsideByGroup());
        Map<String, Object> groups = new LinkedHashMap<>();
        for (GroupedSimulator.GroupComparison g : o.groups()) {
            groups.put(g.name(), toMap(g.comparison(), g.pricePerNodeHour()));
        }
        root.put("groups", groups);
        return root;
    }

    public static void write(Path file, GroupedSimulator.Outcome o) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toMap(o));
    }

    public static void write(Path file, Simulator.Comparison c, double pricePerNodeHour) throws IOException {
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(file.toFile(), toMap(c, pricePerNodeHour));
    }
}
