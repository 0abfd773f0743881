package io.joblane.scaler.cloud.aws;

import io.joblane.scaler.cloud.CloudException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns what the AWS SDK throws (after its own retries) into a {@link CloudException} whose kind tells the
 * loop whether to retry next scan, wait for the group, or report a misconfiguration. Pure.
 */
final class AwsErrors {

    private static final Set<String> THROTTLING = Set.of(
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "RequestThrottled",
            "RequestThrottledException",
            "TooManyRequestsException",
            "RequestLimitExceeded",
            "ProvisionedThroughputExceededException",
            "TransactionInProgressException",
            "SlowDown",
            "PriorRequestNotComplete",
            "EC2ThrottledException",
            "BandwidthLimitExceeded");
    private static final Set<String> BUSY = Set.of(
            "ScalingActivityInProgress",
            "ScalingActivityInProgressFault",
            "ResourceContention",
            "ResourceContentionFault",
            "ResourceInUse",
            "ResourceInUseFault");
    private static final Set<String> TRANSIENT_AUTH =
            Set.of("ExpiredToken", "ExpiredTokenException", "RequestExpired", "IDPCommunicationError");

    private AwsErrors() {}

    /** Classifies {@code e}, keeping it as the cause; {@code what} names the call for the message. */
    static CloudException classify(String what, SdkException e) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null
                    ? ""
                    : service.awsErrorDetails().errorCode();
            code = code == null ? "" : code;
            String detail = service.awsErrorDetails() == null
                            || service.awsErrorDetails().errorMessage() == null
                    ? service.getMessage()
                    : service.awsErrorDetails().errorMessage();
            String message = what + " failed: " + (code.isEmpty() ? "" : code + ": ") + detail;
            return new CloudException(kindOf(code, service.statusCode()), code, message, e);
        }
        if (e instanceof SdkClientException client && isMissingSetup(client)) {
            return new CloudException(
                    CloudException.Kind.INVALID, "ClientConfiguration", what + " failed: " + e.getMessage(), e);
        }
        // Network errors, timeouts, unreadable answers: the SDK already retried them.
        return new CloudException(CloudException.Kind.TRANSIENT, "ClientError", what + " failed: " + e.getMessage(), e);
    }

    static CloudException.Kind kindOf(String code, int status) {
        if (BUSY.contains(code)) {
            return CloudException.Kind.BUSY;
        }
        if (THROTTLING.contains(code) || TRANSIENT_AUTH.contains(code) || status >= 500 || status == 429) {
            return CloudException.Kind.TRANSIENT;
        }
        // ValidationError, AccessDenied, InvalidClientTokenId, LimitExceeded, unknown 4xx: retrying cannot help.
        return CloudException.Kind.INVALID;
    }

    private static boolean isMissingSetup(SdkClientException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return message.startsWith("Unable to load credentials") || message.startsWith("Unable to load region");
    }
}
