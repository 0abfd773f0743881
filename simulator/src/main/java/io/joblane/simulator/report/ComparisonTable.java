package io.joblane.simulator.report;

import io.joblane.model.Quantity;
import io.joblane.simulator.GroupedSimulator;
import io.joblane.simulator.Simulator;
import io.joblane.simulator.cluster.NodeShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Formats a {@link Simulator.Comparison} as the plain-text table {@code simulate} prints on stdout. */
public final class ComparisonTable {
    private ComparisonTable() {}

    public static String format(Simulator.Comparison c, double pricePerNodeHour) {
        return format(c, String.format(Locale.ROOT, "cost at %.4f per node-hour", pricePerNodeHour));
    }

    /**
     * Several groups: each group's table under its name, then the total over the groups and what routing left out.
     */
    public static String format(GroupedSimulator.Outcome o) {
        StringBuilder out = new StringBuilder();
        for (GroupedSimulator.GroupComparison g : o.groups()) {
            out.append("== node group ")
                    .append(g.name())
                    .append('\n')
                    .append(format(g.comparison(), g.pricePerNodeHour()))
                    .append('\n');
        }
        out.append("== all groups\n");
        if (o.jobsRefused() > 0) {
            out.append(String.format(
                    Locale.ROOT,
                    "routing: %d jobs name a node group that is not configured (the "
                            + "webhook refuses their pods; the first at line %d)%n",
                    o.jobsRefused(),
                    o.firstRefusedLine()));
        }
        if (o.jobsOutside() > 0) {
            out.append(String.format(
                    Locale.ROOT,
                    "routing: %d jobs go to groups not simulated %s%n",
                    o.jobsOutside(),
                    o.jobsOutsideByGroup()));
        }
        return out.append(format(o.total(), "cost at each group's price")).toString();
    }

    /** The table with its own note on how cost was billed (several node types: each at its price). */
    public static String format(Simulator.Comparison c, String costNote) {
        StringBuilder out = new StringBuilder();
        appendTrace(out, c);
        PolicyResult clairvoyant = null;
        for (PolicyResult r : c.results()) {
            if (Simulator.CLAIRVOYANT.equals(r.policy())) {
                clairvoyant = r;
            }
        }
        boolean spreads = !c.spreads().isEmpty();
        boolean spot = c.results().stream().anyMatch(r -> r.spotNodesTaken() > 0);
        List<String> head = header(spreads, clairvoyant != null);
        List<List<String>> rows = new ArrayList<>();
        for (PolicyResult r : c.results()) {
            rows.add(row(r, c.spreads().get(r.policy()), spreads, clairvoyant));
        }
        if (spot) {
            // After "lost h": Jobs the cloud killed with their Spot node, never counted as interrupted by the policy.
            int at = head.indexOf("lost h") + 1;
            head.add(at, "lost to Spot");
            for (int i = 0; i < rows.size(); i++) {
                rows.get(i).add(at, Long.toString(c.results().get(i).jobsLostToSpot()));
            }
        }
        int[] width = new int[head.size()];
        for (int j = 0; j < width.length; j++) {
            width[j] = head.get(j).length();
            for (List<String> row : rows) {
                width[j] = Math.max(width[j], row.get(j).length());
            }
        }
        appendRow(out, head, width);
        for (List<String> row : rows) {
            appendRow(out, row, width);
        }
        out.append(String.format(
                Locale.ROOT,
                "%n%s; util = requested share of the binding resource"
                        + " over node time; wait = time a Job spent pending (submit to start, plus again after an eviction)%s%n",
                costNote,
                (spreads ? "; min-max = range over the seeds, interrupted = the most over the seeds" : "")
                        + (spot
                                ? "; interrupted = Jobs the autoscaler killed, lost to Spot = Jobs killed when the cloud"
                                        + " took their Spot node"
                                : "")));
        return out.toString();
    }

