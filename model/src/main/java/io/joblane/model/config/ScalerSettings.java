package io.joblane.model.config;

import io.joblane.model.GoDuration;
import java.time.Duration;

/** Installation-wide settings of the scaler loop. */
public record ScalerSettings(
        String scanInterval, Boolean dryRun, String settleDelay, AwsSettings aws, SpotSettings spot) {

    public static final ScalerSettings DEFAULTS = new ScalerSettings(null, null, null, null, null);

    public ScalerSettings {
        scanInterval = scanInterval == null ? "10s" : scanInterval;
        dryRun = dryRun != null && dryRun;
        settleDelay = settleDelay == null ? "30s" : settleDelay;
        aws = aws == null ? AwsSettings.DEFAULTS : aws;
        spot = spot == null ? SpotSettings.DEFAULTS : spot;
    }

    public ScalerSettings(String scanInterval, Boolean dryRun, String settleDelay, AwsSettings aws) {
        this(scanInterval, dryRun, settleDelay, aws, null);
    }

    public Duration scanIntervalDuration() {
        return GoDuration.parse(scanInterval);
    }

    /** How long a cordoned node waits before the final re-check and termination. */
    public Duration settleDelayDuration() {
        return GoDuration.parse(settleDelay);
    }
}
