package io.joblane.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    static final String MINIMAL = """
            nodeGroups:
              - name: batch
                default: true
                taints:
                  - {key: joblane.io/dedicated, value: batch, effect: NoSchedule}
            """;

    @Test
    void theExampleFileLoads() throws Exception {
        JoblaneConfig config = ConfigLoader.load(Path.of("../examples/config/node-groups.yaml"));
        assertThat(config.defaultGroup().name()).isEqualTo("batch");
        assertThat(config.group("gpu").orElseThrow().match().resources()).containsExactly("nvidia.com/gpu");
        assertThat(config.group("gpu").orElseThrow().taints()).hasSize(2);
        Scaling batch = config.defaultGroup().scaling();
        assertThat(batch.maxNodes()).isEqualTo(50);
        assertThat(batch.maxDraining()).isEqualTo(2);
        assertThat(batch.scaleDownDelayDuration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(batch.nodeShapeMillis()).containsEntry("cpu", 16_000L).containsEntry("pods", 110_000L);
        assertThat(config.scaler().scanIntervalDuration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.scaledGroups()).hasSize(3);
    }

    @Test
    void defaultsFillWhatTheFileLeavesOut() throws Exception {
        JoblaneConfig config = ConfigLoader.parse(MINIMAL, "test");
        NodeGroup batch = config.defaultGroup();
        assertThat(batch.labels()).isEmpty();
        assertThat(batch.schedulerName()).isEmpty();
        assertThat(batch.nodeSelector("joblane.io/node-group")).isEqualTo(Map.of("joblane.io/node-group", "batch"));
        assertThat(config.webhook().strictOwner()).isFalse();
        assertThat(config.webhook().jobControllerUsers())
                .containsExactly("system:serviceaccount:kube-system:job-controller");
        assertThat(config.scaler().dryRun()).isFalse();
        assertThat(config.scaledGroups()).isEmpty();
    }

    @Test
    void anUnknownFieldIsNamedWithItsPath() {
        String yaml = MINIMAL + "    scaling: {maxNodes: 3, maxNode: 4, node: {cpu: '1', memory: 1Gi}}\n";
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "test"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("nodeGroups[0].scaling.maxNode: unknown field");
    }

    @Test
    void aDrainBudgetOfZeroTurnsTheDrainOff() throws Exception {
        // Guards against refusing maxDraining 0: scale-in then takes only nodes that empty by themselves.
        String yaml = MINIMAL
                + "    scaling: {provider: memory, maxNodes: 3, maxDraining: 0, node: {cpu: '1', memory: 1Gi}}\n";
        assertThat(ConfigLoader.parse(yaml, "test").defaultGroup().scaling().maxDraining())
                .isZero();
    }

    @Test
    void aWrongTypeIsNamedWithItsPath() {
        String yaml = MINIMAL + "    scaling: {maxNodes: lots, node: {cpu: '1', memory: 1Gi}}\n";
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "test"))
                .hasMessageContaining("nodeGroups[0].scaling.maxNodes");
    }

    @Test
    void everyInvalidValueIsReportedAtOnce() {
        String yaml = """
                nodeGroups:
                  - name: Bad Name
                    taints: [{key: joblane.io/draining, effect: Sometimes}]
                    match: {minMemory: lots}
                    scaling: {provider: gcp, minNodes: 5, maxNodes: 2, maxDraining: -1,
                              node: {cpu: '1'}, scaleDownDelay: '10'}
                  - default: true
                scaler: {scanInterval: 1ms}
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "test"))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .contains(
                                        "nodeGroups[0].name: \"Bad Name\" is not a valid label value",
                                        "nodeGroups[0].taints[0].key: joblane.io/draining is reserved for the scaler",
                                        "nodeGroups[0].taints[0].effect: must be one of NoSchedule, PreferNoSchedule, NoExecute",
                                        "nodeGroups[0].match.minMemory: not a quantity: \"lots\"",
                                        "nodeGroups[0].scaling.provider: must be aws or memory, not \"gcp\"",
                                        "nodeGroups[0].scaling.minNodes: must not exceed maxNodes",
                                        "nodeGroups[0].scaling.maxDraining: must not be negative",
                                        "nodeGroups[0].scaling.node.memory: is required (the shape of a new node)",
                                        "nodeGroups[0].scaling.scaleDownDelay: not a duration: \"10\" (use e.g. 90s, 10m, 1h30m)",
                                        "nodeGroups[1].name: is required",
                                        "scaler.scanInterval: must be at least 100ms"));
    }

    @Test
    void anAwsGroupMayLeaveItsNodeShapeToTheAutoScalingGroup() throws Exception {
        // Guards against refusing a scale-from-zero group whose shape comes from the ASG's launch template and tags.
        String aws = """
                nodeGroups:
                  - name: batch
                    default: true
                    scaling: {autoScalingGroup: eks-batch, maxNodes: 5, node: {pods: '58'}}
                scaler: {aws: {ec2Endpoint: 'https://ec2.us-east-1.amazonaws.com'}}
                """;
        JoblaneConfig config = ConfigLoader.parse(aws, "test");
        assertThat(config.nodeGroups().get(0).scaling().node()).containsOnlyKeys("pods");
        assertThat(config.scaler().aws().ec2Endpoint()).isEqualTo("https://ec2.us-east-1.amazonaws.com");

        String memory = "nodeGroups: [{name: a, default: true, scaling: {provider: memory, maxNodes: 5}}]";
        assertThatThrownBy(() -> ConfigLoader.parse(memory, "test"))
                .hasMessageContaining("nodeGroups[0].scaling.node.cpu: is required");
        String badEndpoint = aws.replace("'https://ec2.us-east-1.amazonaws.com'", "ec2.local");
        assertThatThrownBy(() -> ConfigLoader.parse(badEndpoint, "test"))
                .hasMessageContaining("scaler.aws.ec2Endpoint: must be an http:// or https:// URL");
    }

    @Test
    void anUnsafeSettleDelayIsRefusedNamingTheField() throws Exception {
        // Guards against settleDelay 0s: a pod still binding to a node just fenced would find it terminated.
        for (String value : List.of("0s", "5s", "9999ms")) {
            assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL + "scaler:\n  settleDelay: " + value + "\n", "test"))
                    .hasMessageContaining("scaler.settleDelay: must be at least 10s");
        }
        assertThat(ConfigLoader.parse(MINIMAL + "scaler:\n  settleDelay: 10s\n", "test")
                        .scaler()
                        .settleDelayDuration())
                .hasSeconds(10);
    }

    @Test
    void spotSettingsDefaultToNodeTerminationHandlersTaintsAndBadOnesAreRefusedNamingTheField() throws Exception {
        // Guards against: a notice taint key that no node can carry (or the scaler's own) accepted silently.
        JoblaneConfig defaults = ConfigLoader.parse(MINIMAL, "test");
        assertThat(defaults.scaler().spot().interruptionTaints())
                .containsExactly("aws-node-termination-handler/spot-itn");
        assertThat(defaults.scaler().spot().rebalanceTaints())
                .containsExactly("aws-node-termination-handler/rebalance-recommendation");
        assertThat(defaults.nodeGroups().get(0).spot().preferOnDemandAboveDuration())
                .isNull();
        assertThatThrownBy(() -> ConfigLoader.parse(
                        MINIMAL
                                + "scaler:\n  spot: {interruptionTaints: ['bad key'], rebalanceTaints: [joblane.io/draining]}\n",
                        "test"))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "scaler.spot.interruptionTaints[0]: \"bad key\" is not a valid taint key",
                                        "scaler.spot.rebalanceTaints[0]: joblane.io/draining is the scaler's own taint,"
                                                + " not a notice"));
    }

    @Test
    void aGroupsOnDemandThresholdIsAPositiveDuration() throws Exception {
        // Guards against: a bare number (seconds? minutes?) or 0s taken as a threshold every pod passes.
        assertThat(ConfigLoader.parse(MINIMAL + "    spot: {preferOnDemandAbove: 2h}\n", "test")
                        .nodeGroups()
                        .get(0)
                        .spot()
                        .preferOnDemandAboveDuration())
                .hasHours(2);
        assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL + "    spot: {preferOnDemandAbove: 0s}\n", "test"))
                .hasMessageContaining("nodeGroups[0].spot.preferOnDemandAbove: must be more than 0s");
        assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL + "    spot: {preferOnDemandAbove: '90'}\n", "test"))
                .hasMessageContaining("nodeGroups[0].spot.preferOnDemandAbove: ");
    }

    @Test
    void zeroSafetyDelaysAreRefusedNamingTheField() {
        // Guards against: 0s accepted, turning the settle, scale-down and registration waits into none at all.
        String yaml = MINIMAL + """
                    scaling: {provider: memory, maxNodes: 3, node: {cpu: '1', memory: 1Gi},
                              scaleDownDelay: 0s, registrationTimeout: 0m, bootDelay: 0s}
                scaler: {settleDelay: 0s}
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "test"))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "nodeGroups[0].scaling.scaleDownDelay: must be more than 0s",
                                        "nodeGroups[0].scaling.registrationTimeout: must be more than 0s",
                                        "scaler.settleDelay: must be at least 10s"));
    }

    @Test
    void anUnknownScaleInTimingIsRefusedNamingTheField() throws Exception {
        // Guards against a typo silently falling back to another timing than the one asked for.
        String yaml = MINIMAL + """
                    scaling: {provider: memory, maxNodes: 3, node: {cpu: '1', memory: 1Gi}, scaleInTiming: ski}
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "test"))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "nodeGroups[0].scaling.scaleInTiming: must be fixed or cost, not \"ski\""));
        assertThat(ConfigLoader.parse(yaml.replace("ski", "cost"), "test")
                        .nodeGroups()
                        .get(0)
                        .scaling()
                        .scaleInByCost())
                .isTrue();
    }

    @Test
    void exactlyOneDefaultGroup() {
        String yaml = MINIMAL + "  - name: other\n    default: true\n";
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "test"))
                .hasMessageContaining("exactly one group must have default: true (found 2)");
        assertThatThrownBy(() -> ConfigLoader.parse("nodeGroups: [{name: a}]", "test"))
                .hasMessageContaining("(found 0)");
    }

    @Test
    void awsGroupsNeedTheirAutoScalingGroup() {
        String yaml = MINIMAL + "    scaling: {maxNodes: 3, node: {cpu: '1', memory: 1Gi}}\n";
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "test"))
                .hasMessageContaining("nodeGroups[0].scaling.autoScalingGroup: is required when provider is aws");
    }

    @Test
    void twoGroupsCannotShareOneAutoScalingGroup() {
        String yaml = MINIMAL + """
                    scaling: {autoScalingGroup: asg-1, maxNodes: 3, node: {cpu: '1', memory: 1Gi}}
                  - name: other
                    scaling: {autoScalingGroup: asg-1, maxNodes: 3, node: {cpu: '1', memory: 1Gi}}
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "test"))
                .hasMessageContaining(
                        "nodeGroups[1].scaling.autoScalingGroup: \"asg-1\" is already used by nodeGroups[0]");
    }

    @Test
    void aGroupOverSeveralAutoScalingGroupsListsThemAndMayNotAlsoNameOne() throws Exception {
        String several = MINIMAL + """
                    scaling: {autoScalingGroups: [batch-1a, batch-1b], maxNodes: 3, node: {cpu: '1', memory: 1Gi}}
                """;
        Scaling s = ConfigLoader.parse(several, "test").nodeGroups().get(0).scaling();
        assertThat(s.asgNames()).containsExactly("batch-1a", "batch-1b");
        assertThat(s.severalAsgs()).isTrue();

        String both = MINIMAL + """
                    scaling: {autoScalingGroup: a, autoScalingGroups: [b], maxNodes: 3, node: {cpu: '1', memory: 1Gi}}
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(both, "test"))
                .hasMessageContaining("nodeGroups[0].scaling.autoScalingGroups: give either autoScalingGroup");
        String twice = MINIMAL + """
                    scaling: {autoScalingGroups: [a, a], maxNodes: 3, node: {cpu: '1', memory: 1Gi}}
                  - name: other
                    scaling: {autoScalingGroups: [c, b, a], maxNodes: 3, node: {cpu: '1', memory: 1Gi}}
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(twice, "test"))
                .hasMessageContaining("nodeGroups[0].scaling.autoScalingGroups[1]: \"a\" is listed twice")
                .hasMessageContaining(
                        "nodeGroups[1].scaling.autoScalingGroups: \"a\" is already used by nodeGroups[0]");
    }

    @Test
    void emptyAndBrokenFilesAreRefused() {
        assertThatThrownBy(() -> ConfigLoader.parse("", "test")).hasMessageContaining("empty");
        assertThatThrownBy(() -> ConfigLoader.parse("nodeGroups: [", "test")).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("does-not-exist.yaml")))
                .hasMessageContaining("cannot read file");
    }

    @Test
    void qualifiedNames() {
        assertThat(ConfigLoader.isQualifiedName("nvidia.com/gpu")).isTrue();
        assertThat(ConfigLoader.isQualifiedName("cpu")).isTrue();
        assertThat(ConfigLoader.isQualifiedName("/gpu")).isFalse();
        assertThat(ConfigLoader.isQualifiedName("Bad_Domain/x")).isFalse();
        assertThat(ConfigLoader.isQualifiedName("a/b/c")).isFalse();
    }

    @Test
    void theInMemoryProvidersInstanceTypesAndPerAsgTemplatesAreReadAndReplaceTheNodeShape() throws Exception {
        String yaml = """
                nodeGroups:
                  - name: batch
                    default: true
                    scaling:
                      provider: memory
                      autoScalingGroups: [od, spot]
                      maxNodes: 6
                      memory:
                        instanceTypes: [{name: m5.xlarge, allocatable: {cpu: 4, memory: 16Gi}, pricePerHour: 0.192}]
                        launchRule: lowest-price
                        autoScalingGroups:
                          spot: {labels: {eks.amazonaws.com/capacityType: SPOT}, zone: us-east-1b}
                """;
        Scaling s = ConfigLoader.parse(yaml, "test").nodeGroups().get(0).scaling();

        assertThat(s.memoryGivesTypes()).isTrue();
        assertThat(s.memory().typesOf("od"))
                .extracting(MemoryCloud.InstanceType::name)
                .containsExactly("m5.xlarge");
        assertThat(s.memory().typesOf("spot").get(0).allocatable()).containsEntry("cpu", "4");
        assertThat(s.memory().labelsOf("spot")).containsEntry("eks.amazonaws.com/capacityType", "SPOT");
        assertThat(s.memory().autoScalingGroups().get("spot").zone()).isEqualTo("us-east-1b");
    }

    @Test
    void theInMemoryProvidersTemplateTaintsAreReadPerAsgOverTheGroups() throws Exception {
        String yaml = """
                nodeGroups:
                  - name: batch
                    default: true
                    scaling:
                      provider: memory
                      autoScalingGroups: [gpu, plain]
                      maxNodes: 6
                      node: {cpu: "4", memory: 16Gi}
                      memory:
                        taints: [{key: nvidia.com/gpu, value: "true", effect: NoSchedule}]
                        autoScalingGroups:
                          plain: {taints: []}
                """;
        MemoryCloud m =
                ConfigLoader.parse(yaml, "test").nodeGroups().get(0).scaling().memory();

        assertThat(m.taintsOf("gpu")).containsExactly(new Taint("nvidia.com/gpu", "true", "NoSchedule"));
        assertThat(m.taintsOf("plain")).isEmpty();
    }

    @Test
    void badInMemoryTemplateTaintsAreRefusedNamingTheField() {
        // Guards against: a demo's template taint with a typo in its effect silently never keeping a pod off.
        String yaml = """
                nodeGroups:
                  - name: batch
                    default: true
                    scaling:
                      provider: memory
                      autoScalingGroups: [gpu, plain]
                      maxNodes: 6
                      node: {cpu: "4", memory: 16Gi}
                      memory:
                        taints: [{key: nvidia.com/gpu, effect: NoSchedul}]
                        autoScalingGroups:
                          plain: {taints: [{key: "bad key", effect: NoSchedule}]}
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "test"))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .contains(
                                        "nodeGroups[0].scaling.memory.taints[0].effect: must be one of NoSchedule, "
                                                + "PreferNoSchedule, NoExecute",
                                        "nodeGroups[0].scaling.memory.autoScalingGroups.plain.taints[0].key: "
                                                + "\"bad key\" is not a valid taint key"));
    }

    @Test
    void badInMemoryInstanceTypesAndTemplatesAreRefusedNamingTheField() {
        // Guards against a typo in a demo's types starting a cloud that launches nodes of no shape or of another ASG.
        String yaml = """
                nodeGroups:
                  - name: batch
                    default: true
                    scaling:
                      provider: memory
                      autoScalingGroups: [od, spot]
                      maxNodes: 6
                      memory:
                        instanceTypes:
                          - {name: m5.xlarge, allocatable: {cpu: 4}}
                          - {name: m5.xlarge, allocatable: {cpu: four, memory: 1Gi}}
                          - {allocatable: {cpu: 1, memory: 1Gi}}
                        launchRule: cheapest
                        autoScalingGroups:
                          spto: {labels: {eks.amazonaws.com/capacityType: SPOT}}
                          spot: {zone: "us east"}
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "test"))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .contains(
                                        "nodeGroups[0].scaling.memory.instanceTypes[0].allocatable.memory: is required",
                                        "nodeGroups[0].scaling.memory.instanceTypes[1].name: \"m5.xlarge\" is listed twice",
                                        "nodeGroups[0].scaling.memory.instanceTypes[2].name: is required and must be a "
                                                + "valid label value (e.g. m5.xlarge)",
                                        "nodeGroups[0].scaling.memory.launchRule: must be prioritized or lowest-price, "
                                                + "not \"cheapest\"",
                                        "nodeGroups[0].scaling.memory.autoScalingGroups.spto: not one of the group's "
                                                + "Auto Scaling groups [od, spot]",
                                        "nodeGroups[0].scaling.memory.autoScalingGroups.spot.zone: \"us east\" is not a "
                                                + "valid zone name (a label value)")
                                .anySatisfy(p -> assertThat(p)
                                        .startsWith(
                                                "nodeGroups[0].scaling.memory.instanceTypes[1].allocatable.cpu: ")));
        String aws = yaml.replace("provider: memory", "provider: aws");
        assertThatThrownBy(() -> ConfigLoader.parse(aws, "test"))
                .hasMessageContaining("nodeGroups[0].scaling.memory: only for provider memory");
    }
}
