package io.joblane.scaler.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@link ScaleLoop#runOnce()} saw and did.
 *
 * @param groups   status per scaled group, in config order
 * @param problems scan-wide problems (e.g. the snapshot failed); empty on a clean scan
 * @param actions  one line per action taken (or that would have been taken in dry-run mode)
 */
public record ScanResult(
        Instant at,
        Duration duration,
        boolean dryRun,
        Map<String, GroupStatus> groups,
        List<String> problems,
        List<String> actions) {
    public ScanResult {
        groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
        problems = List.copyOf(problems);
        actions = List.copyOf(actions);
    }

    /** True when every group was described and nothing failed. */
    public boolean healthy() {
        return problems.isEmpty() && groups.values().stream().allMatch(GroupStatus::described);
    }
}
