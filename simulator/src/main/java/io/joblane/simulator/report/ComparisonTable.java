package io.joblane.simulator.report;

import io.joblane.model.Quantity;
import io.joblane.simulator.Simulator;
import io.joblane.simulator.cluster.NodeShape;
import java.util.Locale;

/** Formats a {@link Simulator.Comparison} as the plain-text table {@code simulate} prints on stdout. */
public final class ComparisonTable {
    private ComparisonTable() {
    }

    public static String format(Simulator.Comparison c, double pricePerNodeHour) {
        StringBuilder out = new StringBuilder();
        NodeShape s = c.shape();
        out.append(String.format(Locale.ROOT, "trace: %s, %d jobs", c.trace(), c.jobs()));
        if (c.jobsNeverFit() > 0) {
            out.append(String.format(Locale.ROOT, " (%d more never fit a node and were left out%s)", c.jobsNeverFit(),
                    c.firstNeverFitLine() > 0 ? ", the first at line " + c.firstNeverFitLine() : ""));
        }
        if (c.badLines() > 0) {
            out.append(String.format(Locale.ROOT, ", %d bad lines skipped (first: %s)", c.badLines(), c.firstBadLine()));
        }
        if (c.skippedRows() > 0) {
            out.append(String.format(Locale.ROOT, ", %d rows skipped by rule", c.skippedRows()));
        }
        out.append('\n');
        out.append(String.format(Locale.ROOT, "node: %s cpu, %s memory, %d gpu, %d pods; DaemonSets take %s cpu, %s memory%n",
                Quantity.format(s.cpuMillis(), "cpu"),
                Quantity.format(s.memoryMillis(), "memory"), s.gpus(), s.pods(),
                Quantity.format(s.daemonSetCpuMillis(), "cpu"),
                Quantity.format(s.daemonSetMemoryMillis(), "memory")));
        out.append("settings: ").append(c.settings()).append('\n');
        out.append(String.format(Locale.ROOT, "lower bound: %.1f node-hours (requested resource-time / usable node capacity, binding resource)%n%n",
                c.lowerBoundNodeHours()));
        String[] head = {"policy", "node-hours", "x bound", "cost", "util", "started", "interrupted", "lost h",
            "wait p50", "wait p95", "wait max", "actions", "peak nodes"};
        String[][] rows = new String[c.results().size()][];
        for (int i = 0; i < rows.length; i++) {
            PolicyResult r = c.results().get(i);
            rows[i] = new String[] {
                r.policy() + (r.staticNodes() > 0 ? " (" + r.staticNodes() + ")" : ""),
                String.format(Locale.ROOT, "%.1f", r.nodeHours()),
                String.format(Locale.ROOT, "%.2f", r.ratioToLowerBound()),
                String.format(Locale.ROOT, "%.2f", r.cost()),
                String.format(Locale.ROOT, "%.0f%%", 100 * r.meanUtilization()),
                r.jobsStarted() + "/" + r.jobs(),
                Long.toString(r.jobsInterrupted()),
                String.format(Locale.ROOT, "%.1f", r.lostComputeHours()),
                duration(r.waitSecondsP50()),
                duration(r.waitSecondsP95()),
                duration(r.waitSecondsMax()),
                Long.toString(r.scaleActions()),
                Integer.toString(r.peakNodes())};
        }
        int[] width = new int[head.length];
        for (int j = 0; j < head.length; j++) {
            width[j] = head[j].length();
            for (String[] row : rows) {
                width[j] = Math.max(width[j], row[j].length());
            }
        }
        appendRow(out, head, width);
        for (String[] row : rows) {
            appendRow(out, row, width);
        }
        out.append(String.format(Locale.ROOT, "%ncost at %.4f per node-hour; util = requested share of the binding resource"
                + " over node time; wait = time a Job spent pending (submit to start, plus again after an eviction)%n",
                pricePerNodeHour));
        return out.toString();
    }

    private static void appendRow(StringBuilder out, String[] cells, int[] width) {
        for (int j = 0; j < cells.length; j++) {
            if (j == 0) {
                out.append(String.format("%-" + width[j] + "s", cells[j]));
            } else {
                out.append("  ").append(String.format("%" + width[j] + "s", cells[j]));
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
