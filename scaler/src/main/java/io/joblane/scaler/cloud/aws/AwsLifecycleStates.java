package io.joblane.scaler.cloud.aws;

import io.joblane.scaler.cloud.LifecycleState;

/**
 * Folds EC2 Auto Scaling lifecycle state names (e.g. {@code Pending:Wait}, {@code Warmed:Running}) into
 * {@link LifecycleState}. Pure; called by {@link AwsNodeGroupProvider} for every described instance.
 */
final class AwsLifecycleStates {

    private AwsLifecycleStates() {}

    /**
     * Maps one state name as the API spells it. A name this code does not know becomes STANDBY: not counted
     * as capacity and never touched, the safe side for a state whose meaning we cannot check.
     */
    static LifecycleState map(String awsState) {
        if (awsState == null || awsState.isEmpty()) {
            return LifecycleState.STANDBY;
        }
        if (awsState.startsWith("Warmed:")) {
            return LifecycleState.WARMED;
        }
        return switch (awsState) {
            case "Pending", "Pending:Wait", "Pending:Proceed" -> LifecycleState.PENDING;
            // Root volume replacement is an in-place update of an instance that stays in the group.
            case "InService",
                    "ReplacingRootVolume",
                    "ReplacingRootVolume:Wait",
                    "ReplacingRootVolume:Proceed",
                    "RootVolumeReplaced" -> LifecycleState.IN_SERVICE;
            case "Terminating", "Terminating:Wait", "Terminating:Proceed", "Terminating:Retained" ->
                LifecycleState.TERMINATING;
            case "Terminated" -> LifecycleState.TERMINATED;
            case "EnteringStandby", "Standby", "Quarantined" -> LifecycleState.STANDBY;
            case "Detaching", "Detached" -> LifecycleState.DETACHING;
            default -> LifecycleState.STANDBY;
        };
    }

    /** True when SetInstanceProtection accepts the instance (the API refuses any other state). */
    static boolean protectable(String awsState) {
        return "InService".equals(awsState) || "EnteringStandby".equals(awsState) || "Standby".equals(awsState);
    }
}
