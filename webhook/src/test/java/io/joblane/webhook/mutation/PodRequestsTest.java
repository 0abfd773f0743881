package io.joblane.webhook.mutation;

import static io.joblane.webhook.TestData.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PodRequestsTest {
    @Test
    void requestsDefaultToLimitsAndSumOverContainers() {
        var requests = PodRequests.effective(json("{'containers':["
                + "{'resources':{'requests':{'cpu':'500m'},'limits':{'cpu':'2','memory':'1Gi'}}},"
                + "{'resources':{'requests':{'cpu':'1','memory':'512Mi'}}}]}"));

        assertThat(requests).containsEntry("cpu", 1500L).containsEntry("memory", (1024L + 512) * 1024 * 1024 * 1000);
    }

    @Test
    void largestClassicInitContainerRunsBesideTheSidecarsStartedBeforeIt() {
        var requests = PodRequests.effective(json("{'initContainers':["
                + "{'restartPolicy':'Always','resources':{'requests':{'cpu':'1'}}},"
                + "{'resources':{'requests':{'cpu':'3'}}}],"
                + "'containers':[{'resources':{'requests':{'cpu':'2'}}}]}"));

        // Sidecar (1) + app (2) = 3 while running; init phase peaks at sidecar (1) + init (3) = 4.
        assertThat(requests).containsEntry("cpu", 4000L);
    }

    @Test
    void overheadIsAddedAndPodLevelRequestsReplaceTheContainerSum() {
        var requests = PodRequests.effective(json("{'containers':[{'resources':{'requests':{'cpu':'1'}}}],"
                + "'resources':{'requests':{'cpu':'4'}},'overhead':{'cpu':'250m'}}"));

        assertThat(requests).containsEntry("cpu", 4250L);
    }

    @Test
    void unparsableQuantityCountsAsAbsent() {
        assertThat(PodRequests.effective(json("{'containers':[{'resources':{'requests':{'cpu':'lots'}}}]}")))
                .doesNotContainKey("cpu");
    }
}
