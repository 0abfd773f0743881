package io.joblane.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.joblane.model.WellKnown;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.Taint;
import io.joblane.webhook.TestData;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Invariants over random Job pods: the patch applies, keeps every value the pod already had (but the group label,
 * which must name the group the selector names), leaves the pod tolerating its group's taints without duplicates,
 * fences every required node affinity term that can match a node off draining nodes, never steers a pod to a group
 * its own constraints exclude, and asking again yields no patch. Replay with -Dseed=N.
 */
class PodMutatorPropertyTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JoblaneConfig GROUPS = TestData.groups();
    private static final String[] GROUP_NAMES = {"batch", "gpu", "highmem", "bigcpu", "typo"};
    private static final String[] KEYS = {
        WellKnown.NODE_GROUP_LABEL,
        WellKnown.SAFE_TO_EVICT_ANNOTATION,
        WellKnown.KARPENTER_DO_NOT_DISRUPT_ANNOTATION,
        "node.kubernetes.io/instance-type",
        "app",
        "a~b/c"
    };
    private static final String[] VALUES = {"true", "false", "batch", "gpu", "highmem", "r6i.4xlarge", "x"};

    @Test
    void randomJobPodsKeepTheirValuesAndConvergeInOnePatch() {
        long seed = Long.getLong("seed", System.nanoTime());
        Random random = new Random(seed);
        NamespaceAnnotations namespaces = NamespaceAnnotations.of(Map.of(
                "ml", Map.of(WellKnown.NODE_GROUP_ANNOTATION, "gpu"),
                "typo", Map.of(WellKnown.NODE_GROUP_ANNOTATION, "nope")));
        PodMutator mutator = new PodMutator(() -> GROUPS, namespaces);
        int mutated = 0;
        for (int run = 0; run < 2000; run++) {
            JsonNode pod = randomJobPod(random);
            String namespace = new String[] {"default", "ml", "typo"}[random.nextInt(3)];
            String what = "seed " + seed + ", run " + run + ": " + pod;

            Mutation first = mutator.mutate(pod, namespace, "u");
            mutated += first.outcome() == Outcome.MUTATED ? 1 : 0;
            JsonNode patched = JsonPatch.apply(first.patch(), pod);
            Mutation second = mutator.mutate(patched, namespace, "u");

            assertThat(second.patch()).as(what).isEmpty();
            assertThat(second.outcome()).as(what).isIn(Outcome.UNCHANGED, Outcome.SKIPPED, Outcome.REFUSED);
            assertThat(second.outcome() == Outcome.REFUSED).as(what).isEqualTo(first.outcome() == Outcome.REFUSED);
            for (String map : new String[] {"/metadata/labels", "/metadata/annotations", "/spec/nodeSelector"}) {
                for (Map.Entry<String, JsonNode> e : pod.at(map).properties()) {
                    if (map.equals("/metadata/labels") && e.getKey().equals(WellKnown.NODE_GROUP_LABEL)) {
                        continue;
                    }
                    assertThat(patched.at(map).get(e.getKey()))
                            .as(what + " kept " + map + "." + e.getKey())
                            .isEqualTo(e.getValue());
                }
            }
            JsonNode before = pod.at("/spec/tolerations");
            JsonNode after = patched.at("/spec/tolerations");
            for (int i = 0; i < before.size(); i++) {
                assertThat(after.get(i)).as(what).isEqualTo(before.get(i));
            }
            if (first.outcome() == Outcome.MUTATED || first.outcome() == Outcome.UNCHANGED) {
                var group = GROUPS.group(first.group()).orElseThrow();
                String groupLabel = "/metadata/labels/" + JsonPointer.escape(WellKnown.NODE_GROUP_LABEL);
                String groupSelector = "/spec/nodeSelector/" + JsonPointer.escape(WellKnown.NODE_GROUP_LABEL);
                assertThat(patched.at(groupLabel).asText()).as(what).isEqualTo(group.name());
                assertThat(patched.at(groupSelector).asText()).as(what).isEqualTo(group.name());
                assertThat(PodPlacement.read((ObjectNode) pod.get("spec"), Map.of())
                                .allows(group.nodeSelector(WellKnown.NODE_GROUP_LABEL)))
                        .as(what + " affinity allows the group")
                        .isTrue();
                JsonNode terms = patched.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
                        + "/nodeSelectorTerms");
                assertThat(terms.size()).as(what).isPositive();
                JsonNode termsBefore =
                        pod.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
                                + "/nodeSelectorTerms");
                for (int i = 0; i < terms.size(); i++) {
                    JsonNode term = terms.get(i);
                    if (term.path("matchExpressions").isEmpty()
                            && term.path("matchFields").isEmpty()) {
                        continue;
                    }
                    long fencedBefore = fences(termsBefore.path(i));
                    assertThat(fences(term))
                            .as(what + " fenced, never twice by us: " + term)
                            .isEqualTo(Math.max(fencedBefore, 1));
                }
                assertThat(after.size() - before.size())
                        .as(what)
                        .isLessThanOrEqualTo(group.taints().size());
                for (Taint taint : group.taints()) {
                    boolean tolerated = false;
                    for (JsonNode t : after) {
                        tolerated |= Additions.tolerates(t, taint);
                    }
                    assertThat(tolerated).as(what + " tolerates " + taint).isTrue();
                }
            } else {
                assertThat(first.patch()).as(what).isEmpty();
            }
        }
        assertThat(mutated)
                .as("seed " + seed + ": most random Job pods need a patch")
                .isGreaterThan(1000);
    }

    private static JsonNode randomJobPod(Random random) {
        ObjectNode pod = NODES.objectNode();
        ObjectNode metadata = pod.putObject("metadata");
        metadata.put("generateName", "job-");
        metadata.putArray("ownerReferences")
                .addObject()
                .put("apiVersion", "batch/v1")
                .put("kind", "Job")
                .put("controller", true);
        maybeMap(random, metadata, "labels");
        maybeMap(random, metadata, "annotations");
        if (random.nextInt(4) == 0) {
            metadata.withObjectProperty("annotations")
                    .put(WellKnown.NODE_GROUP_ANNOTATION, GROUP_NAMES[random.nextInt(GROUP_NAMES.length)]);
        }
        ObjectNode spec = pod.putObject("spec");
        ArrayNode containers = spec.putArray("containers");
        for (int c = random.nextInt(3); c >= 0; c--) {
            ObjectNode requests = containers
                    .addObject()
                    .put("name", "c" + c)
                    .putObject("resources")
                    .putObject(random.nextBoolean() ? "requests" : "limits");
            requests.put("memory", (1 + random.nextInt(100)) + "Gi");
            requests.put("cpu", String.valueOf(1 + random.nextInt(40)));
            if (random.nextInt(5) == 0) {
                requests.put(WellKnown.RESOURCE_NVIDIA_GPU, "1");
            }
        }
        maybeMap(random, spec, "nodeSelector");
        int tolerations = random.nextInt(4) - 1;
        if (tolerations >= 0) {
            ArrayNode list = spec.putArray("tolerations");
            for (int t = 0; t < tolerations; t++) {
                ObjectNode toleration = list.addObject();
                if (random.nextBoolean()) {
                    toleration.put("key", random.nextBoolean() ? WellKnown.DEDICATED_TAINT : "other");
                }
                toleration.put("operator", random.nextBoolean() ? "Exists" : "Equal");
                if (random.nextBoolean()) {
                    toleration.put("value", VALUES[random.nextInt(VALUES.length)]);
                }
                if (random.nextBoolean()) {
                    toleration.put("effect", random.nextBoolean() ? "NoSchedule" : "NoExecute");
                }
            }
        }
        if (random.nextBoolean()) {
            spec.put("schedulerName", random.nextBoolean() ? Additions.DEFAULT_SCHEDULER : "volcano");
        }
        if (random.nextInt(3) == 0) {
            randomAffinity(random, spec);
        }
        return pod;
    }

    private static long fences(JsonNode term) {
        long fences = 0;
        for (JsonNode e : term.path("matchExpressions")) {
            fences += e.equals(DrainingFence.EXPRESSION) ? 1 : 0;
        }
        return fences;
    }

    private static final String[] OPERATORS = {"In", "NotIn", "Exists", "DoesNotExist"};

    private static void randomAffinity(Random random, ObjectNode spec) {
        ObjectNode nodeAffinity = spec.putObject("affinity").putObject("nodeAffinity");
        if (random.nextInt(4) == 0) {
            return;
        }
        ArrayNode terms = nodeAffinity
                .putObject("requiredDuringSchedulingIgnoredDuringExecution")
                .putArray("nodeSelectorTerms");
        for (int t = random.nextInt(4); t > 0; t--) {
            ObjectNode term = terms.addObject();
            int expressions = random.nextInt(4) - 1;
            if (expressions >= 0) {
                ArrayNode list = term.putArray("matchExpressions");
                for (int e = 0; e < expressions; e++) {
                    ObjectNode expression = list.addObject()
                            .put("key", random.nextInt(3) == 0 ? WellKnown.DRAINING_LABEL : KEYS[random.nextInt(4)])
                            .put("operator", OPERATORS[random.nextInt(OPERATORS.length)]);
                    if (expression.get("operator").asText().endsWith("In")) {
                        expression.putArray("values").add(VALUES[random.nextInt(VALUES.length)]);
                    }
                }
            }
            if (random.nextInt(4) == 0) {
                term.putArray("matchFields")
                        .addObject()
                        .put("key", "metadata.name")
                        .put("operator", "In")
                        .putArray("values")
                        .add("n1");
            }
        }
    }

    private static void maybeMap(Random random, ObjectNode parent, String field) {
        int size = random.nextInt(4) - 1;
        if (size < 0) {
            return;
        }
        ObjectNode map = parent.putObject(field);
        for (int i = 0; i < size; i++) {
            map.put(KEYS[random.nextInt(KEYS.length)], VALUES[random.nextInt(VALUES.length)]);
        }
    }
}
