package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import io.joblane.model.WellKnown;
import io.joblane.model.config.JobLabelRule;
import io.joblane.model.config.JobOwnerRule;
import io.joblane.model.config.WebhookSettings;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a pod is a Job pod: a controller owner of kind Job (batch/v1) or a configured owner kind,
 * the Job controller's labels, or a configured label rule. In strict mode owner references and the built-in
 * Job labels (both trivially forged) count only when the request comes from a trusted controller user;
 * configured label rules always count. Pure; called per request.
 */
public final class JobDetector {
    private static final String BATCH_V1 = "batch/v1";
    private static final String JOB = "Job";
    private static final List<String> JOB_NAME_LABELS =
            List.of(WellKnown.JOB_NAME_LABEL, WellKnown.LEGACY_JOB_NAME_LABEL);

    private JobDetector() {}

    /** Why the pod counts as a Job pod, or null when it does not; the first rule that matches wins. */
    public static JobEvidence evidence(
            JsonNode pod, Map<String, String> labels, String username, WebhookSettings settings) {
        if (trusted(username, settings)) {
            JobEvidence owner = controllerOwner(PodJson.object(pod, "metadata", "metadata"), settings);
            if (owner != null) {
                return owner;
            }
            JobEvidence label = jobNameLabel(labels);
            if (label != null) {
                return label;
            }
        }
        return labelRule(labels, settings);
    }

    private static boolean trusted(String username, WebhookSettings settings) {
        return !settings.strictOwner() || settings.jobControllerUsers().contains(username);
    }

    /** The first controller owner reference of kind Job or of a configured kind; others are not read further. */
    private static JobEvidence controllerOwner(JsonNode metadata, WebhookSettings settings) {
        List<JsonNode> owners = PodJson.array(metadata, "ownerReferences", "metadata.ownerReferences");
        for (int i = 0; i < owners.size(); i++) {
            JsonNode owner = owners.get(i);
            String at = "metadata.ownerReferences[" + i + "]";
            if (!owner.isObject()) {
                throw new InvalidPodException(at, "an object");
            }
            if (!PodJson.bool(owner, "controller", at + ".controller")) {
                continue;
            }
            JobEvidence evidence = ownerKind(
                    PodJson.text(owner, "apiVersion", at + ".apiVersion"),
                    PodJson.text(owner, "kind", at + ".kind"),
                    settings);
            if (evidence != null) {
                return evidence;
            }
        }
        return null;
    }

    private static JobEvidence ownerKind(String apiVersion, String kind, WebhookSettings settings) {
        if (BATCH_V1.equals(apiVersion) && JOB.equals(kind)) {
            return new JobEvidence(JobEvidence.Kind.CONTROLLER_OWNER_JOB, JOB);
        }
        for (JobOwnerRule rule : settings.jobOwners()) {
            if (rule.apiVersion().equals(apiVersion) && rule.kind().equals(kind)) {
                return new JobEvidence(JobEvidence.Kind.CONTROLLER_OWNER_RULE, kind + " (" + apiVersion + ")");
            }
        }
        return null;
    }

    private static JobEvidence jobNameLabel(Map<String, String> labels) {
        for (String key : JOB_NAME_LABELS) {
            String value = labels.get(key);
            if (value != null && !value.isEmpty()) {
                return new JobEvidence(JobEvidence.Kind.JOB_NAME_LABEL, key);
            }
        }
        return null;
    }

    private static JobEvidence labelRule(Map<String, String> labels, WebhookSettings settings) {
        for (JobLabelRule rule : settings.jobLabels()) {
            String value = labels.get(rule.key());
            if (value != null && (rule.values().isEmpty() || rule.values().contains(value))) {
                return new JobEvidence(JobEvidence.Kind.LABEL_RULE, rule.key());
            }
        }
        return null;
    }
}
