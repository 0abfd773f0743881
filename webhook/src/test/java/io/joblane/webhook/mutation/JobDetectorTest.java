package io.joblane.webhook.mutation;

import static io.joblane.webhook.TestData.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.joblane.model.config.WebhookSettings;
import io.joblane.webhook.TestData;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each rule of the detector names itself, and the first rule that matches is the one reported. */
class JobDetectorTest {
    private static final WebhookSettings SETTINGS = TestData.groups().webhook();
    private static final String USER = "system:serviceaccount:kube-system:job-controller";

    private static JobEvidence evidence(String pod) {
        JsonNode json = json(pod);
        return JobDetector.evidence(
                json, PodJson.stringMap(json.get("metadata"), "labels", "metadata.labels"), USER, SETTINGS);
    }

    @Test
    void eachRuleReportsItsKindAndWhatItMatchedOn() {
        Map<String, JobEvidence> cases = Map.of(
                "{'metadata':{'ownerReferences':[{'apiVersion':'batch/v1','kind':'Job','controller':true}]}}",
                new JobEvidence(JobEvidence.Kind.CONTROLLER_OWNER_JOB, "Job"),
                "{'metadata':{'ownerReferences':[{'apiVersion':'argoproj.io/v1alpha1','kind':'Workflow',"
                        + "'controller':true}]}}",
                new JobEvidence(JobEvidence.Kind.CONTROLLER_OWNER_RULE, "Workflow (argoproj.io/v1alpha1)"),
                "{'metadata':{'labels':{'job-name':'j'}}}",
                new JobEvidence(JobEvidence.Kind.JOB_NAME_LABEL, "job-name"),
                "{'metadata':{'labels':{'spark-role':'driver'}}}",
                new JobEvidence(JobEvidence.Kind.LABEL_RULE, "spark-role"));
        cases.forEach((pod, expected) -> assertThat(evidence(pod)).as(pod).isEqualTo(expected));
        assertThat(evidence("{'metadata':{'labels':{'spark-role':'shuffle'}}}")).isNull();
    }

    @Test
    void anOwnerBeatsALabelAndTheLogTextSaysWhich() {
        JobEvidence both = evidence("{'metadata':{'labels':{'batch.kubernetes.io/job-name':'j'},"
                + "'ownerReferences':[{'apiVersion':'apps/v1','kind':'ReplicaSet','controller':true},"
                + "{'apiVersion':'batch/v1','kind':'Job','controller':true}]}}");

        assertThat(both.kind()).isEqualTo(JobEvidence.Kind.CONTROLLER_OWNER_JOB);
        assertThat(both).hasToString("controller owner Job");
        assertThat(evidence("{'metadata':{'labels':{'batch.kubernetes.io/job-name':'j'}}}"))
                .hasToString("label batch.kubernetes.io/job-name");
    }
}
