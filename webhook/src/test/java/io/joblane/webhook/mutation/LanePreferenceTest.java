package io.joblane.webhook.mutation;

import static io.joblane.webhook.TestData.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.joblane.model.lanes.FamilyTable;
import io.joblane.model.lanes.RunTimes;
import io.joblane.webhook.TestData;
import io.joblane.webhook.admission.AdmissionCodec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lanes in the webhook: the exact preferred node affinity term, and when a pod gets none. */
class LanePreferenceTest {
    private static final String USER = "system:serviceaccount:kube-system:job-controller";
    private static final long NOW = 29_000_000L * 60_000; // minute 29,000,000 since the epoch
    private static final String OWNER =
            "'ownerReferences':[{'apiVersion':'batch/v1','kind':'Job','name':'j','uid':'u1','controller':true}]";
    /** What every steered pod with labels and annotations but no affinity gets before its lane. */
    private static final String STEERED =
            "{'op':'add','path':'/metadata/labels/joblane.io~1node-group','value':'batch'},"
                    + "{'op':'add','path':'/metadata/annotations/cluster-autoscaler.kubernetes.io~1safe-to-evict','value':'false'},"
                    + "{'op':'add','path':'/metadata/annotations/karpenter.sh~1do-not-disrupt','value':'true'},"
                    + "{'op':'add','path':'/spec/nodeSelector','value':{'joblane.io/node-group':'batch'}},"
                    + "{'op':'add','path':'/spec/tolerations','value':[{'key':'joblane.io/dedicated','operator':'Equal',"
                    + "'value':'batch','effect':'NoSchedule'}]},"
                    + PodMutatorTest.FENCE;

    private static final String PREFERRED =
            "/spec/affinity/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution";

    private static final FamilyTable TABLE =
            new FamilyTable(Map.of("ml/nightly", RunTimes.first(20 * 60_000, 1).then(40 * 60_000, 2)));
    private final PodMutator mutator =
            new PodMutator(TestData::groups, NamespaceAnnotations.NONE, new LanePreference(() -> TABLE, () -> NOW));

    private static JsonNode pod(String labels, String annotations, String spec) {
        return json("{'metadata':{'generateName':'j-'," + OWNER + ",'labels':{" + labels + "},'annotations':{"
                + annotations + "}},'spec':" + spec + "}");
    }

    private static String q(String s) {
        return s.replace('\'', '"');
    }

    /** One lane term on {@code joblane.io/lane-end}: Gt {@code greaterThan} and, when positive, Lt {@code lessThan}. */
    private static String term(int weight, long greaterThan, long lessThan) {
        return "{'weight':" + weight
                + ",'preference':{'matchExpressions':[{'key':'joblane.io/lane-end','operator':'Gt',"
                + "'values':['" + greaterThan + "']}"
                + (lessThan > 0 ? ",{'key':'joblane.io/lane-end','operator':'Lt','values':['" + lessThan + "']}" : "")
                + "]}}";
    }

    /**
     * The graded lane of a pod expected to end at {@code endMinute} with a margin of {@code margin} minutes, as the
     * items of the preferred array: extends the node by at most the margin (10), outlives it (25), ends within the
     * margin after it (15).
     */
    static String lanes(long endMinute, long margin) {
        return term(10, endMinute - margin - 1, 0) + "," + term(25, endMinute - 1, 0) + ","
                + term(15, endMinute - 1, endMinute + margin + 1);
    }

    private static String lane(long endMinute) {
        return term(50, endMinute, 0);
    }

    /** The lane terms appended one by one after the pod's own preferred terms. */
    private static String appended(String terms) {
        StringBuilder ops = new StringBuilder();
        for (String term : terms.split(",(?=\\{'weight')")) {
            ops.append(ops.length() == 0 ? "" : ",")
                    .append("{'op':'add','path':'" + PREFERRED + "/-','value':" + term + "}");
        }
        return ops.toString();
    }

    private Mutation mutate(JsonNode pod) {
        return mutator.mutate(pod, "ml", USER);
    }

