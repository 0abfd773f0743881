package io.joblane.scaler.cloud.aws;

import ch.qos.logback.classic.Level;
import io.joblane.model.config.AwsSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** Builds the real SDK client and provider against a {@link FakeAutoScalingServer}, with fast retries. */
final class AwsTestSupport {

    static final Instant T0 = Instant.parse("2026-11-27T20:00:00Z");
    /** Three attempts with millisecond backoff: retries are exercised, tests stay fast. */
    static final AwsClientOptions FAST = new AwsClientOptions(
            3,
            Duration.ofMillis(1),
            Duration.ofMillis(1),
            Duration.ofMillis(5),
            Duration.ofSeconds(30),
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")));

    static {
        // The SDK and its HTTP client log every wire detail at DEBUG; keep test output readable and fast.
        for (String name : List.of("software.amazon.awssdk", "org.apache.hc")) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name)).setLevel(Level.INFO);
        }
    }

    private AwsTestSupport() {}

    static AutoScalingClient client(FakeAutoScalingServer fake) {
        return AutoScalingClients.create(
                new AwsSettings("us-east-1", fake.endpoint().toString()), FAST);
    }

    /** The real SDK EC2 client against {@code ec2}, configured as in production (endpoint from ec2Endpoint). */
    static Ec2Client ec2Client(FakeEc2Server ec2) {
        return Ec2Clients.create(new AwsSettings("us-east-1", "", ec2.endpoint().toString()), FAST, null);
    }

    /** A provider that reads node templates from {@code ec2}. */
    static AwsNodeGroupProvider provider(
            FakeAutoScalingServer fake, FakeEc2Server ec2, Map<String, AwsGroupSettings> settings, Clock clock) {
        return new AwsNodeGroupProvider(client(fake), ec2Client(ec2), settings, clock);
    }

    static AwsNodeGroupProvider provider(
            FakeAutoScalingServer fake, Map<String, AwsGroupSettings> settings, Clock clock) {
        return new AwsNodeGroupProvider(client(fake), settings, clock);
    }
}
