package io.joblane.model.config;

import java.util.List;

/**
 * The webhook's rules for what a Job pod is, beyond the built-in ones (a controller owner of kind Job,
 * the Job controller's labels). With {@code strictOwner} a Job owner reference is trusted only when the
 * request comes from one of {@code jobControllerUsers}.
 */
public record WebhookSettings(
        List<JobOwnerRule> jobOwners,
        List<JobLabelRule> jobLabels,
        Boolean strictOwner,
        List<String> jobControllerUsers) {

    public static final WebhookSettings DEFAULTS = new WebhookSettings(null, null, null, null);

    public WebhookSettings {
        jobOwners = jobOwners == null ? List.of() : List.copyOf(jobOwners);
        jobLabels = jobLabels == null ? List.of() : List.copyOf(jobLabels);
        strictOwner = strictOwner != null && strictOwner;
        jobControllerUsers = jobControllerUsers == null
                ? List.of(io.joblane.model.WellKnown.JOB_CONTROLLER_USER)
                : List.copyOf(jobControllerUsers);
    }
}
