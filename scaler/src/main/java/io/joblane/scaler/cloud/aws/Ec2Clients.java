package io.joblane.scaler.cloud.aws;

import io.joblane.model.config.AwsSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;

/**
 * Builds the synchronous EC2 client the node-template reader uses, configured exactly as the Auto Scaling one
 * ({@link AutoScalingClients}: region, Apache 5 HTTP client, timeouts, standard retries with backoff, metrics),
 * with {@code scaler.aws.ec2Endpoint} as its optional endpoint override.
 */
public final class Ec2Clients {

    private Ec2Clients() {
    }

    /** @throws IllegalStateException when no region can be found or the endpoint is not a URL, naming the setting */
    public static Ec2Client create(AwsSettings settings, AwsClientOptions options, MeterRegistry registry) {
        var retry = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(options.maxAttempts())
                .backoffStrategy(BackoffStrategy.exponentialDelay(options.baseDelay(), options.maxBackoff()))
                .throttlingBackoffStrategy(
                        BackoffStrategy.exponentialDelay(options.throttlingBaseDelay(), options.maxBackoff()))
                .build();
        Ec2ClientBuilder builder = Ec2Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30))
                        .maxConnections(4))
                .overrideConfiguration(c -> {
                    c.retryStrategy(retry).apiCallTimeout(options.apiCallTimeout());
                    if (registry != null) {
                        c.addExecutionInterceptor(new AwsApiMetrics(registry));
                    }
                });
        if (!settings.region().isBlank()) {
            builder.region(Region.of(settings.region().trim()));
        }
        String endpoint = settings.ec2Endpoint().trim();
        if (!endpoint.isEmpty()) {
            URI uri;
            try {
                uri = URI.create(endpoint);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("scaler.aws.ec2Endpoint: not a URL: " + endpoint, e);
            }
            if (uri.getHost() == null) {
                throw new IllegalStateException("scaler.aws.ec2Endpoint: must be an http(s) URL with a host, e.g. "
                        + "https://ec2.us-east-1.amazonaws.com, not " + endpoint);
            }
            builder.endpointOverride(uri);
        }
        if (options.credentials() != null) {
            builder.credentialsProvider(options.credentials());
        }
        try {
            return builder.build();
        } catch (SdkClientException e) {
            throw new IllegalStateException("cannot build the AWS EC2 client (set scaler.aws.region or the "
                    + "AWS_REGION environment variable): " + e.getMessage(), e);
        }
    }
}
