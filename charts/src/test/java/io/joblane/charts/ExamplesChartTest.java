package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.joblane.model.WellKnown;
import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.model.config.NodeGroup;
import io.joblane.model.config.Taint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The examples under the repository's examples/ agree with the chart: the Job manifests are valid, and the
 * eksctl cluster gives every Joblane group exactly the label, taints and ASG tag the chart values and the
 * IAM policy expect.
 */
class ExamplesChartTest {
    static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void jobExamplesAreValidAndTheNamespaceIsOptedIn() throws Exception {
        List<HasMetadata> objects = new ArrayList<>();
        for (String file : List.of("namespace.yaml", "job.yaml", "gpu-job.yaml")) {
            objects.addAll(
                    Manifests.parseAll(Files.readString(EXAMPLES.resolve("job").resolve(file))));
        }
        Namespace namespace = (Namespace) objects.get(0);
        assertThat(namespace.getMetadata().getLabels())
                .containsEntry(WellKnown.NAMESPACE_INJECT_LABEL, WellKnown.INJECT_ENABLED);
        assertThat(objects.subList(1, objects.size())).allSatisfy(o -> {
            assertThat(o).isInstanceOf(Job.class);
            assertThat(o.getMetadata().getNamespace())
                    .isEqualTo(namespace.getMetadata().getName());
        });
        Job gpu = (Job) objects.get(2);
        assertThat(gpu.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getResources()
                        .getLimits())
                .containsKey(WellKnown.RESOURCE_NVIDIA_GPU);
    }

    @Test
    void eksNodeGroupsCarryEachGroupsLabelTaintsAndTag() throws Exception {
        Chart.Rendered rendered = Chart.chart()
                .release("joblane")
                .values(EXAMPLES.resolve("eks").resolve("values.yaml"))
                .render();
        JoblaneConfig config = ConfigLoader.parse(
                rendered.one(ConfigMap.class, "joblane-config").getData().get("config.yaml"), "eks values");
        JsonNode cluster = Manifests.PLAIN.readTree(
                Files.readString(EXAMPLES.resolve("eks").resolve("cluster.yaml")));
        String managedTag = managedTagKey();

        assertThat(config.scaledGroups()).hasSize(3);
        for (NodeGroup group : config.nodeGroups()) {
            JsonNode eks = null;
            for (JsonNode candidate : cluster.path("managedNodeGroups")) {
                if (group.name()
                        .equals(candidate
                                .path("labels")
                                .path(WellKnown.NODE_GROUP_LABEL)
                                .asString())) {
                    eks = candidate;
                }
            }
            assertThat(eks)
                    .as("an eksctl node group labelled %s=%s", WellKnown.NODE_GROUP_LABEL, group.name())
                    .isNotNull();
            Set<Taint> taints = new HashSet<>();
            for (JsonNode taint : eks.path("taints")) {
                taints.add(new Taint(
                        taint.path("key").asString(),
                        taint.path("value").asString(""),
                        taint.path("effect").asString()));
            }
            assertThat(taints).as(group.name()).isEqualTo(new HashSet<>(group.taints()));
            assertThat(eks.path("tags").path(managedTag).asString())
                    .as(group.name())
                    .isEqualTo("true");
            assertThat(eks.path("propagateASGTags").asBoolean())
                    .as(group.name())
                    .isTrue();
            assertThat(eks.path("maxSize").asInt())
                    .as(group.name())
                    .isGreaterThanOrEqualTo(group.scaling().maxNodes());
        }
        for (JsonNode eks : cluster.path("managedNodeGroups")) {
            if (eks.path("labels").path(WellKnown.NODE_GROUP_LABEL).isMissingNode()) {
                assertThat(eks.path("taints").isMissingNode())
                        .as("a general node group for Joblane's own pods")
                        .isTrue();
            }
        }

        JsonNode irsa = cluster.path("iam").path("serviceAccounts").get(0);
        ServiceAccount scaler = rendered.one(
                ServiceAccount.class, irsa.path("metadata").path("name").asString());
        assertThat(scaler.getMetadata().getNamespace())
                .isEqualTo(irsa.path("metadata").path("namespace").asString());
        assertThat(scaler.getMetadata().getAnnotations().get("eks.amazonaws.com/role-arn"))
                .endsWith(":role/" + irsa.path("roleName").asString());
        assertThat(irsa.path("roleOnly").asBoolean())
                .as("the chart owns the ServiceAccount")
                .isTrue();
    }

    @Test
    void eksctlInlinePolicyIsTheDocumentedIamPolicy() throws Exception {
        JsonNode cluster = Manifests.PLAIN.readTree(
                Files.readString(EXAMPLES.resolve("eks").resolve("cluster.yaml")));
        JsonNode policy = new tools.jackson.databind.ObjectMapper()
                .readTree(Files.readString(EXAMPLES.resolve("aws").resolve("iam-policy.json")));

        assertThat(cluster.path("iam").path("serviceAccounts").get(0).path("attachPolicy"))
                .isEqualTo(policy);
    }

    /** The tag key in the IAM policy's condition, e.g. joblane.io/managed. */
    static String managedTagKey() throws Exception {
        JsonNode policy = new tools.jackson.databind.ObjectMapper()
                .readTree(Files.readString(EXAMPLES.resolve("aws").resolve("iam-policy.json")));
        for (JsonNode statement : policy.path("Statement")) {
            for (JsonNode condition : statement.path("Condition")) {
                for (var entry : condition.properties()) {
                    if (entry.getKey().startsWith("autoscaling:ResourceTag/")) {
                        return entry.getKey().substring("autoscaling:ResourceTag/".length());
                    }
                }
            }
        }
        throw new AssertionError("no autoscaling:ResourceTag condition in iam-policy.json");
    }
}
