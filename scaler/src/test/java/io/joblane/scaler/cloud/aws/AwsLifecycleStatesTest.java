package io.joblane.scaler.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.LifecycleState;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AwsLifecycleStatesTest {

    @ParameterizedTest
    @CsvSource({
        "Pending, PENDING",
        "Pending:Wait, PENDING",
        "Pending:Proceed, PENDING",
        "InService, IN_SERVICE",
        "ReplacingRootVolume, IN_SERVICE",
        "ReplacingRootVolume:Wait, IN_SERVICE",
        "ReplacingRootVolume:Proceed, IN_SERVICE",
        "RootVolumeReplaced, IN_SERVICE",
        "Terminating, TERMINATING",
        "Terminating:Wait, TERMINATING",
        "Terminating:Proceed, TERMINATING",
        "Terminating:Retained, TERMINATING",
        "Terminated, TERMINATED",
        "EnteringStandby, STANDBY",
        "Standby, STANDBY",
        "Quarantined, STANDBY",
        "Detaching, DETACHING",
        "Detached, DETACHING",
        "Warmed:Pending, WARMED",
        "Warmed:Pending:Wait, WARMED",
        "Warmed:Pending:Proceed, WARMED",
        "Warmed:Pending:Retained, WARMED",
        "Warmed:Terminating, WARMED",
        "Warmed:Terminating:Wait, WARMED",
        "Warmed:Terminating:Proceed, WARMED",
        "Warmed:Terminating:Retained, WARMED",
        "Warmed:Terminated, WARMED",
        "Warmed:Stopped, WARMED",
        "Warmed:Running, WARMED",
        "Warmed:Hibernated, WARMED",
        "SomethingNew, STANDBY"
    })
    void mapsEveryDocumentedState(String aws, LifecycleState expected) {
        assertThat(AwsLifecycleStates.map(aws)).isEqualTo(expected);
    }

    @Test
    void everyStateTheSdkKnowsIsMappedExplicitly() {
        // Guards against a new SDK state silently falling into the unknown bucket (STANDBY).
        Set<String> standby = Set.of("EnteringStandby", "Standby", "Quarantined");
        for (var state : software.amazon.awssdk.services.autoscaling.model.LifecycleState.knownValues()) {
            String name = state.toString();
            if (!standby.contains(name)) {
                assertThat(AwsLifecycleStates.map(name)).as(name).isNotEqualTo(LifecycleState.STANDBY);
            }
        }
    }

    @Test
    void onlyInServiceAndStandbyStatesAcceptProtection() {
        assertThat(AwsLifecycleStates.protectable("InService")).isTrue();
        assertThat(AwsLifecycleStates.protectable("Standby")).isTrue();
        assertThat(AwsLifecycleStates.protectable("EnteringStandby")).isTrue();
        assertThat(AwsLifecycleStates.protectable("Pending")).isFalse();
        assertThat(AwsLifecycleStates.protectable("Pending:Wait")).isFalse();
        assertThat(AwsLifecycleStates.protectable("Terminating")).isFalse();
    }
}
