package io.joblane.simulator.report;

import io.joblane.model.Quantity;
import io.joblane.simulator.Simulator;
import java.util.List;
import java.util.Locale;

/**
 * Renders {@code simulate --report}: one self-contained HTML page (inline CSS and SVG, no script, no network) with
 * nodes over time per policy against the demand, and the comparison table.
 */
public final class HtmlReport {
    private static final String[] COLOURS = {"#1b7f3b", "#d1495b", "#ee8434", "#3066be", "#6a4c93", "#2b9eb3"};
    private static final int W = 1180;
    private static final int H = 420;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int TOP = 20;
    private static final int BOTTOM = 40;

    private HtmlReport() {}

    public static String render(Simulator.Comparison c, double pricePerNodeHour) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Joblane simulation: ")
                .append(esc(c.trace()))
                .append("</title>\n<style>")
                .append(
                        "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:1240px}")
                .append("h1{font-size:22px;margin:0 0 4px}p.sub{color:#555;margin:0 0 16px}")
                .append("table{border-collapse:collapse;margin-top:16px;font-size:14px}")
                .append("th,td{padding:5px 10px;border-bottom:1px solid #ddd;text-align:right}")
                .append(
                        "th:first-child,td:first-child{text-align:left;white-space:nowrap}td{white-space:nowrap}th{background:#f4f4f4}")
                .append(
                        ".sw{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}")
                .append(".legend{font-size:14px;margin:0 0 6px 60px}.legend>span{margin-right:18px}")
                .append("svg text{font-size:12px;fill:#444}.note{color:#555;font-size:13px;margin-top:12px}")
                .append("</style></head><body>\n");
        h.append("<h1>Joblane simulation</h1><p class=\"sub\">")
                .append(esc(c.trace()))
                .append(" &middot; ")
                .append(c.jobs())
                .append(" Jobs &middot; ")
                .append(nodeText(c))
                .append(String.format(Locale.ROOT, " &middot; lower bound %.1f node-hours", c.lowerBoundNodeHours()))
                .append("<br>")
                .append(esc(c.settings()))
                .append("</p>\n");
        chart(h, c);
        table(h, c, pricePerNodeHour);
        h.append(
                "<p class=\"note\">Node-hours count every node from launch (boot included) to removal or the end of the"
                        + " run. The lower bound is the total requested resource-time divided by one node's usable capacity on the"
                        + " binding resource: no policy can use fewer node-hours. Demand is what the Jobs would request if each"
                        + " started the moment it was submitted, in nodes. Each point of a line is the mean over its time slice"
                        + " (the peak is in the table). Wait is the time a Job spent pending, submit to start plus again after an eviction.</p>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    /** The node shape, or "several node groups" for a total over groups (their shapes are in the settings line). */
    private static String nodeText(Simulator.Comparison c) {
        if (c.shape() == null) {
            return "several node groups";
        }
        return "node " + esc(Quantity.format(c.shape().cpuMillis(), "cpu")) + " cpu / "
                + esc(Quantity.format(c.shape().memoryMillis(), "memory")) + " memory"
                + (c.shape().gpus() > 0 ? " / " + c.shape().gpus() + " gpu" : "");
    }

    private static void chart(StringBuilder h, Simulator.Comparison c) {
        double end = c.demandWidthSeconds() * c.demand().length;
        double yMax = max(c.demand());
        for (PolicyResult r : c.results()) {
            end = Math.max(end, r.seriesWidthSeconds() * r.nodeSeries().length);
            yMax = Math.max(yMax, max(r.nodeSeries()));
        }
        end = Math.max(end, 1);
        yMax = Math.max(5, niceCeil(yMax, new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}));
        boolean days = end > 3 * 86_400;
        double unit = days ? 86_400 : 3600;
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        legendAndFrame(h, c, pw, ph);
        axes(h, end, yMax, unit, days, pw, ph);
        demandAndPolicies(h, c, end, yMax, pw, ph);
        h.append("</svg>\n");
    }

    private static void legendAndFrame(StringBuilder h, Simulator.Comparison c, int pw, int ph) {
        h.append(
                "<div class=\"legend\"><span><span class=\"sw\" style=\"background:#cfcfcf;border:1px solid #9a9a9a\"></span>"
                        + "demand (every Job started on submit)</span>");
        for (int i = 0; i < c.results().size(); i++) {
            h.append("<span><span class=\"sw\" style=\"background:")
                    .append(COLOURS[i % COLOURS.length])
                    .append("\"></span>")
                    .append(esc(c.results().get(i).policy()))
                    .append("</span>");
        }
        h.append("</div>\n");
        h.append("<svg width=\"")
                .append(W)
                .append("\" height=\"")
                .append(H)
                .append("\" viewBox=\"0 0 ")
                .append(W)
                .append(' ')
                .append(H)
                .append("\" role=\"img\" aria-label=\"nodes over time\">\n");
        h.append("<rect x=\"")
                .append(LEFT)
                .append("\" y=\"")
                .append(TOP)
                .append("\" width=\"")
                .append(pw)
                .append("\" height=\"")
                .append(ph)
                .append("\" fill=\"#fbfbfb\" stroke=\"#ccc\"/>\n");
    }

