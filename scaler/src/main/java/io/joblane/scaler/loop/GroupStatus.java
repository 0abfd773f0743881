package io.joblane.scaler.loop;

import java.time.Instant;
import java.util.List;

/**
 * One group's state after a scan, for gauges and the human-readable status ConfigMap.
 *
 * @param described     false when the group was skipped this scan (cloud error, unknown group): figures are stale or 0
 * @param registered    nodes of the group known to the cluster
 * @param launching     capacity on its way (booting nodes, Pending instances, desired above instances)
 * @param lastAction    the last action taken on this group (kept across scans), null before the first
 * @param backoffUntil  set while scale-ups are withheld
 * @param problems      conditions for readiness details and events (cloud errors, AZRebalance, unregistered instances)
 * @param oldestPendingSince creation of the longest-waiting unschedulable pod of the group, null when none waits
 * @param spotNoticed   nodes carrying a Spot notice (fenced, not capacity)
 * @param asgs          for a group over several Auto Scaling groups, each as described this scan; else empty
 */
public record GroupStatus(
        String group,
        boolean described,
        int desired,
        int min,
        int max,
        int registered,
        int readyNodes,
        int launching,
        int draining,
        int cordoned,
        int pendingPods,
        int neverFit,
        String lastAction,
        String lastActionReason,
        Instant lastActionAt,
        Instant backoffUntil,
        List<String> problems,
        Instant oldestPendingSince,
        int spotNoticed,
        List<AsgStatus> asgs) {

    public GroupStatus {
        problems = List.copyOf(problems);
        asgs = asgs == null ? List.of() : List.copyOf(asgs);
    }

    /**
     * One member Auto Scaling group of the group after the scan: its desired size (raised this scan included), its
     * maximum, zones and instances, so a reader can tell which group an instance belongs to.
     */
    public record AsgStatus(String name, int desired, int max, List<String> zones, List<String> instanceIds) {
        public AsgStatus {
            zones = List.copyOf(zones);
            instanceIds = List.copyOf(instanceIds);
        }
    }
}
