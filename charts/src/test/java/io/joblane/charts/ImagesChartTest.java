package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install section's images.yaml (images built from the repository's Dockerfiles and pushed to your registry)
 * reaches every Joblane container: until a release publishes the default images, a default install cannot pull.
 */
class ImagesChartTest {
    private static final String REGISTRY = "111122223333.dkr.ecr.eu-west-1.amazonaws.com";

    @TempDir
    Path tmp;

    @Test
    void imagesFromTheInstallSectionReachEveryJoblaneContainer() throws Exception {
        Path images = tmp.resolve("images.yaml");
        Files.writeString(images, """
                webhook: {image: {repository: %1$s/joblane-webhook, tag: "0.1.0-abc1234"}}
                scaler: {image: {repository: %1$s/joblane-scaler, tag: "0.1.0-abc1234"}}
                certificates: {image: {repository: %1$s/joblane-certs, tag: "0.1.0-abc1234"}}
                """.formatted(REGISTRY));
        Chart.Rendered rendered =
                Chart.chart().values("aws-irsa").values(images).render();

        List<String> joblane = new ArrayList<>();
        List<PodSpec> pods = new ArrayList<>();
        rendered.all(Deployment.class)
                .forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));
        rendered.all(Job.class).forEach(j -> pods.add(j.getSpec().getTemplate().getSpec()));
        rendered.all(CronJob.class)
                .forEach(c -> pods.add(
                        c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec()));
        for (PodSpec pod : pods) {
            for (Container container : pod.getContainers()) {
                if (container.getImage().contains("joblane")) {
                    joblane.add(container.getImage());
                }
            }
        }
        assertThat(joblane)
                .isNotEmpty()
                .allSatisfy(image ->
                        assertThat(image).startsWith(REGISTRY + "/joblane-").endsWith(":0.1.0-abc1234"));
        assertThat(joblane)
                .contains(
                        REGISTRY + "/joblane-webhook:0.1.0-abc1234",
                        REGISTRY + "/joblane-scaler:0.1.0-abc1234",
                        REGISTRY + "/joblane-certs:0.1.0-abc1234");
    }
}
