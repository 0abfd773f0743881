package io.joblane.webhook.mutation;

/**
 * Why a pod counts as a Job pod: which rule of {@link JobDetector} matched, and the owner or label it matched on
 * ({@code detail}). Its text is the reason in the webhook's debug log line.
 */
public record JobEvidence(Kind kind, String detail) {
    /** The rules, in the order they are tried. */
    public enum Kind {
        /** A controller owner reference of kind Job (batch/v1). */
        CONTROLLER_OWNER_JOB,
        /** A controller owner reference of a kind configured in {@code webhook.jobOwners}. */
        CONTROLLER_OWNER_RULE,
        /** The Job controller's own {@code batch.kubernetes.io/job-name} or legacy {@code job-name} label. */
        JOB_NAME_LABEL,
        /** A label rule configured in {@code webhook.jobLabels}. */
        LABEL_RULE
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CONTROLLER_OWNER_JOB -> "controller owner Job";
            case CONTROLLER_OWNER_RULE -> "controller owner " + detail;
            case JOB_NAME_LABEL -> "label " + detail;
            case LABEL_RULE -> "label rule " + detail;
        };
    }
}
