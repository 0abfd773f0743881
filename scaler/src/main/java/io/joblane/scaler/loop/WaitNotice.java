package io.joblane.scaler.loop;

/** What a waiting pod was last told about its wait, so it gets one Event per change and not one per scan. */
enum WaitNotice {
    /** A scale-up that will take it was asked for, or capacity already on its way will. */
    CAPACITY_COMING,
    /** Its node would take the group above its maximum. */
    AT_MAX,
    /** The group is backing off scale-ups: its capacity is not arriving. */
    BACKOFF
}
