package io.joblane.scaler.cloud;

/**
 * Where an instance is in its group's lifecycle, folded from the cloud's finer states
 * (e.g. AWS {@code Pending:Wait}, {@code Terminating:Proceed}, {@code Warmed:Running}).
 */
public enum LifecycleState {
    /** Launching: capacity on its way. */
    PENDING,
    IN_SERVICE,
    /** Leaving: not capacity any more. */
    TERMINATING,
    TERMINATED,
    /** Kept out of service by a human: not capacity, never touched by Joblane. */
    STANDBY,
    DETACHING,
    /** In a warm pool, not part of the group's capacity. */
    WARMED;

    /** True when the instance is, or soon will be, a node the group can schedule on. */
    public boolean isCapacity() {
        return this == PENDING || this == IN_SERVICE;
    }
}
