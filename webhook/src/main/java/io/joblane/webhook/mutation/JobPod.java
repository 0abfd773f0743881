package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A pod {@link PodMutator} decided to place, read as far as placing it needs: its raw {@code metadata} and
 * {@code spec} (null when absent), their maps, its own placement constraints and why it counts as a Job pod.
 */
record JobPod(
        ObjectNode metadata,
        Map<String, String> labels,
        Map<String, String> annotations,
        ObjectNode spec,
        Map<String, String> nodeSelector,
        PodPlacement placement,
        JobEvidence evidence) {}
