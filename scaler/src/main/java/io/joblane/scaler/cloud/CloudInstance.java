package io.joblane.scaler.cloud;

import java.time.Instant;

/**
 * One instance of a cloud group. {@code launchTime} may be null when the cloud does not say.
 * Nodes map to instances through {@code spec.providerID} ({@code aws:///<zone>/<instance-id>}).
 */
public record CloudInstance(
        String id,
        String zone,
        LifecycleState state,
        boolean healthy,
        boolean protectedFromScaleIn,
        Instant launchTime) {}
