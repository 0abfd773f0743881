package io.joblane.scaler.cloud.aws;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.autoscaling.model.Activity;

/**
 * Reads a group's recent scaling activities (newest first, as DescribeScalingActivities returns them): whether
 * launches are failing now, and when each instance was launched. Pure; called by {@link AwsNodeGroupProvider}.
 */
final class LaunchActivities {

    /** EC2 Auto Scaling describes launches as "Launching a new EC2 instance: i-…" (or ".  Status Reason: …"). */
    private static final String LAUNCH_PREFIX = "Launching a new EC2 instance";
    private static final Pattern INSTANCE_ID = Pattern.compile("\\bi-[0-9a-f]{8,17}\\b");
    private static final int MAX_PROBLEM_CHARS = 300;

    /**
     * @param failing true when the newest finished launch within the window failed or was cancelled
     * @param problem human-readable reason when failing, else null
     * @param launchTimes instance id to the start of the activity that launched it
     */
    record Report(boolean failing, String problem, Map<String, Instant> launchTimes) {
    }

    private LaunchActivities() {
    }

    static Report read(List<Activity> newestFirst, Instant now, Duration window) {
        Map<String, Instant> launchTimes = new HashMap<>();
        Activity decisive = null;
        int failures = 0;
        Instant since = now.minus(window);
        for (Activity activity : newestFirst) {
            String description = activity.description() == null ? "" : activity.description();
            if (!description.startsWith(LAUNCH_PREFIX)) {
                continue;
            }
            Matcher id = INSTANCE_ID.matcher(description);
            if (id.find() && activity.startTime() != null) {
                launchTimes.putIfAbsent(id.group(), activity.startTime());
            }
            if (activity.startTime() == null || activity.startTime().isBefore(since)) {
                continue;
            }
            String status = activity.statusCodeAsString();
            boolean failed = "Failed".equals(status) || "Cancelled".equals(status);
            if (failed) {
                failures++;
            }
            if (decisive == null && (failed || "Successful".equals(status))) {
                decisive = activity;
            }
        }
        if (decisive == null || "Successful".equals(decisive.statusCodeAsString())) {
            return new Report(false, null, launchTimes);
        }
        String reason = decisive.statusMessage() != null && !decisive.statusMessage().isBlank()
                ? decisive.statusMessage() : decisive.description();
        reason = reason.replaceAll("\\s+", " ").trim();
        if (reason.length() > MAX_PROBLEM_CHARS) {
            reason = reason.substring(0, MAX_PROBLEM_CHARS) + "…";
        }
        String problem = "launch failing (" + failures + " failed or cancelled launch"
                + (failures == 1 ? "" : "es") + " in the last " + window.toMinutes() + "m): " + reason;
        return new Report(true, problem, launchTimes);
    }
}
