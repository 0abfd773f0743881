package io.joblane.webhook.mutation;

import static io.joblane.webhook.TestData.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.joblane.model.WellKnown;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.webhook.TestData;
import io.joblane.webhook.admission.AdmissionCodec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodMutatorTest {
    private static final JoblaneConfig GROUPS = TestData.groups();
    private static final String USER = "system:serviceaccount:kube-system:job-controller";
    private static final String JOB_OWNER =
            "'ownerReferences':[{'apiVersion':'batch/v1','kind':'Job','name':'j','uid':'u1','controller':true}]";
    private static final String BATCH_TOLERATION =
            "{'key':'joblane.io/dedicated','operator':'Equal','value':'batch','effect':'NoSchedule'}";

    private final PodMutator mutator = new PodMutator(() -> GROUPS, NamespaceAnnotations.NONE);

    private static JsonNode jobPod(String metadataExtra, String spec) {
        return json("{'metadata':{'generateName':'j-'," + JOB_OWNER + metadataExtra + "},'spec':" + spec + "}");
    }

    private static String patch(Mutation m) {
        return AdmissionCodec.patchText(m.patch());
    }

    private static String q(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    @Test
    void bareJobPodGetsEveryMapCreatedWholeInOnePatch() {
        Mutation m = mutator.mutate(jobPod("", "{'containers':[{'name':'c'}]}"), "ns", USER);

        assertThat(m.outcome()).isEqualTo(Outcome.MUTATED);
        assertThat(m.group()).isEqualTo("batch");
        assertThat(m.warnings()).isEmpty();
        assertThat(patch(m)).isEqualTo(q("["
                + "{'op':'add','path':'/metadata/labels','value':{'joblane.io/node-group':'batch'}},"
                + "{'op':'add','path':'/metadata/annotations','value':{"
                + "'cluster-autoscaler.kubernetes.io/safe-to-evict':'false','karpenter.sh/do-not-disrupt':'true'}},"
                + "{'op':'add','path':'/spec/nodeSelector','value':{'joblane.io/node-group':'batch'}},"
                + "{'op':'add','path':'/spec/tolerations','value':[" + BATCH_TOLERATION + "]}]"));
    }

    @Test
    void existingMapsAndArraysGetSingleEntriesWithEscapedKeys() {
        JsonNode pod = jobPod(",'labels':{'job-name':'j'},'annotations':{'a':'b'}",
                "{'nodeSelector':{'kubernetes.io/arch':'amd64'},'tolerations':[{'key':'x','operator':'Exists'}]}");

        Mutation m = mutator.mutate(pod, "ns", USER);

        assertThat(patch(m)).isEqualTo(q("["
                + "{'op':'add','path':'/metadata/labels/joblane.io~1node-group','value':'batch'},"
                + "{'op':'add','path':'/metadata/annotations/cluster-autoscaler.kubernetes.io~1safe-to-evict','value':'false'},"
                + "{'op':'add','path':'/metadata/annotations/karpenter.sh~1do-not-disrupt','value':'true'},"
                + "{'op':'add','path':'/spec/nodeSelector/joblane.io~1node-group','value':'batch'},"
                + "{'op':'add','path':'/spec/tolerations/-','value':" + BATCH_TOLERATION + "}]"));
    }

    @Test
    void podWithoutMetadataOrSpecGetsThemCreated() {
        JsonNode pod = json("{'kind':'Pod'}");
        JoblaneConfig byLabelOnly = TestData.config(
                "nodeGroups: [{name: batch, default: true}]\nwebhook: {jobLabels: [{key: team}]}\n");
        JsonNode labelled = json("{'metadata':{'labels':{'team':'x'}}}");

        Mutation none = new PodMutator(() -> byLabelOnly, NamespaceAnnotations.NONE).mutate(pod, "ns", USER);
        Mutation m = new PodMutator(() -> byLabelOnly, NamespaceAnnotations.NONE).mutate(labelled, "ns", USER);

        assertThat(none.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(patch(m)).isEqualTo(q("["
                + "{'op':'add','path':'/metadata/labels/joblane.io~1node-group','value':'batch'},"
                + "{'op':'add','path':'/metadata/annotations','value':{"
                + "'cluster-autoscaler.kubernetes.io/safe-to-evict':'false','karpenter.sh/do-not-disrupt':'true'}},"
                + "{'op':'add','path':'/spec','value':{'nodeSelector':{'joblane.io/node-group':'batch'},"
                + "'tolerations':[]}}]"));
        assertThat(applied(labelled, m).at("/spec/nodeSelector/joblane.io~1node-group").asText()).isEqualTo("batch");
    }

    @Test
    void secondCallOnThePatchedPodReturnsNoPatch() {
        String[] specs = {
            "{'containers':[{'name':'c'}]}",
            "{'containers':[{'name':'c','resources':{'limits':{'nvidia.com/gpu':'1'}}}],'tolerations':[]}",
            "{'containers':[{'name':'c','resources':{'requests':{'memory':'100Gi'}}}],"
                    + "'schedulerName':'default-scheduler','nodeSelector':{}}",
        };
        for (String spec : specs) {
            JsonNode pod = jobPod(",'labels':{},'annotations':{}", spec);
            Mutation first = mutator.mutate(pod, "ns", USER);
            Mutation second = mutator.mutate(applied(pod, first), "ns", USER);

            assertThat(first.outcome()).as(spec).isEqualTo(Outcome.MUTATED);
            assertThat(second.outcome()).as(spec).isEqualTo(Outcome.UNCHANGED);
            assertThat(patch(second)).as(spec).isEqualTo("[]");
            assertThat(second.warnings()).as(spec).isEmpty();
        }
    }

    @Test
    void gpuPodGetsBothTolerationsAndNoDuplicateOfOneItAlreadyHas() {
        JsonNode pod = jobPod("", "{'containers':[{'name':'c','resources':{'limits':{'nvidia.com/gpu':'1'}}}],"
                + "'tolerations':[{'key':'nvidia.com/gpu','operator':'Exists','effect':'NoSchedule'}]}");

        Mutation m = mutator.mutate(pod, "ns", USER);

        assertThat(m.group()).isEqualTo("gpu");
        assertThat(patch(m)).contains(q("{'op':'add','path':'/spec/tolerations/-','value':"
                + "{'key':'joblane.io/dedicated','operator':'Equal','value':'gpu','effect':'NoSchedule'}}"));
        assertThat(patch(m)).doesNotContain(q("'value':{'key':'nvidia.com/gpu'"));
        JsonNode result = applied(pod, m);
        assertThat(result.at("/spec/tolerations")).hasSize(2);
    }

    @Test
    void wildcardTolerationAlreadyToleratesEveryTaint() {
        JsonNode pod = jobPod("", "{'containers':[],'tolerations':[{'operator':'Exists'}]}");

        assertThat(patch(mutator.mutate(pod, "ns", USER))).doesNotContain("/spec/tolerations");
    }

    @Test
    void highmemGroupAddsItsExtraSelectorAndReplacesTheDefaultScheduler() {
        JsonNode pod = jobPod(",'labels':{},'annotations':{}",
                "{'containers':[{'name':'c','resources':{'requests':{'memory':'64Gi'}}}],"
                        + "'nodeSelector':{},'tolerations':[],'schedulerName':'default-scheduler'}");

        Mutation m = mutator.mutate(pod, "ns", USER);

        assertThat(patch(m)).endsWith(q(
                "{'op':'add','path':'/spec/nodeSelector/joblane.io~1node-group','value':'highmem'},"
                + "{'op':'add','path':'/spec/nodeSelector/node.kubernetes.io~1instance-type','value':'r6i.4xlarge'},"
                + "{'op':'add','path':'/spec/tolerations/-','value':"
                + "{'key':'joblane.io/dedicated','operator':'Equal','value':'highmem','effect':'NoSchedule'}},"
                + "{'op':'replace','path':'/spec/schedulerName','value':'packing-scheduler'}]"));
    }

    @Test
    void schedulerIsAddedWhenAbsentAndAnotherSchedulerIsKeptWithAWarning() {
        String spec = "{'containers':[{'name':'c','resources':{'requests':{'memory':'80Gi'}}}]%s}";
        Mutation absent = mutator.mutate(jobPod("", spec.formatted("")), "ns", USER);
        Mutation custom = mutator.mutate(jobPod("", spec.formatted(",'schedulerName':'volcano'")), "ns", USER);

        assertThat(patch(absent)).endsWith(q("{'op':'add','path':'/spec/schedulerName','value':'packing-scheduler'}]"));
        assertThat(patch(custom)).doesNotContain("schedulerName");
        assertThat(custom.warnings()).containsExactly(
                "joblane: pod sets schedulerName \"volcano\"; kept instead of \"packing-scheduler\"");
        assertThat(custom.conflicts()).isEqualTo(1);
    }

    @Test
    void userSetValuesAreKeptAndReported() {
        JsonNode pod = jobPod(",'labels':{'joblane.io/node-group':'mine'},'annotations':{"
                        + "'cluster-autoscaler.kubernetes.io/safe-to-evict':'true','karpenter.sh/do-not-disrupt':'false'}",
                "{'containers':[]}");

        Mutation m = mutator.mutate(pod, "ns", USER);

        assertThat(m.outcome()).isEqualTo(Outcome.MUTATED);
        assertThat(m.conflicts()).isEqualTo(3);
        assertThat(m.warnings()).containsExactly(
                "joblane: pod sets label joblane.io/node-group=\"mine\"; kept instead of \"batch\"",
                "joblane: pod sets annotation cluster-autoscaler.kubernetes.io/safe-to-evict=\"true\"; kept instead of \"false\"",
                "joblane: pod sets annotation karpenter.sh/do-not-disrupt=\"false\"; kept instead of \"true\"");
        assertThat(patch(m)).doesNotContain("/metadata");
        assertThat(mutator.mutate(applied(pod, m), "ns", USER).outcome()).isEqualTo(Outcome.UNCHANGED);
    }

    @Test
    void podThatAlreadySelectsAnotherGroupKeepsItAndGetsThatGroupsTolerations() {
        JsonNode pod = jobPod("", "{'containers':[],'nodeSelector':{'joblane.io/node-group':'gpu'}}");

        Mutation m = mutator.mutate(pod, "ns", USER);

        assertThat(m.group()).isEqualTo("gpu");
        assertThat(m.conflicts()).isEqualTo(1);
        assertThat(m.warnings()).containsExactly(
                "joblane: pod already selects node group \"gpu\"; kept instead of \"batch\" (default group)");
        JsonNode result = applied(pod, m);
        assertThat(result.at("/spec/nodeSelector").size()).isEqualTo(1);
        assertThat(result.at("/spec/tolerations/0/value").asText()).isEqualTo("gpu");
        assertThat(result.at("/spec/tolerations/1/key").asText()).isEqualTo("nvidia.com/gpu");
        assertThat(result.at("/spec/tolerations/1/operator").asText()).isEqualTo("Exists");
    }

    @Test
    void podSelectingAnUnknownGroupIsLeftAlone() {
        JsonNode pod = jobPod("", "{'nodeSelector':{'joblane.io/node-group':'nope'}}");

        Mutation m = mutator.mutate(pod, "ns", USER);

        assertThat(m.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(patch(m)).isEqualTo("[]");
        assertThat(m.warnings()).hasSize(2).last().asString().contains("\"nope\" (pod nodeSelector) is not configured");
    }

    @Test
    void unknownGroupFromAnnotationIsAllowedWithAWarningAndNoPatch() {
        JsonNode pod = jobPod(",'annotations':{'joblane.io/node-group':'typo'}", "{'containers':[]}");

        Mutation m = mutator.mutate(pod, "ns", USER);

        assertThat(m.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(m.groupLabel()).isEqualTo("unknown");
        assertThat(patch(m)).isEqualTo("[]");
        assertThat(m.warnings()).containsExactly(
                "joblane: node group \"typo\" (pod annotation) is not configured; pod left unchanged");
    }

    @Test
    void podAnnotationBeatsNamespaceAnnotationWhichBeatsResourceRules() {
        NamespaceAnnotations namespaces = NamespaceAnnotations.of(
                Map.of("ml", Map.of(WellKnown.NODE_GROUP_ANNOTATION, "highmem")));
        PodMutator withNamespaces = new PodMutator(() -> GROUPS, namespaces);
        String gpuSpec = "{'containers':[{'name':'c','resources':{'limits':{'nvidia.com/gpu':'2'}}}]}";

        assertThat(withNamespaces.mutate(jobPod("", gpuSpec), "ml", USER).group()).isEqualTo("highmem");
        assertThat(withNamespaces.mutate(jobPod("", gpuSpec), "other", USER).group()).isEqualTo("gpu");
        assertThat(withNamespaces.mutate(
                jobPod(",'annotations':{'joblane.io/node-group':'batch'}", gpuSpec), "ml", USER).group())
                .isEqualTo("batch");
    }

    @Test
    void resourceRulesApplyInFileOrderThenTheDefault() {
        assertThat(group("{'containers':[{'resources':{'requests':{'cpu':'40','memory':'100Gi'}}}]}"))
                .as("highmem is listed before bigcpu").isEqualTo("highmem");
        assertThat(group("{'containers':[{'resources':{'requests':{'cpu':'40'}}}]}")).isEqualTo("bigcpu");
        assertThat(group("{'containers':[{'resources':{'requests':{'cpu':'31','memory':'63Gi'}}}]}"))
                .isEqualTo("batch");
        assertThat(group("{'containers':[{'resources':{'requests':{'nvidia.com/gpu':'0'}}}]}"))
                .as("a zero request is no request").isEqualTo("batch");
    }

    @Test
    void memoryRuleSeesTheLargestInitContainerAndTheSumOfContainers() {
        assertThat(group("{'initContainers':[{'resources':{'requests':{'memory':'64Gi'}}}],"
                + "'containers':[{'resources':{'requests':{'memory':'1Gi'}}}]}")).isEqualTo("highmem");
        assertThat(group("{'containers':[{'resources':{'requests':{'memory':'32Gi'}}},"
                + "{'resources':{'limits':{'memory':'32Gi'}}}]}")).isEqualTo("highmem");
        assertThat(group("{'containers':[{'resources':{'requests':{'memory':'60Gi'}}}],"
                + "'overhead':{'memory':'4Gi'}}")).isEqualTo("highmem");
    }

    @Test
    void ownerKindsAndLabelRulesDecideWhatAJobPodIs() {
        String spec = "{'containers':[]}";
        assertThat(outcome(json("{'metadata':{'ownerReferences':[{'apiVersion':'apps/v1','kind':'ReplicaSet',"
                + "'controller':true}]},'spec':" + spec + "}"))).isEqualTo(Outcome.SKIPPED);
        assertThat(outcome(json("{'metadata':{'ownerReferences':[{'apiVersion':'batch/v1','kind':'Job'}]},"
                + "'spec':" + spec + "}"))).as("not the controller").isEqualTo(Outcome.SKIPPED);
        assertThat(outcome(json("{'metadata':{'ownerReferences':[{'apiVersion':'argoproj.io/v1alpha1',"
                + "'kind':'Workflow','controller':true}]},'spec':" + spec + "}"))).isEqualTo(Outcome.MUTATED);
        assertThat(outcome(json("{'metadata':{'labels':{'job-name':'j'}},'spec':" + spec + "}")))
                .isEqualTo(Outcome.MUTATED);
        assertThat(outcome(json("{'metadata':{'labels':{'batch.kubernetes.io/job-name':'j'}},'spec':" + spec + "}")))
                .isEqualTo(Outcome.MUTATED);
        assertThat(outcome(json("{'metadata':{'labels':{'spark-role':'driver'}},'spec':" + spec + "}")))
                .isEqualTo(Outcome.MUTATED);
        assertThat(outcome(json("{'metadata':{'labels':{'spark-role':'shuffle'}},'spec':" + spec + "}")))
                .isEqualTo(Outcome.SKIPPED);
    }

    @Test
    void optOutAnnotationLeavesAJobPodAlone() {
        Mutation m = mutator.mutate(jobPod(",'annotations':{'joblane.io/inject':'false'}", "{}"), "ns", USER);

        assertThat(m.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(m.reason()).contains("opted out");
    }

    @Test
    void strictModeTrustsOwnersAndJobLabelsOnlyFromTheJobController() {
        JoblaneConfig strict = TestData.config("nodeGroups: [{name: batch, default: true}]\n"
                + "webhook: {strictOwner: true, jobLabels: [{key: spark-role}]}\n");
        PodMutator strictMutator = new PodMutator(() -> strict, NamespaceAnnotations.NONE);
        JsonNode byOwner = jobPod("", "{}");
        JsonNode byJobLabel = json("{'metadata':{'labels':{'batch.kubernetes.io/job-name':'j'}}}");
        JsonNode byRule = json("{'metadata':{'labels':{'spark-role':'executor'}}}");

        assertThat(strictMutator.mutate(byOwner, "ns", USER).outcome()).isEqualTo(Outcome.MUTATED);
        assertThat(strictMutator.mutate(byOwner, "ns", "alice").outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(strictMutator.mutate(byJobLabel, "ns", "alice").outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(strictMutator.mutate(byRule, "ns", "alice").outcome()).isEqualTo(Outcome.MUTATED);
    }

    @Test
    void wrongTypesAreReportedWithTheirPath() {
        assertThatThrownBy(() -> mutator.mutate(json("{'metadata':{'labels':{'job-name':5}}}"), "ns", USER))
                .isInstanceOf(InvalidPodException.class).hasMessage("metadata.labels.job-name: must be a string");
        assertThatThrownBy(() -> mutator.mutate(jobPod("", "{'tolerations':{}}"), "ns", USER))
                .hasMessage("spec.tolerations: must be an array");
        assertThatThrownBy(() -> mutator.mutate(jobPod("", "{'containers':[{'resources':{'requests':"
                + "{'memory':[1]}}}]}"), "ns", USER))
                .hasMessage("spec.containers[0].resources.requests.memory: must be a quantity");
        assertThatThrownBy(() -> mutator.mutate(json("{'metadata':{'ownerReferences':[7]}}"), "ns", USER))
                .hasMessage("metadata.ownerReferences[0]: must be an object");
    }

    @Test
    void pointerTokensEscapeTildeBeforeSlash() {
        assertThat(JsonPointer.escape("a/b~c")).isEqualTo("a~1b~0c");
        assertThat(JsonPointer.escape("~1")).isEqualTo("~01");
        assertThat(JsonPointer.escape("plain")).isEqualTo("plain");
    }

    private String group(String spec) {
        return mutator.mutate(jobPod("", spec), "ns", USER).group();
    }

    private Outcome outcome(JsonNode pod) {
        return mutator.mutate(pod, "ns", USER).outcome();
    }

    static JsonNode applied(JsonNode pod, Mutation m) {
        return JsonPatch.apply(m.patch(), pod);
    }
}
