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

    private JobDetector() {
    }

    /** Why the pod counts as a Job pod, or null when it does not. */
    public static String reason(JsonNode pod, Map<String, String> labels, String username, WebhookSettings settings) {
        boolean trusted = !settings.strictOwner() || settings.jobControllerUsers().contains(username);
        JsonNode metadata = PodJson.object(pod, "metadata", "metadata");
        if (trusted) {
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
                String apiVersion = PodJson.text(owner, "apiVersion", at + ".apiVersion");
                String kind = PodJson.text(owner, "kind", at + ".kind");
                if (BATCH_V1.equals(apiVersion) && JOB.equals(kind)) {
                    return "controller owner Job";
                }
                for (JobOwnerRule rule : settings.jobOwners()) {
                    if (rule.apiVersion().equals(apiVersion) && rule.kind().equals(kind)) {
                        return "controller owner " + kind + " (" + apiVersion + ")";
                    }
                }
            }
            for (String key : List.of(WellKnown.JOB_NAME_LABEL, WellKnown.LEGACY_JOB_NAME_LABEL)) {
                String value = labels.get(key);
                if (value != null && !value.isEmpty()) {
                    return "label " + key;
                }
            }
        }
        for (JobLabelRule rule : settings.jobLabels()) {
            String value = labels.get(rule.key());
            if (value != null && (rule.values().isEmpty() || rule.values().contains(value))) {
                return "label rule " + rule.key();
            }
        }
        return null;
    }
}
