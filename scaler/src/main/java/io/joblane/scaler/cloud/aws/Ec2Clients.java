package io.joblane.scaler.cloud.aws;

import io.joblane.model.config.AwsSettings;
import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Builds the synchronous EC2 client the node-template reader uses, configured exactly as the Auto Scaling one
 * ({@link AutoScalingClients}: region, Apache 5 HTTP client, timeouts, standard retries with backoff, metrics),
 * with {@code scaler.aws.ec2Endpoint} as its optional endpoint override.
 */
public final class Ec2Clients {

    private Ec2Clients() {}

    /** @throws IllegalStateException when no region can be found or the endpoint is not a URL, naming the setting */
    public static Ec2Client create(AwsSettings settings, AwsClientOptions options, MeterRegistry registry) {
        return AutoScalingClients.build(
                Ec2Client.builder(),
                "EC2",
                4,
                "scaler.aws.ec2Endpoint",
                settings.ec2Endpoint(),
                "https://ec2.us-east-1.amazonaws.com",
                settings,
                options,
                registry);
    }
}
