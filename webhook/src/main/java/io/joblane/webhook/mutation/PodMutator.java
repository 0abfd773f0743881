package io.joblane.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.joblane.model.WellKnown;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.WebhookSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns one pod's raw JSON into the JSON Patch that steers it onto its node group, in four steps: decide (a Job
 * pod, not opted out, not bound to a node), choose its group ({@link GroupChooser}), compute what it lacks of that
 * group ({@link Additions}) and render the patch ({@link PatchWriter}). Works on the JSON tree as received
 * (never a typed Pod re-serialized), only adds what is missing, never contradicts the pod's own placement
 * constraints, and keeps every value a user set on purpose (except the group label, which always names the group
 * the selector names), so a second call on the patched pod yields an empty patch. Namespaces opt in through the
 * webhook configuration's namespaceSelector, so the API server sends only theirs. Pure and thread-safe; called per
 * request.
 */
public final class PodMutator {
    static final String PREFIX = "joblane: ";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Supplier<JoblaneConfig> config;
    private final NamespaceAnnotations namespaces;
    private final LanePreference lanes;
    private volatile RoutingTable table;

    public PodMutator(Supplier<JoblaneConfig> config, NamespaceAnnotations namespaces) {
        this(config, namespaces, LanePreference.OFF);
    }

    public PodMutator(Supplier<JoblaneConfig> config, NamespaceAnnotations namespaces, LanePreference lanes) {
        this.config = config;
        this.namespaces = namespaces;
        this.lanes = lanes;
    }

    /**
     * Decides for a pod being created in {@code namespace} by {@code username}.
     *
     * @throws InvalidPodException when a field the decision reads has a type a Pod cannot have
     */
    public Mutation mutate(JsonNode pod, String namespace, String username) {
        RoutingTable routing = routingTable();
        Decision decision = decide(pod, username, routing.config().webhook());
        if (decision.skipped() != null) {
            return decision.skipped();
        }
        List<String> warnings = new ArrayList<>();
        GroupChoice choice = GroupChooser.choose(routing, decision.pod(), namespace, namespaces, warnings);
        return switch (choice.verdict()) {
            case REFUSE -> new Mutation(Outcome.REFUSED, "unknown", JSON.arrayNode(), warnings, 0, choice.message());
            case LEAVE ->
                new Mutation(Outcome.SKIPPED, null, JSON.arrayNode(), warnings, warnings.size(), choice.message());
            case STEER -> steer(decision.pod(), choice, warnings, namespace);
        };
    }

    /** Either a pod to place or the answer for a pod to let through untouched. */
    private record Decision(JobPod pod, Mutation skipped) {
        static Decision skip(SkipReason reason, List<String> warnings) {
            return new Decision(
                    null,
                    new Mutation(
                            Outcome.SKIPPED, null, JSON.arrayNode(), warnings, warnings.size(), reason.toString()));
        }
    }

    /**
     * Step 1, decide: one guard per {@link SkipReason}, in order. Reads only what each guard needs, so a pod that is
     * let through is never refused for a malformed field the decision did not need.
     */
    private static Decision decide(JsonNode pod, String username, WebhookSettings settings) {
        if (!pod.isObject()) {
            throw new InvalidPodException("object", "an object");
        }
        ObjectNode metadata = PodJson.object(pod, "metadata", "metadata");
        Map<String, String> labels = PodJson.stringMap(metadata, "labels", "metadata.labels");
        Map<String, String> annotations = PodJson.stringMap(metadata, "annotations", "metadata.annotations");
        if ("false".equals(annotations.get(WellKnown.POD_INJECT_ANNOTATION))) {
            return Decision.skip(SkipReason.OPTED_OUT, List.of());
        }
        JobEvidence evidence = JobDetector.evidence(pod, labels, username, settings);
        if (evidence == null) {
            return Decision.skip(SkipReason.NOT_A_JOB_POD, List.of());
        }
        ObjectNode spec = PodJson.object(pod, "spec", "spec");
        String nodeName = PodJson.text(spec, "nodeName", "spec.nodeName");
        if (nodeName != null && !nodeName.isEmpty()) {
            return Decision.skip(
                    SkipReason.BOUND_TO_NODE,
                    List.of(
                            PREFIX + "pod is bound to node \"" + nodeName
                                    + "\" by spec.nodeName; left unchanged (a node group selector would make the kubelet reject it)"));
        }
        Map<String, String> nodeSelector = PodJson.stringMap(spec, "nodeSelector", "spec.nodeSelector");
        return new Decision(
                new JobPod(
                        metadata,
                        labels,
                        annotations,
                        spec,
                        nodeSelector,
                        PodPlacement.read(spec, nodeSelector),
                        evidence),
                null);
    }

    /**
     * Steps 3 and 4: compute what the pod lacks of its group and render the patch; then its lane and its preference for
     * on-demand capacity, if any.
     */
    private Mutation steer(JobPod pod, GroupChoice choice, List<String> warnings, String namespace) {
        RoutingTable.Route route = choice.route();
        Additions additions = Additions.compute(route, pod, warnings);
        ArrayNode patch =
                PatchWriter.render(pod, additions, route.name(), route.group().schedulerName());
        String lane = lanes.patch(
                        patch, pod.spec(), namespace, pod.labels(), pod.annotations(), pod.placement(), warnings)
                .map(l -> ", " + l)
                .orElse("");
        lane += OnDemandPreference.patch(
                        patch,
                        pod.spec(),
                        route.group().spot(),
                        lanes.families(),
                        namespace,
                        pod.labels(),
                        pod.annotations(),
                        pod.placement())
                .map(l -> ", " + l)
                .orElse("");
        Outcome outcome = patch.isEmpty() ? Outcome.UNCHANGED : Outcome.MUTATED;
        return new Mutation(
                outcome,
                route.name(),
                patch,
                warnings,
                warnings.size(),
                pod.evidence() + ", group from " + choice.source() + lane);
    }

    private RoutingTable routingTable() {
        JoblaneConfig current = config.get();
        RoutingTable prepared = table;
        if (prepared == null || prepared.config() != current) {
            prepared = new RoutingTable(current);
            table = prepared;
        }
        return prepared;
    }
}
