package io.joblane.webhook.admission;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fields of an AdmissionReview request the webhook uses. {@code object} is the pod's raw JSON tree,
 * untouched; {@code namespace} falls back to the object's own when the request has none.
 */
public record AdmissionRequest(
        String apiVersion,
        String uid,
        String operation,
        String namespace,
        String username,
        boolean dryRun,
        JsonNode object) {}
