package io.joblane.scaler.cloud.aws;

import io.joblane.model.config.AwsSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;

/**
 * Builds the synchronous Auto Scaling client from the config's {@code scaler.aws} section: region from the
 * config or the SDK's default chain ({@code AWS_REGION}, profile, instance metadata), optional endpoint override,
 * the Apache 5 HTTP client with bounded timeouts, and the standard retry strategy with backoff.
 */
public final class AutoScalingClients {

    private AutoScalingClients() {}

    /**
     * @throws IllegalStateException when no region can be found or the endpoint is not a URI; the message
     *         says which setting to fix
     */
    public static AutoScalingClient create(AwsSettings settings, AwsClientOptions options) {
        return create(settings, options, null);
    }

    /** As {@link #create(AwsSettings, AwsClientOptions)}, counting every API call in {@code registry} when not null. */
    public static AutoScalingClient create(AwsSettings settings, AwsClientOptions options, MeterRegistry registry) {
        return build(
                AutoScalingClient.builder(),
                "Auto Scaling",
                8,
                "scaler.aws.endpoint",
                settings.endpoint(),
                "https://autoscaling.us-east-1.amazonaws.com",
                settings,
                options,
                registry);
    }

    /**
     * Configures any of the scaler's synchronous AWS clients the same way: region, optional endpoint override (its
     * setting named in errors), the Apache 5 HTTP client with bounded timeouts, standard retries with backoff,
     * API-call metrics and credentials.
     */
    static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C build(
            B builder,
            String service,
            int maxConnections,
            String endpointSetting,
            String endpoint,
            String endpointExample,
            AwsSettings settings,
            AwsClientOptions options,
            MeterRegistry registry) {
        var retry = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(options.maxAttempts())
                .backoffStrategy(BackoffStrategy.exponentialDelay(options.baseDelay(), options.maxBackoff()))
                .throttlingBackoffStrategy(
                        BackoffStrategy.exponentialDelay(options.throttlingBaseDelay(), options.maxBackoff()))
                .build();
        builder.httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30))
                        .maxConnections(maxConnections))
                .overrideConfiguration(c -> {
                    c.retryStrategy(retry).apiCallTimeout(options.apiCallTimeout());
                    if (registry != null) {
                        c.addExecutionInterceptor(new AwsApiMetrics(registry));
                    }
                });
        if (!settings.region().isBlank()) {
            builder.region(Region.of(settings.region().trim()));
        }
        if (!endpoint.isBlank()) {
            builder.endpointOverride(endpoint(endpointSetting, endpoint.trim(), endpointExample));
        }
        if (options.credentials() != null) {
            builder.credentialsProvider(options.credentials());
        }
        try {
            return builder.build();
        } catch (SdkClientException e) {
            throw new IllegalStateException(
                    "cannot build the AWS " + service + " client (set scaler.aws.region or "
                            + "the AWS_REGION environment variable): " + e.getMessage(),
                    e);
        }
    }

    private static URI endpoint(String setting, String value, String example) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + ": not a URL: " + value, e);
        }
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalStateException(
                    setting + ": must be an http(s) URL with a host, e.g. " + example + ", not " + value);
        }
        return uri;
    }
}
