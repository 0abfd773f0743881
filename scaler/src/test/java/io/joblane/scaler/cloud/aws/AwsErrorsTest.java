package io.joblane.scaler.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.CloudException.Kind;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

class AwsErrorsTest {

    @ParameterizedTest
    @CsvSource({
        "Throttling, 400, TRANSIENT", "RequestLimitExceeded, 400, TRANSIENT", "ThrottlingException, 400, TRANSIENT",
        "InternalFailure, 500, TRANSIENT", "ServiceUnavailable, 503, TRANSIENT", "ExpiredToken, 403, TRANSIENT",
        "ScalingActivityInProgress, 400, BUSY", "ResourceContention, 500, BUSY", "ResourceInUse, 400, BUSY",
        "ValidationError, 400, INVALID", "AccessDenied, 403, INVALID", "AccessDeniedException, 400, INVALID",
        "InvalidClientTokenId, 403, INVALID", "LimitExceeded, 400, INVALID", "SomethingElse, 400, INVALID"
    })
    void classifiesServiceErrorsByCodeThenStatus(String code, int status, Kind kind) {
        AwsServiceException e = AwsServiceException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage("m")
                        .build())
                .build();

        var classified = AwsErrors.classify("SetDesiredCapacity g", e);

        assertThat(classified.kind()).isEqualTo(kind);
        assertThat(classified.code()).isEqualTo(code);
        assertThat(classified.getMessage()).isEqualTo("SetDesiredCapacity g failed: " + code + ": m");
        assertThat(classified.getCause()).isSameAs(e);
    }

    @Test
    void networkFailuresAreTransientAndMissingCredentialsInvalid() {
        assertThat(AwsErrors.classify(
                                "x",
                                SdkClientException.create(
                                        "Unable to execute HTTP request", new IOException("connection reset")))
                        .kind())
                .isEqualTo(Kind.TRANSIENT);
        assertThat(AwsErrors.classify(
                                "x",
                                SdkClientException.create(
                                        "Unable to load credentials from any of " + "the providers in the chain"))
                        .kind())
                .isEqualTo(Kind.INVALID);
    }
}
