package io.joblane.scaler.kube;

import io.joblane.scaler.loop.GroupStatus;
import io.joblane.scaler.loop.ScanResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders a scan's result as the status ConfigMap's data: one YAML-shaped text per group, plus {@code scaler} for the
 * installation. Nothing that changes on every scan (no scan time) goes in, so a quiet cluster causes no writes. Pure.
 */
public final class StatusText {
    public static final String SCALER_KEY = "scaler";

    private StatusText() {}

    public static Map<String, String> render(ScanResult result, String leader) {
        Map<String, String> data = new LinkedHashMap<>();
        StringBuilder s = new StringBuilder();
        s.append("leader: ").append(leader).append('\n');
        s.append("dryRun: ").append(result.dryRun()).append('\n');
        problems(s, result.problems());
        data.put(SCALER_KEY, s.toString());
        for (GroupStatus g : result.groups().values()) {
            data.put(g.group(), group(g));
        }
        return data;
    }

    static String group(GroupStatus g) {
        StringBuilder b = new StringBuilder();
        if (!g.described()) {
            b.append("described: false  # skipped this scan, see problems\n");
        } else {
            b.append("desired: ")
                    .append(g.desired())
                    .append("  # min ")
                    .append(g.min())
                    .append(", max ")
                    .append(g.max())
                    .append('\n');
            b.append("ready: ").append(g.readyNodes()).append('\n');
            b.append("registered: ").append(g.registered()).append('\n');
            b.append("launching: ").append(g.launching()).append('\n');
            b.append("draining: ").append(g.draining()).append('\n');
            b.append("cordoned: ").append(g.cordoned()).append('\n');
            b.append("pendingJobPods: ").append(g.pendingPods()).append('\n');
            b.append("podsThatNeverFit: ").append(g.neverFit()).append('\n');
            b.append("spotNoticed: ").append(g.spotNoticed()).append('\n');
        }
        if (g.lastAction() != null) {
            b.append("lastAction: ").append(quote(g.lastAction())).append('\n');
            b.append("lastActionReason: ").append(quote(g.lastActionReason())).append('\n');
            b.append("lastActionAt: ").append(g.lastActionAt()).append('\n');
        }
        if (g.backoffUntil() != null) {
            b.append("scaleUpBackoffUntil: ").append(g.backoffUntil()).append('\n');
        }
        asgs(b, g.asgs());
        problems(b, g.problems());
        return b.toString();
    }

    /** Per member Auto Scaling group: its sizes, zones and instances (which group an instance belongs to). */
    private static void asgs(StringBuilder b, java.util.List<GroupStatus.AsgStatus> asgs) {
        if (asgs.isEmpty()) {
            return;
        }
        b.append("autoScalingGroups:\n");
        for (GroupStatus.AsgStatus a : asgs) {
            b.append("  ")
                    .append(quote(a.name()))
                    .append(": {desired: ")
                    .append(a.desired())
                    .append(", max: ")
                    .append(a.max())
                    .append(", zones: ")
                    .append(a.zones())
                    .append(", instances: ")
                    .append(a.instanceIds())
                    .append("}\n");
        }
    }

    private static void problems(StringBuilder b, java.util.List<String> problems) {
        if (!problems.isEmpty()) {
            b.append("problems:\n");
            problems.forEach(p -> b.append("  - ").append(quote(p)).append('\n'));
        }
    }

    private static String quote(String text) {
        if (text == null) {
            return "\"\"";
        }
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + '"';
    }
}
