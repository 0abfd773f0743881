package io.joblane.model.lanes;

import io.joblane.model.WellKnown;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The family a Job pod's run time is learnt under and predicted from, {@code <namespace>/<name>}: the pod's
 * {@code joblane.io/family} label; else its Job's name with a CronJob's scheduled-time suffix removed, so every run
 * of one CronJob shares a family (and the pods of one parallel Job teach each other). Pure; both the scaler (learning
 * from finished pods) and the webhook (predicting at admission) call it on the same pod labels, so they agree.
 *
 * <p>Why the name and not the owner chain: a pod's ownerReference names its Job, not the CronJob; the webhook would
 * need a Job informer (memory, RBAC) or an API call per admission to follow it. The CronJob controller names each Job
 * {@code <cronjob>-<scheduled time in minutes since the epoch>} (the CronJob's name is limited to 52 characters for
 * that suffix: https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/), so a suffix of 8 to 10 digits
 * (minutes since the epoch from 1989 to 3870) is taken as that; a shorter number such as {@code build-2} is kept.
 */
public final class FamilyKey {
    private static final Pattern CRONJOB_SUFFIX = Pattern.compile("-[0-9]{8,10}$");

    private FamilyKey() {}

    /** The family of a pod in {@code namespace} with {@code labels}, or null when it has neither label. */
    public static String of(String namespace, Map<String, String> labels) {
        String family = labels.get(WellKnown.FAMILY_LABEL);
        if (family == null || family.isEmpty()) {
            String job = labels.get(WellKnown.JOB_NAME_LABEL);
            if (job == null || job.isEmpty()) {
                job = labels.get(WellKnown.LEGACY_JOB_NAME_LABEL);
            }
            if (job == null || job.isEmpty()) {
                return null;
            }
            family = CRONJOB_SUFFIX.matcher(job).replaceFirst("");
        }
        return (namespace == null ? "" : namespace) + "/" + family;
    }
}
