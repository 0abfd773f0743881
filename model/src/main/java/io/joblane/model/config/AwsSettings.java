package io.joblane.model.config;

/**
 * Where the scaler reaches AWS; empty values fall back to the SDK's default chain. {@code endpoint} overrides the
 * Auto Scaling endpoint, {@code ec2Endpoint} the EC2 one (instance types and launch templates of a node template).
 */
public record AwsSettings(String region, String endpoint, String ec2Endpoint) {
    public static final AwsSettings DEFAULTS = new AwsSettings(null, null, null);

    public AwsSettings {
        region = region == null ? "" : region;
        endpoint = endpoint == null ? "" : endpoint;
        ec2Endpoint = ec2Endpoint == null ? "" : ec2Endpoint;
    }

    public AwsSettings(String region, String endpoint) {
        this(region, endpoint, null);
    }
}