    @Test
    void theAnnotationGivesAPreferredTermOnTheExpectedEndInMinutes() {
        Mutation m = mutate(pod("'job-name':'j'", "'joblane.io/expected-duration':'90m'", "{'containers':[]}"));
        assertThat(AdmissionCodec.patchText(m.patch()))
                .isEqualTo(q("[" + STEERED + ",{'op':'add','path':'" + PREFERRED + "','value':[" + lanes(29_000_090, 22)
                        + "]}]"));
        assertThat(m.reason()).endsWith("lane ends around minute 29000090 (margin 22m) from its annotation");
        assertThat(m.warnings()).isEmpty();
    }

    @Test
    void aCronJobRunIsPredictedFromItsFamilysLastTwoRuns() {
        Mutation m = mutate(pod("'batch.kubernetes.io/job-name':'nightly-29412345'", "", "{'containers':[]}"));
        assertThat(AdmissionCodec.patchText(m.patch()))
                .endsWith(q(",{'op':'add','path':'" + PREFERRED + "','value':[" + lanes(29_000_030, 7) + "]}]"));
    }

    @Test
    void theTermIsAppendedToThePodsOwnPreferencesAndItsRequiredTermsOnlyGetTheFence() {
        String spec = "{'activeDeadlineSeconds':600,'affinity':{'nodeAffinity':{"
                + "'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':[{'matchExpressions':["
                + "{'key':'zone','operator':'In','values':['a']}]}]},"
                + "'preferredDuringSchedulingIgnoredDuringExecution':[{'weight':100,'preference':{'matchExpressions':["
                + "{'key':'disk','operator':'In','values':['ssd']}]}}]}}}";
        Mutation m = mutate(pod("'job-name':'j'", "'joblane.io/expected-duration':'soon'", spec));
        assertThat(AdmissionCodec.patchText(m.patch()))
                .endsWith(q(
                        "{'op':'add','path':'/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
                                + "/nodeSelectorTerms/0/matchExpressions/-','value':{'key':'joblane.io/draining',"
                                + "'operator':'DoesNotExist'}},"
                                + appended(lanes(29_000_010, 2)) + "]"));
        assertThat(m.warnings())
                .as("a bad annotation falls back to the deadline, and says so")
                .containsExactly(
                        "joblane: annotation joblane.io/expected-duration ignored: not a duration: \"soon\" (use e.g. 90s, 10m,"
                                + " 1h30m)");
    }

    @Test
    void aPodWithoutPredictionOrWithItsOwnLaneTermOrWithLanesOffGetsNoLane() {
        String noLane = "[" + STEERED + "]";
        assertThat(AdmissionCodec.patchText(
                        mutate(pod("'job-name':'j'", "", "{'containers':[]}")).patch()))
                .as("nothing known")
                .isEqualTo(q(noLane));
        String own =
                "{'affinity':{'nodeAffinity':{'preferredDuringSchedulingIgnoredDuringExecution':[" + lane(1) + "]}}}";
        assertThat(AdmissionCodec.patchText(mutate(pod("'job-name':'j'", "'joblane.io/expected-duration':'1h'", own))
                        .patch()))
                .as("the pod's own lane term is kept")
                .doesNotContain("preferred");
        PodMutator off = new PodMutator(TestData::groups, NamespaceAnnotations.NONE, LanePreference.OFF);
        assertThat(AdmissionCodec.patchText(off.mutate(
                                pod("'job-name':'j'", "'joblane.io/expected-duration':'1h'", "{'containers':[]}"),
                                "ml",
                                USER)
                        .patch()))
                .isEqualTo(q(noLane));
    }

    @Test
    void aSecondCallOnThePatchedPodChangesNothing() {
        JsonNode pod = pod("'job-name':'j'", "'joblane.io/expected-duration':'90m'", "{'containers':[]}");
        JsonNode patched = JsonPatch.apply(mutate(pod).patch(), pod);
        Mutation again = mutate(patched);
        assertThat(again.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(again.patch()).isEmpty();
    }
}