    private static void axes(StringBuilder h, double end, double yMax, double unit, boolean days, int pw, int ph) {
        for (int i = 0; i <= 5; i++) {
            double v = yMax * i / 5;
            double y = TOP + ph - ph * i / 5.0;
            h.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT,
                    LEFT + pw,
                    y,
                    y,
                    LEFT - 6,
                    y + 4,
                    trim(v)));
        }
        double step = niceCeil(end / unit / 10, new double[] {1, 2, 5, 10});
        for (double t = 0; t <= end / unit + 1e-9; t += step) {
            double x = LEFT + pw * (t * unit / end);
            h.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#e4e4e4\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x,
                    x,
                    TOP,
                    TOP + ph,
                    x,
                    TOP + ph + 16,
                    trim(t)));
        }
        h.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time (%s)</text>%n",
                LEFT + pw / 2,
                H - 6,
                days ? "days" : "hours"));
        h.append(String.format(
                Locale.ROOT,
                "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">nodes</text>%n",
                TOP + ph / 2,
                TOP + ph / 2));
    }

    private static void demandAndPolicies(
            StringBuilder h, Simulator.Comparison c, double end, double yMax, int pw, int ph) {
        // Demand as a filled area, policies as step lines on top.
        StringBuilder area = new StringBuilder();
        area.append(String.format(Locale.ROOT, "%.1f,%.1f ", (double) LEFT, (double) TOP + ph));
        points(area, c.demand(), c.demandWidthSeconds(), end, yMax, pw, ph);
        area.append(String.format(
                Locale.ROOT,
                "%.1f,%.1f",
                LEFT + pw * Math.min(1, c.demand().length * c.demandWidthSeconds() / end),
                (double) TOP + ph));
        h.append("<polygon points=\"")
                .append(area)
                .append("\" fill=\"#cfcfcf\" fill-opacity=\"0.7\" stroke=\"#9a9a9a\"/>\n");
        List<PolicyResult> results = c.results();
        for (int i = results.size() - 1; i >= 0; i--) {
            PolicyResult r = results.get(i);
            StringBuilder line = new StringBuilder();
            points(line, r.nodeSeries(), r.seriesWidthSeconds(), end, yMax, pw, ph);
            h.append("<polyline points=\"")
                    .append(line)
                    .append("\" fill=\"none\" stroke=\"")
                    .append(COLOURS[i % COLOURS.length])
                    .append("\" stroke-width=\"1.8\" stroke-linejoin=\"round\"/>\n");
        }
    }

    private static void points(
            StringBuilder out, double[] values, double width, double end, double yMax, int pw, int ph) {
        double prevY = Double.NaN;
        for (int i = 0; i < values.length; i++) {
            double x0 = LEFT + pw * (i * width / end);
            double x1 = LEFT + pw * Math.min(1, (i + 1) * width / end);
            double y = TOP + ph - ph * values[i] / yMax;
            if (y != prevY) {
                out.append(String.format(Locale.ROOT, "%.1f,%.1f ", x0, y));
            }
            if (i == values.length - 1 || values[i + 1] != values[i]) {
                out.append(String.format(Locale.ROOT, "%.1f,%.1f ", x1, y));
            }
            prevY = y;
        }
    }

    private static void table(StringBuilder h, Simulator.Comparison c, double price) {
        boolean spot = c.results().stream().anyMatch(r -> r.spotNodesTaken() > 0);
        h.append(
                "<table><thead><tr><th>policy</th><th>node-hours</th><th>&times; lower bound</th><th>cost</th>"
                        + "<th>mean utilisation</th><th>Jobs started</th><th>Jobs interrupted</th><th>compute-hours lost</th>"
                        + (spot ? "<th>Jobs lost to Spot</th>" : "")
                        + "<th>wait p50</th><th>wait p95</th><th>wait max</th><th>scale actions</th><th>peak nodes</th></tr></thead><tbody>\n");
        List<PolicyResult> results = c.results();
        for (int i = 0; i < results.size(); i++) {
            PolicyResult r = results.get(i);
            h.append("<tr><td><span class=\"sw\" style=\"background:")
                    .append(COLOURS[i % COLOURS.length])
                    .append("\"></span>")
                    .append(esc(r.policy()))
                    .append(r.staticNodes() > 0 ? " (" + r.staticNodes() + " nodes)" : "")
                    .append("</td>")
                    .append(String.format(
                            Locale.ROOT,
                            "<td>%.1f</td><td>%.2f</td><td>%.2f</td><td>%.0f%%</td><td>%d / %d</td>"
                                    + "<td>%d</td><td>%.1f</td>%s<td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%d</td></tr>%n",
                            r.nodeHours(),
                            r.ratioToLowerBound(),
                            r.cost(),
                            100 * r.meanUtilization(),
                            r.jobsStarted(),
                            r.jobs(),
                            r.jobsInterrupted(),
                            r.lostComputeHours(),
                            spot ? "<td>" + r.jobsLostToSpot() + "</td>" : "",
                            ComparisonTable.duration(r.waitSecondsP50()),
                            ComparisonTable.duration(r.waitSecondsP95()),
                            ComparisonTable.duration(r.waitSecondsMax()),
                            r.scaleActions(),
                            r.peakNodes()));
        }
        h.append(
                Double.isNaN(price)
                        ? "</tbody></table><p class=\"note\">Cost at each group's price per node-hour.</p>\n"
                        : String.format(
                                Locale.ROOT,
                                "</tbody></table><p class=\"note\">Cost at %.4f per node-hour.</p>%n",
                                price));
    }

    private static double max(double[] values) {
        double m = 0;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** The smallest of {@code steps} (ascending, ending in 10) times a power of ten at or above {@code v}. */
    static double niceCeil(double v, double[] steps) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : steps) {
            if (m * p >= v - 1e-9) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
