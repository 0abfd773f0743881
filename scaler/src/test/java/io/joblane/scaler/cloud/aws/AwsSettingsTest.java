package io.joblane.scaler.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.model.config.AwsSettings;
import io.joblane.model.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/** From the node-group file to the provider's settings, and the client factory's refusals. */
class AwsSettingsTest {

    @Test
    void onlyAwsGroupsAreKeyedByTheirAutoScalingGroup() throws Exception {
        var config = ConfigLoader.parse("""
                nodeGroups:
                  - name: batch
                    default: true
                    scaling: {provider: aws, autoScalingGroup: asg-batch, maxNodes: 20, suspendAZRebalance: true,
                              node: {cpu: "4", memory: 16Gi}}
                  - name: gpu
                    scaling: {provider: aws, autoScalingGroup: asg-gpu, maxNodes: 4, node: {pods: "58"}}
                  - name: demo
                    scaling: {provider: memory, maxNodes: 3, node: {cpu: "4", memory: 16Gi}}
                """, "test");

        assertThat(AwsGroupSettings.fromConfig(config))
                .containsOnlyKeys("asg-batch", "asg-gpu")
                // Only a group without cpu and memory in scaling.node reads its node template from EC2.
                .containsEntry("asg-batch", new AwsGroupSettings(20, true, false))
                .containsEntry("asg-gpu", new AwsGroupSettings(4, false, true));
    }

    @Test
    void anEndpointThatIsNotAnHttpUrlIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> AutoScalingClients.create(
                        new AwsSettings("us-east-1", "autoscaling.local"), AwsTestSupport.FAST))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("scaler.aws.endpoint: must be an http(s) URL");
        assertThatThrownBy(() ->
                        AutoScalingClients.create(new AwsSettings("us-east-1", "http://bad host"), AwsTestSupport.FAST))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("scaler.aws.endpoint: not a URL");
    }
}
