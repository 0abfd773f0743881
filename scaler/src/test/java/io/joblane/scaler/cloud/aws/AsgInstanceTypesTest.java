package io.joblane.scaler.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.InstanceRequirements;
import software.amazon.awssdk.services.autoscaling.model.LaunchTemplateOverrides;

/** Where a group's instance types come from: overrides, launch template, or a reported gap. */
class AsgInstanceTypesTest {

    @Test
    void overridesInOrderOnceEach() {
        AutoScalingGroup g = AutoScalingGroup.builder()
                .mixedInstancesPolicy(p ->
                        p.launchTemplate(lt -> lt.launchTemplateSpecification(s -> s.launchTemplateId("lt-1"))
                                .overrides(
                                        o -> o.instanceType("m5.2xlarge"),
                                        o -> o.instanceType("m5.xlarge"),
                                        o -> o.instanceType("m5.2xlarge"))))
                .build();
        AsgInstanceTypes types = AsgInstanceTypes.of(g);
        assertThat(types.types()).containsExactly("m5.2xlarge", "m5.xlarge");
        assertThat(types.launchTemplate()).isNull();
    }

    @Test
    void aMixedPolicyWithoutTypesFallsBackToItsLaunchTemplateAndAPlainGroupToItsOwn() {
        AutoScalingGroup mixed = AutoScalingGroup.builder()
                .mixedInstancesPolicy(p -> p.launchTemplate(lt -> lt.launchTemplateSpecification(
                        s -> s.launchTemplateName("batch").version("3"))))
                .build();
        assertThat(AsgInstanceTypes.of(mixed).launchTemplate())
                .isEqualTo(new AsgInstanceTypes.LaunchTemplateRef(null, "batch", "3"));
        AutoScalingGroup plain = AutoScalingGroup.builder()
                .launchTemplate(s -> s.launchTemplateId("lt-2"))
                .build();
        assertThat(AsgInstanceTypes.of(plain).launchTemplate())
                .isEqualTo(new AsgInstanceTypes.LaunchTemplateRef("lt-2", null, "$Default"));
    }

    @Test
    void whatCannotBeReadIsSaid() {
        AutoScalingGroup attributes = AutoScalingGroup.builder()
                .mixedInstancesPolicy(p ->
                        p.launchTemplate(lt -> lt.launchTemplateSpecification(s -> s.launchTemplateId("lt-1"))
                                .overrides(LaunchTemplateOverrides.builder()
                                        .instanceRequirements(InstanceRequirements.builder()
                                                .vCpuCount(c -> c.min(4))
                                                .memoryMiB(m -> m.min(8192))
                                                .build())
                                        .build())))
                .build();
        assertThat(AsgInstanceTypes.of(attributes).problem()).contains("InstanceRequirements");
        AutoScalingGroup lc =
                AutoScalingGroup.builder().launchConfigurationName("old").build();
        assertThat(AsgInstanceTypes.of(lc).problem()).contains("launch configuration old");
    }
}
