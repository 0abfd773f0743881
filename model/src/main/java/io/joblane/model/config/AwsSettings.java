package io.joblane.model.config;

/** Where the scaler reaches AWS Auto Scaling; empty values fall back to the SDK's default chain. */
public record AwsSettings(String region, String endpoint) {
    public static final AwsSettings DEFAULTS = new AwsSettings(null, null);

    public AwsSettings {
        region = region == null ? "" : region;
        endpoint = endpoint == null ? "" : endpoint;
    }
}
