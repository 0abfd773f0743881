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
    /** The draining fence of a pod that had no affinity at all. */
    static final String FENCE = "{'op':'add','path':'/spec/affinity','value':{'nodeAffinity':{"
            + "'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':[{'matchExpressions':["
            + "{'key':'joblane.io/draining','operator':'DoesNotExist'}]}]}}}}";

    private static final String FENCE_EXPRESSION = "{'key':'joblane.io/draining','operator':'DoesNotExist'}";
    private static final String TERMS =
            "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution" + "/nodeSelectorTerms";
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
        assertThat(patch(m))
                .isEqualTo(q("["
                        + "{'op':'add','path':'/metadata/labels','value':{'joblane.io/node-group':'batch'}},"
                        + "{'op':'add','path':'/metadata/annotations','value':{"
                        + "'cluster-autoscaler.kubernetes.io/safe-to-evict':'false','karpenter.sh/do-not-disrupt':'true'}},"
                        + "{'op':'add','path':'/spec/nodeSelector','value':{'joblane.io/node-group':'batch'}},"
                        + "{'op':'add','path':'/spec/tolerations','value':[" + BATCH_TOLERATION + "]},"
                        + FENCE + "]"));
    }

    @Test
    void existingMapsAndArraysGetSingleEntriesWithEscapedKeys() {
        JsonNode pod = jobPod(
                ",'labels':{'job-name':'j'},'annotations':{'a':'b'}",
                "{'nodeSelector':{'kubernetes.io/arch':'amd64'},'tolerations':[{'key':'x','operator':'Exists'}]}");

        Mutation m = mutator.mutate(pod, "ns", USER);

        assertThat(patch(m))
                .isEqualTo(q("["
                        + "{'op':'add','path':'/metadata/labels/joblane.io~1node-group','value':'batch'},"
                        + "{'op':'add','path':'/metadata/annotations/cluster-autoscaler.kubernetes.io~1safe-to-evict','value':'false'},"
                        + "{'op':'add','path':'/metadata/annotations/karpenter.sh~1do-not-disrupt','value':'true'},"
                        + "{'op':'add','path':'/spec/nodeSelector/joblane.io~1node-group','value':'batch'},"
                        + "{'op':'add','path':'/spec/tolerations/-','value':" + BATCH_TOLERATION + "},"
                        + FENCE + "]"));
    }

    @Test
    void podWithoutMetadataOrSpecGetsThemCreated() {
        JsonNode pod = json("{'kind':'Pod'}");
        JoblaneConfig byLabelOnly =
                TestData.config("nodeGroups: [{name: batch, default: true}]\nwebhook: {jobLabels: [{key: team}]}\n");
        JsonNode labelled = json("{'metadata':{'labels':{'team':'x'}}}");

        Mutation none = new PodMutator(() -> byLabelOnly, NamespaceAnnotations.NONE).mutate(pod, "ns", USER);
        Mutation m = new PodMutator(() -> byLabelOnly, NamespaceAnnotations.NONE).mutate(labelled, "ns", USER);

        assertThat(none.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(patch(m))
                .isEqualTo(q("["
                        + "{'op':'add','path':'/metadata/labels/joblane.io~1node-group','value':'batch'},"
                        + "{'op':'add','path':'/metadata/annotations','value':{"
                        + "'cluster-autoscaler.kubernetes.io/safe-to-evict':'false','karpenter.sh/do-not-disrupt':'true'}},"
                        + "{'op':'add','path':'/spec','value':{'nodeSelector':{'joblane.io/node-group':'batch'},"
                        + "'tolerations':[],'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
                        + "{'nodeSelectorTerms':[{'matchExpressions':[" + FENCE_EXPRESSION + "]}]}}}}}]"));
        assertThat(applied(labelled, m)
                        .at("/spec/nodeSelector/joblane.io~1node-group")
                        .asText())
                .isEqualTo("batch");
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
        JsonNode pod = jobPod(
                "",
                "{'containers':[{'name':'c','resources':{'limits':{'nvidia.com/gpu':'1'}}}],"
                        + "'tolerations':[{'key':'nvidia.com/gpu','operator':'Exists','effect':'NoSchedule'}]}");

        Mutation m = mutator.mutate(pod, "ns", USER);

        assertThat(m.group()).isEqualTo("gpu");
        assertThat(patch(m))
                .contains(q("{'op':'add','path':'/spec/tolerations/-','value':"
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
        JsonNode pod = jobPod(
                ",'labels':{},'annotations':{}",
                "{'containers':[{'name':'c','resources':{'requests':{'memory':'64Gi'}}}],"
                        + "'nodeSelector':{},'tolerations':[],'schedulerName':'default-scheduler'}");

        Mutation m = mutator.mutate(pod, "ns", USER);

        assertThat(patch(m))
                .endsWith(q("{'op':'add','path':'/spec/nodeSelector/joblane.io~1node-group','value':'highmem'},"
                        + "{'op':'add','path':'/spec/nodeSelector/node.kubernetes.io~1instance-type','value':'r6i.4xlarge'},"
                        + "{'op':'add','path':'/spec/tolerations/-','value':"
                        + "{'key':'joblane.io/dedicated','operator':'Equal','value':'highmem','effect':'NoSchedule'}},"
                        + "{'op':'replace','path':'/spec/schedulerName','value':'packing-scheduler'},"
                        + FENCE + "]"));
    }

    @Test
    void schedulerIsAddedWhenAbsentAndAnotherSchedulerIsKeptWithAWarning() {
        String spec = "{'containers':[{'name':'c','resources':{'requests':{'memory':'80Gi'}}}]%s}";
        Mutation absent = mutator.mutate(jobPod("", spec.formatted("")), "ns", USER);
        Mutation custom = mutator.mutate(jobPod("", spec.formatted(",'schedulerName':'volcano'")), "ns", USER);

        assertThat(patch(absent)).contains(q("{'op':'add','path':'/spec/schedulerName','value':'packing-scheduler'}"));
        assertThat(patch(custom)).doesNotContain("schedulerName");
        assertThat(custom.warnings())
                .containsExactly("joblane: pod sets schedulerName \"volcano\"; kept instead of \"packing-scheduler\"");
        assertThat(custom.conflicts()).isEqualTo(1);
    }

    @Test
    void userSetValuesAreKeptAndReported() {
        JsonNode pod = jobPod(
                ",'labels':{'joblane.io/node-group':'batch'},'annotations':{"
                        + "'cluster-autoscaler.kubernetes.io/safe-to-evict':'true','karpenter.sh/do-not-disrupt':'false'}",
                "{'containers':[]}");

        Mutation m = mutator.mutate(pod, "ns", USER);

        assertThat(m.outcome()).isEqualTo(Outcome.MUTATED);
        assertThat(m.conflicts()).isEqualTo(2);
        assertThat(m.warnings())
                .containsExactly(
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
        assertThat(m.warnings())
                .containsExactly(
                        "joblane: pod already selects node group \"gpu\"; kept instead of \"batch\" (default group)");
        JsonNode result = applied(pod, m);
        assertThat(result.at("/spec/nodeSelector").size()).isEqualTo(1);
        assertThat(result.at("/spec/tolerations/0/value").asText()).isEqualTo("gpu");
        assertThat(result.at("/spec/tolerations/1/key").asText()).isEqualTo("nvidia.com/gpu");
        assertThat(result.at("/spec/tolerations/1/operator").asText()).isEqualTo("Exists");
    }

    // Regression: a pod naming a group that does not exist got no patch, only a warning nobody reads (the Job
    // controller's); it ran unprotected on general nodes or never scheduled.
    @Test
    void podNamingAnUnknownGroupAnywhereIsRefusedWithTheConfiguredNames() {
        String known = "; configured groups: batch, gpu, highmem, bigcpu";
        NamespaceAnnotations namespaces =
                NamespaceAnnotations.of(Map.of("typo", Map.of(WellKnown.NODE_GROUP_ANNOTATION, "gpus")));
        PodMutator withNamespaces = new PodMutator(() -> GROUPS, namespaces);

        Mutation bySelector =
                mutator.mutate(jobPod("", "{'nodeSelector':{'joblane.io/node-group':'nope'}}"), "ns", USER);
        Mutation byAnnotation =
                mutator.mutate(jobPod(",'annotations':{'joblane.io/node-group':'typo'}", "{}"), "ns", USER);
        Mutation byLabel = mutator.mutate(jobPod(",'labels':{'joblane.io/node-group':'mine'}", "{}"), "ns", USER);
        Mutation byNamespace = withNamespaces.mutate(jobPod("", "{}"), "typo", USER);
        Mutation byAffinity = mutator.mutate(
                jobPod(
                        "",
                        "{'affinity':{'nodeAffinity':{"
                                + "'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':[{'matchExpressions':["
                                + "{'key':'joblane.io/node-group','operator':'In','values':['old-gpu']}]}]}}}}"),
                "ns",
                USER);

        assertThat(bySelector.denial()).isEqualTo("node group \"nope\" (pod nodeSelector) is not configured" + known);
        assertThat(byAnnotation.denial()).isEqualTo("node group \"typo\" (pod annotation) is not configured" + known);
        assertThat(byLabel.denial()).isEqualTo("node group \"mine\" (pod label) is not configured" + known);
        assertThat(byNamespace.denial())
                .isEqualTo("node group \"gpus\" (namespace annotation) is not configured" + known);
        assertThat(byAffinity.denial())
                .isEqualTo("node group \"old-gpu\" (pod required node affinity) is not configured" + known);
        for (Mutation m : new Mutation[] {bySelector, byAnnotation, byLabel, byNamespace, byAffinity}) {
            assertThat(m.outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(m.groupLabel()).isEqualTo("unknown");
            assertThat(patch(m)).isEqualTo("[]");
        }
    }

    // Regression: a pod bound by spec.nodeName got the group nodeSelector and the kubelet failed it (NodeAffinity).
    @Test
    void podBoundToANodeIsLeftAloneWithAWarning() {
        Mutation m = mutator.mutate(jobPod("", "{'nodeName':'ip-10-0-0-1','containers':[]}"), "ns", USER);

        assertThat(m.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(patch(m)).isEqualTo("[]");
        assertThat(m.warnings())
                .containsExactly("joblane: pod is bound to node \"ip-10-0-0-1\" by spec.nodeName;"
                        + " left unchanged (a node group selector would make the kubelet reject it)");
    }

    // Regression: required affinity "joblane.io/node-group In [gpu]" got nodeSelector batch and could never schedule.
    @Test
    void requiredAffinityNamingAGroupIsHonouredAndFencedInItsTerm() {
        JsonNode pod = jobPod(
                "",
                "{'containers':[],'affinity':{'nodeAffinity':{"
                        + "'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':[{'matchExpressions':["
                        + "{'key':'joblane.io/node-group','operator':'In','values':['gpu']}]}]}}}}");

        Mutation m = mutator.mutate(pod, "ns", USER);

        assertThat(m.group()).isEqualTo("gpu");
        assertThat(m.warnings())
                .containsExactly("joblane: pod's nodeSelector or required node affinity excludes node"
                        + " group \"batch\" (default group); chose \"gpu\", which they allow");
        assertThat(patch(m))
                .isEqualTo(q("["
                        + "{'op':'add','path':'/metadata/labels','value':{'joblane.io/node-group':'gpu'}},"
                        + "{'op':'add','path':'/metadata/annotations','value':{"
                        + "'cluster-autoscaler.kubernetes.io/safe-to-evict':'false','karpenter.sh/do-not-disrupt':'true'}},"
                        + "{'op':'add','path':'/spec/nodeSelector','value':{'joblane.io/node-group':'gpu'}},"
                        + "{'op':'add','path':'/spec/tolerations','value':["
                        + "{'key':'joblane.io/dedicated','operator':'Equal','value':'gpu','effect':'NoSchedule'},"
                        + "{'key':'nvidia.com/gpu','operator':'Exists','effect':'NoSchedule'}]},"
                        + "{'op':'add','path':'" + TERMS + "/0/matchExpressions/-','value':" + FENCE_EXPRESSION
                        + "}]"));
        assertThat(mutator.mutate(applied(pod, m), "ns", USER).patch()).isEmpty();
    }

    @Test
    void wishExcludedByTheSelectorOfAnotherKeyGivesWayToAGroupItAllows() {
        // highmem's nodes are r6i.4xlarge: a pod that insists on m5 can only go to a group without that label.
        JsonNode pod = jobPod(
                "",
                "{'containers':[{'resources':{'requests':{'memory':'100Gi'}}}],"
                        + "'nodeSelector':{'node.kubernetes.io/instance-type':'m5.large'}}");

        Mutation m = mutator.mutate(pod, "ns", USER);

        assertThat(m.group()).isEqualTo("batch");
        assertThat(m.warnings())
                .containsExactly("joblane: pod's nodeSelector or required node affinity excludes node"
                        + " group \"highmem\" (resource rule); chose \"batch\", which they allow");
        assertThat(applied(pod, m)
                        .at("/spec/nodeSelector/node.kubernetes.io~1instance-type")
                        .asText())
                .isEqualTo("m5.large");
    }

    @Test
    void podWhoseOwnConstraintsExcludeEveryGroupIsLeftAlone() {
        JsonNode pinnedButWrongType = jobPod(
                "",
                "{'nodeSelector':{'joblane.io/node-group':'highmem',"
                        + "'node.kubernetes.io/instance-type':'m5.large'}}");
        JsonNode noGroupNodes = jobPod(
                "",
                "{'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
                        + "{'nodeSelectorTerms':[{'matchExpressions':[{'key':'joblane.io/node-group','operator':'DoesNotExist'}]}]}}}}");

        Mutation pinned = mutator.mutate(pinnedButWrongType, "ns", USER);
        Mutation none = mutator.mutate(noGroupNodes, "ns", USER);

        assertThat(pinned.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(patch(pinned)).isEqualTo("[]");
        assertThat(pinned.warnings())
                .last()
                .asString()
                .isEqualTo(
                        "joblane: pod's nodeSelector or required node"
                                + " affinity excludes every node group it may use (\"highmem\" from pod nodeSelector); pod left unchanged");
        assertThat(none.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(patch(none)).isEqualTo("[]");
    }

    // Regression: a pod labelled highmem kept its label and got selector batch; the scaler scaled the wrong group.
    @Test
    void groupLabelAndSelectorAlwaysNameTheSameGroup() {
        JsonNode labelOnly = jobPod(",'labels':{'joblane.io/node-group':'highmem'}", "{'containers':[]}");
        JsonNode labelAgainstAnnotation = jobPod(
                ",'labels':{'joblane.io/node-group':'highmem'}," + "'annotations':{'joblane.io/node-group':'gpu'}",
                "{'containers':[]}");

        Mutation byLabel = mutator.mutate(labelOnly, "ns", USER);
        Mutation replaced = mutator.mutate(labelAgainstAnnotation, "ns", USER);

        assertThat(byLabel.group()).isEqualTo("highmem");
        assertThat(applied(labelOnly, byLabel)
                        .at("/spec/nodeSelector/joblane.io~1node-group")
                        .asText())
                .isEqualTo("highmem");
        assertThat(patch(replaced))
                .startsWith(q("[{'op':'replace','path':'/metadata/labels/joblane.io~1node-group','value':'gpu'},"));
        assertThat(replaced.warnings())
                .containsExactly("joblane: pod label joblane.io/node-group=\"highmem\""
                        + " replaced by \"gpu\", the group the pod is steered to");
        JsonNode patched = applied(labelAgainstAnnotation, replaced);
        assertThat(patched.at("/metadata/labels/joblane.io~1node-group").asText())
                .isEqualTo("gpu");
        assertThat(patched.at("/spec/nodeSelector/joblane.io~1node-group").asText())
                .isEqualTo("gpu");
        assertThat(mutator.mutate(patched, "ns", USER).patch()).isEmpty();
    }

    @Test
    void drainingFenceIsMergedIntoEveryTermThatCanMatchAndNeverTwice() {
        JsonNode pod = jobPod(
                "",
                "{'affinity':{'podAntiAffinity':{},'nodeAffinity':{"
                        + "'preferredDuringSchedulingIgnoredDuringExecution':[],"
                        + "'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':["
                        + "{'matchExpressions':[{'key':'zone','operator':'In','values':['a']}]},"
                        + "{'matchFields':[{'key':'metadata.name','operator':'In','values':['n1']}]},"
                        + "{},"
                        + "{'matchExpressions':[" + FENCE_EXPRESSION + "]}]}}}}");

        Mutation m = mutator.mutate(pod, "ns", USER);

        assertThat(patch(m))
                .endsWith(q("{'op':'add','path':'" + TERMS + "/0/matchExpressions/-','value':" + FENCE_EXPRESSION + "},"
                        + "{'op':'add','path':'" + TERMS + "/1/matchExpressions','value':[" + FENCE_EXPRESSION
                        + "]}]"));
        JsonNode patched = applied(pod, m);
        assertThat(patched.at(TERMS + "/2").isEmpty())
                .as("an empty term matches nothing and must stay so")
                .isTrue();
        assertThat(mutator.mutate(patched, "ns", USER).patch()).isEmpty();
    }

    @Test
    void drainingFenceCreatesOnlyTheLevelsThatAreMissing() {
        String tail = ",'containers':[],'tolerations':[" + BATCH_TOLERATION
                + "],'nodeSelector':{'joblane.io/node-group':'batch'}}";
        String[][] cases = {
            {
                "{'affinity':{'podAntiAffinity':{}}" + tail,
                "{'op':'add','path':'/spec/affinity/nodeAffinity','value':{"
                        + "'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':[{'matchExpressions':["
                        + FENCE_EXPRESSION + "]}]}}}"
            },
            {
                "{'affinity':{'nodeAffinity':{'preferredDuringSchedulingIgnoredDuringExecution':[]}}" + tail,
                "{'op':'add','path':'/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution',"
                        + "'value':{'nodeSelectorTerms':[{'matchExpressions':[" + FENCE_EXPRESSION + "]}]}}"
            },
            {
                "{'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':[]}}}"
                        + tail,
                "{'op':'add','path':'" + TERMS + "','value':[{'matchExpressions':[" + FENCE_EXPRESSION + "]}]}"
            },
        };
        String protectedPod = ",'labels':{'joblane.io/node-group':'batch'},'annotations':{"
                + "'cluster-autoscaler.kubernetes.io/safe-to-evict':'false','karpenter.sh/do-not-disrupt':'true'}";
        for (String[] c : cases) {
            JsonNode pod = jobPod(protectedPod, c[0]);
            Mutation m = mutator.mutate(pod, "ns", USER);
            assertThat(patch(m)).as(c[0]).isEqualTo(q("[" + c[1] + "]"));
            assertThat(mutator.mutate(applied(pod, m), "ns", USER).patch())
                    .as(c[0])
                    .isEmpty();
        }
    }

    @Test
    void wrongTypesInTheAffinityAreReportedWithTheirPath() {
        assertThatThrownBy(() -> mutator.mutate(
                        jobPod(
                                "",
                                "{'affinity':{'nodeAffinity':{"
                                        + "'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':[{'matchExpressions':"
                                        + "[{'key':'a','operator':'In','values':[1]}]}]}}}}"),
                        "ns",
                        USER))
                .hasMessage("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                        + ".nodeSelectorTerms[0].matchExpressions[0].values[0]: must be a string");
        assertThatThrownBy(() -> mutator.mutate(jobPod("", "{'nodeName':3}"), "ns", USER))
                .hasMessage("spec.nodeName: must be a string");
    }

    @Test
    void podAnnotationBeatsNamespaceAnnotationWhichBeatsResourceRules() {
        NamespaceAnnotations namespaces =
                NamespaceAnnotations.of(Map.of("ml", Map.of(WellKnown.NODE_GROUP_ANNOTATION, "highmem")));
        PodMutator withNamespaces = new PodMutator(() -> GROUPS, namespaces);
        String gpuSpec = "{'containers':[{'name':'c','resources':{'limits':{'nvidia.com/gpu':'2'}}}]}";

        assertThat(withNamespaces.mutate(jobPod("", gpuSpec), "ml", USER).group())
                .isEqualTo("highmem");
        assertThat(withNamespaces.mutate(jobPod("", gpuSpec), "other", USER).group())
                .isEqualTo("gpu");
        assertThat(withNamespaces
                        .mutate(jobPod(",'annotations':{'joblane.io/node-group':'batch'}", gpuSpec), "ml", USER)
                        .group())
                .isEqualTo("batch");
    }

    @Test
    void resourceRulesApplyInFileOrderThenTheDefault() {
        assertThat(group("{'containers':[{'resources':{'requests':{'cpu':'40','memory':'100Gi'}}}]}"))
                .as("highmem is listed before bigcpu")
                .isEqualTo("highmem");
        assertThat(group("{'containers':[{'resources':{'requests':{'cpu':'40'}}}]}"))
                .isEqualTo("bigcpu");
        assertThat(group("{'containers':[{'resources':{'requests':{'cpu':'31','memory':'63Gi'}}}]}"))
                .isEqualTo("batch");
        assertThat(group("{'containers':[{'resources':{'requests':{'nvidia.com/gpu':'0'}}}]}"))
                .as("a zero request is no request")
                .isEqualTo("batch");
    }

    @Test
    void memoryRuleSeesTheLargestInitContainerAndTheSumOfContainers() {
        assertThat(group("{'initContainers':[{'resources':{'requests':{'memory':'64Gi'}}}],"
                        + "'containers':[{'resources':{'requests':{'memory':'1Gi'}}}]}"))
                .isEqualTo("highmem");
        assertThat(group("{'containers':[{'resources':{'requests':{'memory':'32Gi'}}},"
                        + "{'resources':{'limits':{'memory':'32Gi'}}}]}"))
                .isEqualTo("highmem");
        assertThat(group("{'containers':[{'resources':{'requests':{'memory':'60Gi'}}}],"
                        + "'overhead':{'memory':'4Gi'}}"))
                .isEqualTo("highmem");
    }

    @Test
    void ownerKindsAndLabelRulesDecideWhatAJobPodIs() {
        String spec = "{'containers':[]}";
        assertThat(outcome(json("{'metadata':{'ownerReferences':[{'apiVersion':'apps/v1','kind':'ReplicaSet',"
                        + "'controller':true}]},'spec':" + spec + "}")))
                .isEqualTo(Outcome.SKIPPED);
        assertThat(outcome(json("{'metadata':{'ownerReferences':[{'apiVersion':'batch/v1','kind':'Job'}]}," + "'spec':"
                        + spec + "}")))
                .as("not the controller")
                .isEqualTo(Outcome.SKIPPED);
        assertThat(outcome(json("{'metadata':{'ownerReferences':[{'apiVersion':'argoproj.io/v1alpha1',"
                        + "'kind':'Workflow','controller':true}]},'spec':" + spec + "}")))
                .isEqualTo(Outcome.MUTATED);
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
                .isInstanceOf(InvalidPodException.class)
                .hasMessage("metadata.labels.job-name: must be a string");
        assertThatThrownBy(() -> mutator.mutate(jobPod("", "{'tolerations':{}}"), "ns", USER))
                .hasMessage("spec.tolerations: must be an array");
        assertThatThrownBy(() -> mutator.mutate(
                        jobPod("", "{'containers':[{'resources':{'requests':" + "{'memory':[1]}}}]}"), "ns", USER))
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
