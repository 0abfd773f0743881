package io.joblane.scaler.cloud.aws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every Auto Scaling API call the SDK completes, after its retries, as
 * {@code joblane_scaler_aws_api_calls_total{action, outcome}} where outcome is {@code ok} or the error code. Covers
 * the calls the provider makes on its own inside a describe (protection, AZRebalance, activities), which the loop's
 * per-operation counters do not see. Runs on the calling thread.
 */
final class AwsApiMetrics implements ExecutionInterceptor {

    static final String NAME = "joblane.scaler.aws.api.calls";

    private final MeterRegistry registry;

    AwsApiMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        count(attributes, "ok");
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        String code = "ClientError";
        if (context.exception() instanceof AwsServiceException e
                && e.awsErrorDetails() != null
                && e.awsErrorDetails().errorCode() != null
                && !e.awsErrorDetails().errorCode().isEmpty()) {
            code = e.awsErrorDetails().errorCode();
        }
        count(attributes, code);
    }

    private void count(ExecutionAttributes attributes, String outcome) {
        String action = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Counter.builder(NAME)
                .tag("action", action == null ? "unknown" : action)
                .tag("outcome", outcome)
                .description("Auto Scaling API calls after SDK retries, by action and outcome (ok or error code)")
                .register(registry)
                .increment();
    }
}
