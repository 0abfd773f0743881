package io.joblane.webhook.mutation;

import static io.joblane.webhook.TestData.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.lanes.FamilyTable;
import io.joblane.webhook.TestData;
import io.joblane.webhook.admission.AdmissionCodec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Spot in the webhook: the exact preferred on-demand term for long Jobs, and when a pod gets none. */
class OnDemandPreferenceTest {
    private static final String USER = "system:serviceaccount:kube-system:job-controller";
    private static final long NOW = 29_000_000L * 60_000;
    private static final String OWNER =
            "'ownerReferences':[{'apiVersion':'batch/v1','kind':'Job','name':'j','uid':'u1','controller':true}]";
    private static final String PREFERRED =
            "/spec/affinity/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution";
    static final String ON_DEMAND = "{'weight':100,'preference':{'matchExpressions':[{'key':"
            + "'eks.amazonaws.com/capacityType','operator':'In','values':['ON_DEMAND']}]}}";
    static final JoblaneConfig CONFIG = TestData.config("""
            nodeGroups:
              - name: batch
                default: true
                taints: [{key: joblane.io/dedicated, value: batch, effect: NoSchedule}]
                spot: {preferOnDemandAbove: 1h}
              - name: short
                taints: [{key: joblane.io/dedicated, value: short, effect: NoSchedule}]
            """);

    private static final FamilyTable EMPTY = FamilyTable.EMPTY;

    private static JsonNode pod(String annotations, String spec) {
        return json("{'metadata':{'generateName':'j-'," + OWNER + ",'labels':{'job-name':'j'},'annotations':{"
                + annotations + "}},'spec':" + spec + "}");
    }

    private static String q(String s) {
        return s.replace('\'', '"');
    }

    private static Mutation mutate(LanePreference lanes, JsonNode pod) {
        return new PodMutator(() -> CONFIG, NamespaceAnnotations.NONE, lanes).mutate(pod, "ml", USER);
    }

    @Test
    void aJobPredictedLongerThanTheThresholdPrefersOnDemandAfterItsLane() {
        Mutation m = mutate(
                new LanePreference(() -> EMPTY, () -> NOW),
                pod("'joblane.io/expected-duration':'90m'", "{'containers':[]}"));
        assertThat(AdmissionCodec.patchText(m.patch()))
                .endsWith(q("{'op':'add','path':'" + PREFERRED + "','value':["
                        + LanePreferenceTest.lanes(29_000_090, 22) + "]},"
                        + "{'op':'add','path':'" + PREFERRED + "/-','value':" + ON_DEMAND + "}]"));
        assertThat(m.reason()).endsWith("prefers on-demand (predicted 90m from its annotation)");
    }

    @Test
    void withLanesOffTheDeadlineStillPredictsAndTheTermIsNeverRequired() {
        Mutation m = mutate(LanePreference.OFF, pod("", "{'activeDeadlineSeconds':7200,'containers':[]}"));
        String text = AdmissionCodec.patchText(m.patch());
        assertThat(text).endsWith(q("{'op':'add','path':'" + PREFERRED + "','value':[" + ON_DEMAND + "]}]"));
        assertThat(text.indexOf("capacityType"))
                .as("only in the preferred term, never a required one")
                .isEqualTo(text.lastIndexOf("capacityType"));
    }

    @Test
    void aShortJobAGroupWithoutThresholdOrAPodWithItsOwnCapacityPreferenceGetsNone() {
        LanePreference off = LanePreference.OFF;
        assertThat(AdmissionCodec.patchText(
                        mutate(off, pod("'joblane.io/expected-duration':'59m'", "{'containers':[]}"))
                                .patch()))
                .as("at or below the threshold")
                .doesNotContain("capacityType");
        assertThat(AdmissionCodec.patchText(mutate(
                                off,
                                pod(
                                        "'joblane.io/expected-duration':'5h','joblane.io/node-group':'short'",
                                        "{'containers':[]}"))
                        .patch()))
                .as("a group without spot.preferOnDemandAbove")
                .doesNotContain("capacityType");
        String own = "{'affinity':{'nodeAffinity':{'preferredDuringSchedulingIgnoredDuringExecution':[{'weight':1,"
                + "'preference':{'matchExpressions':[{'key':'eks.amazonaws.com/capacityType','operator':'In',"
                + "'values':['SPOT']}]}}]}}}";
        assertThat(AdmissionCodec.patchText(mutate(off, pod("'joblane.io/expected-duration':'5h'", own))
                        .patch()))
                .as("the pod's own capacity preference is kept")
                .doesNotContain("ON_DEMAND");
    }

    @Test
    void aSecondCallOnThePatchedPodChangesNothing() {
        // Guards against a reinvocation adding the on-demand term twice.
        LanePreference lanes = new LanePreference(() -> new FamilyTable(Map.of()), () -> NOW);
        JsonNode pod = pod("'joblane.io/expected-duration':'3h'", "{'containers':[]}");
        JsonNode patched = JsonPatch.apply(mutate(lanes, pod).patch(), pod);
        Mutation again = mutate(lanes, patched);
        assertThat(again.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(again.patch()).isEmpty();
    }
}
