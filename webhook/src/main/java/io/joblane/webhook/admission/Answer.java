package io.joblane.webhook.admission;

import io.joblane.webhook.mutation.Outcome;

/**
 * What the HTTP layer sends back and records: status, JSON body, and the facts for metrics and the one log
 * line ({@code reason} says why, e.g. why a body was refused).
 */
public record Answer(
        int status,
        byte[] body,
        Outcome outcome,
        String group,
        boolean dryRun,
        int conflicts,
        String uid,
        String reason) {}
