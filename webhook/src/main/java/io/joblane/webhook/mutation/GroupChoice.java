package io.joblane.webhook.mutation;

import io.joblane.model.config.NodeGroup;

/** The node group picked for a Job pod and where the pick came from; {@code group} is null for an unknown name. */
public record GroupChoice(String name, Source source, NodeGroup group) {
    public enum Source {
        POD_ANNOTATION("pod annotation"),
        NAMESPACE_ANNOTATION("namespace annotation"),
        RESOURCE_RULE("resource rule"),
        DEFAULT("default group"),
        POD_NODE_SELECTOR("pod nodeSelector");

        private final String text;

        Source(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
