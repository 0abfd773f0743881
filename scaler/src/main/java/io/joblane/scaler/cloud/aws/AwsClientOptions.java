package io.joblane.scaler.cloud.aws;

import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * How the Auto Scaling client retries and times out, and where its credentials come from ({@code null}: the
 * SDK's default chain, i.e. environment, IRSA web identity, EKS Pod Identity, profiles, instance metadata).
 * Production uses {@link #DEFAULTS}; tests shrink the delays and pass static credentials.
 *
 * @param maxAttempts  attempts per API call including the first; throttling and 5xx are retried
 * @param baseDelay    first backoff step for ordinary retryable errors (exponential, jittered)
 * @param throttlingBaseDelay first backoff step after a throttling error
 * @param maxBackoff   upper bound of one backoff step
 * @param apiCallTimeout bound of one API call including all its retries
 */
public record AwsClientOptions(
        int maxAttempts,
        Duration baseDelay,
        Duration throttlingBaseDelay,
        Duration maxBackoff,
        Duration apiCallTimeout,
        AwsCredentialsProvider credentials) {

    public static final AwsClientOptions DEFAULTS = new AwsClientOptions(
            5, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(20), Duration.ofSeconds(90), null);

    public AwsClientOptions {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
        }
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(throttlingBaseDelay, "throttlingBaseDelay");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(apiCallTimeout, "apiCallTimeout");
    }
}
