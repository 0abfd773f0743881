package io.joblane.webhook.mutation;

import io.joblane.model.WellKnown;

/** Why a pod is let through without looking for its node group; the guards of {@link PodMutator}, in order. */
public enum SkipReason {
    /** The pod's {@code joblane.io/inject: "false"} annotation. */
    OPTED_OUT("opted out by annotation " + WellKnown.POD_INJECT_ANNOTATION),
    /** No rule of {@link JobDetector} matched. */
    NOT_A_JOB_POD("not a Job pod"),
    /** {@code spec.nodeName} is set: the kubelet checks node affinity on admission, a group selector would fail it. */
    BOUND_TO_NODE("bound to a node by spec.nodeName");

    private final String text;

    SkipReason(String text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }
}