    private static void appendTrace(StringBuilder out, Simulator.Comparison c) {
        NodeShape s = c.shape();
        out.append(String.format(Locale.ROOT, "trace: %s, %d jobs", c.trace(), c.jobs()));
        if (c.jobsNeverFit() > 0) {
            out.append(String.format(
                    Locale.ROOT,
                    " (%d more never fit a node and were left out%s)",
                    c.jobsNeverFit(),
                    c.firstNeverFitLine() > 0 ? ", the first at line " + c.firstNeverFitLine() : ""));
        }
        if (c.badLines() > 0) {
            out.append(
                    String.format(Locale.ROOT, ", %d bad lines skipped (first: %s)", c.badLines(), c.firstBadLine()));
        }
        if (c.skippedRows() > 0) {
            out.append(String.format(Locale.ROOT, ", %d rows skipped by rule", c.skippedRows()));
        }
        out.append('\n');
        if (s != null) {
            out.append(String.format(
                    Locale.ROOT,
                    "node: %s cpu, %s memory, %d gpu, %d pods; DaemonSets take %s cpu, %s memory%n",
                    Quantity.format(s.cpuMillis(), "cpu"),
                    Quantity.format(s.memoryMillis(), "memory"),
                    s.gpus(),
                    s.pods(),
                    Quantity.format(s.daemonSetCpuMillis(), "cpu"),
                    Quantity.format(s.daemonSetMemoryMillis(), "memory")));
        }
        out.append("settings: ").append(c.settings()).append('\n');
        out.append(String.format(
                Locale.ROOT,
                "lower bound: %.1f node-hours (requested resource-time / usable node capacity, binding resource)%n%n",
                c.lowerBoundNodeHours()));
    }

    private static List<String> header(boolean spreads, boolean clairvoyant) {
        List<String> head = new ArrayList<>(List.of("policy", "node-hours"));
        if (spreads) {
            head.add("min-max");
        }
        if (clairvoyant) {
            head.add("x clairv.");
        }
        head.addAll(List.of("x bound", "cost", "util", "started", "interrupted", "lost h", "wait p50", "wait p95"));
        if (spreads) {
            head.add("p95 min-max");
        }
        head.addAll(List.of("wait max", "actions", "peak nodes"));
        return head;
    }

    private static List<String> row(PolicyResult r, Simulator.Spread sp, boolean spreads, PolicyResult clairvoyant) {
        List<String> row = new ArrayList<>();
        row.add(r.policy() + (r.staticNodes() > 0 ? " (" + r.staticNodes() + ")" : ""));
        row.add(String.format(Locale.ROOT, "%.1f", r.nodeHours()));
        if (spreads) {
            row.add(sp == null ? "" : String.format(Locale.ROOT, "%.1f-%.1f", sp.nodeHoursMin(), sp.nodeHoursMax()));
        }
        if (clairvoyant != null) {
            row.add(
                    clairvoyant.nodeHours() <= 0
                            ? ""
                            : String.format(Locale.ROOT, "%.2f", r.nodeHours() / clairvoyant.nodeHours()));
        }
        row.addAll(List.of(
                String.format(Locale.ROOT, "%.2f", r.ratioToLowerBound()),
                String.format(Locale.ROOT, "%.2f", r.cost()),
                String.format(Locale.ROOT, "%.0f%%", 100 * r.meanUtilization()),
                r.jobsStarted() + "/" + r.jobs(),
                Long.toString(
                        sp == null ? r.jobsInterrupted() : Math.max(r.jobsInterrupted(), sp.jobsInterruptedMax())),
                String.format(Locale.ROOT, "%.1f", r.lostComputeHours()),
                duration(r.waitSecondsP50()),
                duration(r.waitSecondsP95())));
        if (spreads) {
            row.add(sp == null ? "" : duration(sp.waitP95Min()) + "-" + duration(sp.waitP95Max()));
        }
        row.addAll(List.of(
                duration(r.waitSecondsMax()), Long.toString(r.scaleActions()), Integer.toString(r.peakNodes())));
        return row;
    }

    private static void appendRow(StringBuilder out, List<String> cells, int[] width) {
        for (int j = 0; j < cells.size(); j++) {
            if (j == 0) {
                out.append(String.format("%-" + width[j] + "s", cells.get(j)));
            } else {
                out.append("  ").append(String.format("%" + width[j] + "s", cells.get(j)));
            }
        }
        out.append('\n');
    }

    /** "0s", "45s", "12m30s", "3h05m", "2d04h": short and sortable by eye. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86_400, s % 86_400 / 3600);
    }
}
