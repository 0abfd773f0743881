package io.joblane.scaler.cloud.aws;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
    record Report(boolean failing, String problem, Map<String, Instant> launchTimes) {}

    private LaunchActivities() {}

    static Report read(List<Activity> newestFirst, Instant now, Duration window) {
        Map<String, Instant> launchTimes = new HashMap<>();
        List<Activity> recent = new ArrayList<>();
        Instant since = now.minus(window);
        for (Activity activity : newestFirst) {
            if (!description(activity).startsWith(LAUNCH_PREFIX)) {
                continue;
            }
            Matcher id = INSTANCE_ID.matcher(description(activity));
            if (id.find() && activity.startTime() != null) {
                launchTimes.putIfAbsent(id.group(), activity.startTime());
            }
            if (activity.startTime() != null && !activity.startTime().isBefore(since)) {
                recent.add(activity);
            }
        }
        // The newest launch of the window that finished decides; failures are counted over the whole window.
        Activity decisive = recent.stream()
                .filter(a -> failed(a) || succeeded(a))
                .findFirst()
                .orElse(null);
        if (decisive == null || succeeded(decisive)) {
            return new Report(false, null, launchTimes);
        }
        long failures = recent.stream().filter(LaunchActivities::failed).count();
        return new Report(true, problem(decisive, failures, window), launchTimes);
    }

    private static String problem(Activity decisive, long failures, Duration window) {
        String reason =
                decisive.statusMessage() != null && !decisive.statusMessage().isBlank()
                        ? decisive.statusMessage()
                        : description(decisive);
        reason = reason.replaceAll("\\s+", " ").trim();
        if (reason.length() > MAX_PROBLEM_CHARS) {
            reason = reason.substring(0, MAX_PROBLEM_CHARS) + "…";
        }
        return "launch failing (" + failures + " failed or cancelled launch" + (failures == 1 ? "" : "es")
                + " in the last " + window.toMinutes() + "m): " + reason;
    }

    private static String description(Activity activity) {
        return activity.description() == null ? "" : activity.description();
    }

    private static boolean failed(Activity activity) {
        String status = activity.statusCodeAsString();
        return "Failed".equals(status) || "Cancelled".equals(status);
    }

    private static boolean succeeded(Activity activity) {
        return "Successful".equals(activity.statusCodeAsString());
    }
}
