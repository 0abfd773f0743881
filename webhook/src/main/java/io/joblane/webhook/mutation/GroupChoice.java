package io.joblane.webhook.mutation;

/**
 * What the group choice decided for a Job pod: steer it to {@code route}, refuse it ({@code message} says why and
 * names the configured groups), or leave it alone because its own constraints exclude every group. {@code name} and
 * {@code source} say which group was asked for and where that came from.
 */
record GroupChoice(Verdict verdict, String name, Source source, RoutingTable.Route route, String message) {
    enum Verdict {
        STEER,
        REFUSE,
        LEAVE
    }

    enum Source {
        POD_ANNOTATION("pod annotation"),
        POD_LABEL("pod label"),
        NAMESPACE_ANNOTATION("namespace annotation"),
        RESOURCE_RULE("resource rule"),
        DEFAULT("default group"),
        POD_NODE_SELECTOR("pod nodeSelector"),
        POD_NODE_AFFINITY("pod required node affinity");

        private final String text;

        Source(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    static GroupChoice steer(RoutingTable.Route route, Source source) {
        return new GroupChoice(Verdict.STEER, route.name(), source, route, null);
    }

    /** A wish by name: steered when configured, otherwise carried to the refusal. */
    static GroupChoice named(RoutingTable table, String name, Source source) {
        RoutingTable.Route route = table.route(name);
        return route != null
                ? steer(route, source)
                : new GroupChoice(
                        Verdict.REFUSE,
                        name,
                        source,
                        null,
                        "node group \"" + name + "\" (" + source + ") is not configured; configured groups: "
                                + table.names());
    }
}
