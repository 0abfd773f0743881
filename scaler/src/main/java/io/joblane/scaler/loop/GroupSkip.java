package io.joblane.scaler.loop;

import java.util.Locale;

/**
 * Why a scaled group was not planned this scan; the text is the problem its {@link GroupStatus} carries, the label
 * the reason of {@code joblane_scaler_group_skipped_scans_total}.
 */
public enum GroupSkip {
    /** No provider serves the group's {@code scaling.provider}. */
    NO_PROVIDER("no cloud provider configured for group %s"),
    /** The provider's describe failed with a cloud error (kind, code, message). */
    DESCRIBE_FAILED("describe failed (%s %s): %s"),
    /** The provider's describe failed unexpectedly (a bug). */
    DESCRIBE_BROKEN("describe failed: %s"),
    /** The cloud does not know the group's cloud group. */
    CLOUD_GROUP_NOT_FOUND("cloud group %s was not found"),
    /** Planning or executing the group failed unexpectedly; its remaining actions are skipped. */
    SCAN_FAILED("scan of the group failed: %s");

    private final String format;

    GroupSkip(String format) {
        this.format = format;
    }

    String problem(Object... details) {
        return String.format(Locale.ROOT, format, details);
    }

    /** The metric label, e.g. {@code scan_failed}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
