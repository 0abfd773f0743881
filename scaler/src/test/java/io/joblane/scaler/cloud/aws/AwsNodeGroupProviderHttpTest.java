package io.joblane.scaler.cloud.aws;

import static io.joblane.scaler.cloud.aws.AwsTestSupport.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.cloud.aws.FakeAutoScalingServer.Call;
import io.joblane.scaler.cloud.aws.FakeAutoScalingServer.Inst;
import io.joblane.scaler.loop.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The AWS provider through the real SDK (query protocol over HTTP) against {@link FakeAutoScalingServer}.
 * Assertions are on the calls the server recorded, not only on what the provider returned.
 */
class AwsNodeGroupProviderHttpTest {

    private static final String ASG = "eks-batch-1a";

    private FakeAutoScalingServer fake;
    private MutableClock clock;
    private AwsNodeGroupProvider provider;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeAutoScalingServer();
        clock = new MutableClock(T0);
        provider = AwsTestSupport.provider(fake, Map.of(ASG, new AwsGroupSettings(8, true)), clock);
    }

    @AfterEach
    void stop() {
        provider.close();
        fake.close();
    }

    /** A steady group: AZRebalance suspended, new and existing instances protected, desired met. */
    private FakeAutoScalingServer.Group steadyGroup(String name, int instances, int max) {
        FakeAutoScalingServer.Group g = fake.addGroup(name, 0, max, instances);
        g.suspended.add("AZRebalance");
        g.newInstancesProtected = true;
        for (int i = 0; i < instances; i++) {
            fake.addInstance(name, "InService", true);
        }
        return g;
    }

    @Test
    void describeBatchesNamesAtTheApiLimitAndFollowsNextToken() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            String name = String.format("asg-%03d", i);
            steadyGroup(name, 1, 10);
            names.add(name);
        }
        steadyGroup("not-joblane", 2, 10);
        fake.describePageSize(30);

        Map<String, CloudGroup> groups = provider.describe(names);

        assertThat(groups).hasSize(120).containsOnlyKeys(names);
        // First sight of instances: one activity read per group (launch times), never one call per instance.
        assertThat(fake.calls("DescribeScalingActivities"))
                .extracting(c -> c.param("AutoScalingGroupName"))
                .containsExactlyInAnyOrderElementsOf(names);
        fake.clearCalls();

        provider.describe(names);

        List<Call> calls = fake.calls();
        // 50 + 50 + 20 names; the server pages 30 at a time: 2 + 2 + 1 calls, and nothing else.
        assertThat(calls)
                .extracting(Call::action)
                .containsOnly("DescribeAutoScalingGroups")
                .hasSize(5);
        assertThat(calls)
                .extracting(c -> c.members("AutoScalingGroupNames").size())
                .containsExactly(50, 50, 50, 50, 20);
        assertThat(calls).extracting(c -> c.param("MaxRecords")).containsOnly("100");
        assertThat(calls).extracting(c -> c.param("NextToken")).containsExactly(null, "tok-30", null, "tok-30", null);
        assertThat(calls.get(0).members("AutoScalingGroupNames")).isEqualTo(names.subList(0, 50));
        assertThat(calls.get(4).members("AutoScalingGroupNames")).isEqualTo(names.subList(100, 120));
        assertThat(groups.get("asg-007").instances()).hasSize(1);
    }

    @Test
    void lifecycleStatesAreFoldedAndCountedAsCapacityOnlyWhenPendingOrInService() throws Exception {
        FakeAutoScalingServer.Group g = steadyGroup(ASG, 0, 10);
        g.desired = 6;
        Inst pending = fake.addInstance(ASG, "Pending:Wait", false);
        Inst inService = fake.addInstance(ASG, "InService", true);
        Inst terminating = fake.addInstance(ASG, "Terminating:Wait", true);
        Inst standby = fake.addInstance(ASG, "Standby", true);
        Inst detaching = fake.addInstance(ASG, "Detaching", false);
        Inst warmed = fake.addInstance(ASG, "Warmed:Running", false);

        CloudGroup group = provider.describe(List.of(ASG)).get(ASG);

        assertThat(group.instances())
                .extracting(CloudInstance::id, CloudInstance::state)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(pending.id, LifecycleState.PENDING),
                        org.assertj.core.groups.Tuple.tuple(inService.id, LifecycleState.IN_SERVICE),
                        org.assertj.core.groups.Tuple.tuple(terminating.id, LifecycleState.TERMINATING),
                        org.assertj.core.groups.Tuple.tuple(standby.id, LifecycleState.STANDBY),
                        org.assertj.core.groups.Tuple.tuple(detaching.id, LifecycleState.DETACHING),
                        org.assertj.core.groups.Tuple.tuple(warmed.id, LifecycleState.WARMED));
        assertThat(group.capacityInstances()).isEqualTo(2);
        assertThat(group.desired()).isEqualTo(6);
        assertThat(group.instances()).extracting(CloudInstance::zone).allMatch(z -> z.startsWith("us-east-1"));
    }

    @Test
    void describeOnlyReadsAndReportsTheInstancesThatLackProtection() throws Exception {
        // Guards against describe writing again: protection is the loop's Protect action (dry-run, Lease).
        steadyGroup(ASG, 0, 100);
        fake.group(ASG).desired = 64;
        Inst alreadyProtected = fake.addInstance(ASG, "InService", true);
        List<Inst> fresh = IntStream.range(0, 62)
                .mapToObj(i -> fake.addInstance(ASG, "InService", false))
                .toList();
        Inst pending = fake.addInstance(ASG, "Pending", false);

        CloudGroup group = provider.describe(List.of(ASG)).get(ASG);

        assertThat(fake.actions()).containsOnly("DescribeAutoScalingGroups", "DescribeScalingActivities");
        assertThat(group.instances())
                .filteredOn(i -> !i.protectedFromScaleIn())
                .extracting(CloudInstance::id)
                .containsExactlyElementsOf(Stream.concat(fresh.stream(), Stream.of(pending))
                        .map(i -> i.id)
                        .toList());
        assertThat(group.instances())
                .filteredOn(i -> i.id().equals(alreadyProtected.id))
                .allMatch(CloudInstance::protectedFromScaleIn);
        assertThat(fake.group(ASG).instances)
                .filteredOn(i -> !i.id.equals(alreadyProtected.id))
                .noneMatch(i -> i.protectedFromScaleIn);
    }

    @Test
    void explicitProtectionIsBatchedAndLeavesOutInstancesTheApiCannotProtectYet() throws Exception {
        steadyGroup(ASG, 0, 100);
        fake.group(ASG).desired = 56;
        List<Inst> inService = IntStream.range(0, 55)
                .mapToObj(i -> fake.addInstance(ASG, "InService", true))
                .toList();
        Inst pending = fake.addInstance(ASG, "Pending", false);
        provider.describe(List.of(ASG));
        fake.clearCalls();
        List<String> ids = new ArrayList<>(inService.stream().map(i -> i.id).toList());
        ids.add(pending.id);

        provider.setScaleInProtection(ASG, ids, false);

        List<Call> calls = fake.calls();
        // Loop-facing regression: a Pending id must not fail the whole call (the API refuses Pending instances).
        assertThat(calls)
                .extracting(Call::action)
                .containsOnly("SetInstanceProtection")
                .hasSize(2);
        assertThat(calls.get(0).members("InstanceIds")).hasSize(50);
        assertThat(calls.get(1).members("InstanceIds")).hasSize(5).doesNotContain(pending.id);
        assertThat(calls)
                .allSatisfy(c -> assertThat(c.param("ProtectedFromScaleIn")).isEqualTo("false"));
        assertThat(fake.group(ASG).instances)
                .filteredOn(i -> i.state.equals("InService"))
                .noneMatch(i -> i.protectedFromScaleIn);
    }

    @Test
    void protectionOfAnInstanceOutsideTheGroupIsInvalid() throws Exception {
        steadyGroup(ASG, 1, 10);
        provider.describe(List.of(ASG));

        assertThatThrownBy(() -> provider.setScaleInProtection(ASG, List.of("i-0000000000000dead"), true))
                .isInstanceOfSatisfying(CloudException.class, e -> {
                    assertThat(e.kind()).isEqualTo(CloudException.Kind.INVALID);
                    assertThat(e.code()).isEqualTo("ValidationError");
                });
    }

    @Test
    void scaleOutSetsDesiredWithoutCooldownCappedAtTheLowerOfAsgMaxAndMaxNodes() throws Exception {
        steadyGroup(ASG, 5, 10);
        provider.describe(List.of(ASG));
        fake.clearCalls();

        provider.setDesiredCapacity(ASG, 12);

        // A fresh describe of the group first: desired raised by someone else meanwhile is never lowered.
        assertThat(fake.actions()).containsExactly("DescribeAutoScalingGroups", "SetDesiredCapacity");
        assertThat(fake.calls("SetDesiredCapacity")).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo("SetDesiredCapacity");
            assertThat(c.params())
                    .containsExactlyInAnyOrderEntriesOf(
                            Map.of("AutoScalingGroupName", ASG, "DesiredCapacity", "8", "HonorCooldown", "false"));
        });
        assertThat(fake.group(ASG).desired).isEqualTo(8);

        // Already at the cap, or asked for less than the group wants: no call at all.
        fake.clearCalls();
        provider.setDesiredCapacity(ASG, 9);
        provider.setDesiredCapacity(ASG, 3);
        assertThat(fake.calls()).isEmpty();
    }

    @Test
    void scaleOutIsCappedByTheAsgMaxWhenItIsBelowMaxNodes() throws Exception {
        steadyGroup(ASG, 2, 6);
        CloudGroup group = provider.describe(List.of(ASG)).get(ASG);
        assertThat(group.max()).isEqualTo(6);

        provider.setDesiredCapacity(ASG, 7);

        assertThat(fake.calls("SetDesiredCapacity"))
                .singleElement()
                .satisfies(c -> assertThat(c.param("DesiredCapacity")).isEqualTo("6"));
    }

    @Test
    void aReloadedConfigChangesTheCapOnTheNextScan() throws Exception {
        steadyGroup(ASG, 2, 20);
        provider.reconfigure(io.joblane.model.config.ConfigLoader.parse("""
                nodeGroups:
                  - name: batch
                    default: true
                    scaling: {provider: aws, autoScalingGroup: eks-batch-1a, maxNodes: 3, node: {cpu: "4", memory: 16Gi}}
                """, "test"));

        CloudGroup group = provider.describe(List.of(ASG)).get(ASG);
        provider.setDesiredCapacity(ASG, 10);

        assertThat(group.max()).isEqualTo(3);
        assertThat(fake.calls("SetDesiredCapacity"))
                .singleElement()
                .satisfies(c -> assertThat(c.param("DesiredCapacity")).isEqualTo("3"));
    }

    @Test
    void scaleInIsOneTerminationOfExactlyTheChosenInstanceWithDecrementAndNoLift() throws Exception {
        // Guards against lifting scale-in protection first: a throttled lift, retried for up to 90 s, let the
        // termination land long after the live checks. Protection does not apply to this call (AWS.md).
        steadyGroup(ASG, 3, 10);
        List<String> ids = fake.group(ASG).instances.stream().map(i -> i.id).toList();
        String victim = ids.get(1);
        provider.describe(List.of(ASG));
        fake.clearCalls();
        fake.failNext("SetInstanceProtection", 2, 400, "Throttling", "Rate exceeded");

        provider.terminateInstance(ASG, victim);

        assertThat(fake.calls()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo("TerminateInstanceInAutoScalingGroup");
            assertThat(c.params())
                    .containsExactlyInAnyOrderEntriesOf(
                            Map.of("InstanceId", victim, "ShouldDecrementDesiredCapacity", "true"));
        });
        assertThat(fake.group(ASG).desired).isEqualTo(2);
        assertThat(fake.instance(victim).state).isEqualTo("Terminating");
        assertThat(fake.instance(ids.get(0)).protectedFromScaleIn).isTrue();
        assertThat(fake.instance(ids.get(2)).protectedFromScaleIn).isTrue();

        // The next scan sees it terminating and does not re-protect it.
        fake.clearCalls();
        CloudGroup group = provider.describe(List.of(ASG)).get(ASG);
        assertThat(fake.calls("SetInstanceProtection")).isEmpty();
        assertThat(group.capacityInstances()).isEqualTo(2);
    }

    @Test
    void aFailedTerminationIsBusyNotSuccessAndChangesNothingElse() throws Exception {
        steadyGroup(ASG, 3, 10);
        String victim = fake.group(ASG).instances.get(2).id;
        provider.describe(List.of(ASG));
        fake.clearCalls();
        fake.failNext(
                "TerminateInstanceInAutoScalingGroup",
                1,
                400,
                "ScalingActivityInProgress",
                "Scaling activity i-123 is in progress and blocks this action.");

        assertThatThrownBy(() -> provider.terminateInstance(ASG, victim))
                .isInstanceOfSatisfying(
                        CloudException.class, e -> assertThat(e.kind()).isEqualTo(CloudException.Kind.BUSY));

        assertThat(fake.actions()).containsExactly("TerminateInstanceInAutoScalingGroup");
        assertThat(fake.instance(victim).protectedFromScaleIn).isTrue();
        assertThat(fake.group(ASG).desired).isEqualTo(3);
    }

    @Test
    void aSlowTerminationIsAbandonedAfterItsTimeoutNotRetried() throws Exception {
        // Guards against a termination call that could still land long after the checks: the call is cut at
        // TERMINATE_TIMEOUT (a slow endpoint answers after it) and never retried.
        steadyGroup(ASG, 3, 10);
        String victim = fake.group(ASG).instances.get(0).id;
        provider.describe(List.of(ASG));
        fake.clearCalls();
        fake.delay(
                "TerminateInstanceInAutoScalingGroup",
                AwsNodeGroupProvider.TERMINATE_TIMEOUT.plus(Duration.ofSeconds(2)));

        assertThatThrownBy(() -> provider.terminateInstance(ASG, victim))
                .isInstanceOfSatisfying(
                        CloudException.class, e -> assertThat(e.kind()).isEqualTo(CloudException.Kind.TRANSIENT));
        assertThat(fake.calls("TerminateInstanceInAutoScalingGroup")).hasSize(1);
    }

    @Test
    void theTerminationIsSentOnceEvenWhenTheSdkWouldRetryIt() throws Exception {
        // Guards against the SDK retrying a termination long after the Lease and live checks that allowed it.
        steadyGroup(ASG, 3, 10);
        String victim = fake.group(ASG).instances.get(2).id;
        provider.describe(List.of(ASG));
        fake.clearCalls();
        fake.failNext("TerminateInstanceInAutoScalingGroup", 1, 500, "InternalFailure", "try again");

        assertThatThrownBy(() -> provider.terminateInstance(ASG, victim))
                .isInstanceOfSatisfying(
                        CloudException.class, e -> assertThat(e.kind()).isEqualTo(CloudException.Kind.TRANSIENT));
        assertThat(fake.actions()).containsExactly("TerminateInstanceInAutoScalingGroup");
        assertThat(fake.instance(victim).protectedFromScaleIn).isTrue();
        assertThat(fake.group(ASG).desired).isEqualTo(3);
    }

    @Test
    void aDesiredRaisedByOthersSinceTheDescribeIsNeverLowered() throws Exception {
        // Guards against SetDesiredCapacity from a stale describe lowering desired (the ASG would pick victims).
        steadyGroup(ASG, 2, 10);
        provider.describe(List.of(ASG));
        fake.group(ASG).desired = 5; // someone else raised it meanwhile
        fake.clearCalls();

        provider.setDesiredCapacity(ASG, 3);

        assertThat(fake.actions()).containsExactly("DescribeAutoScalingGroups");
        assertThat(fake.group(ASG).desired).isEqualTo(5);

        provider.setDesiredCapacity(ASG, 7); // above the fresh value: raised as asked
        assertThat(fake.calls("SetDesiredCapacity"))
                .singleElement()
                .satisfies(c -> assertThat(c.param("DesiredCapacity")).isEqualTo("7"));
    }

    @Test
    void aGroupWithoutNewInstanceProtectionIsReported() throws Exception {
        // Guards against the gap before a new instance is protected going unnoticed (reported, the ASG is not changed).
        steadyGroup(ASG, 1, 10).newInstancesProtected = false;

        CloudGroup group = provider.describe(List.of(ASG)).get(ASG);

        assertThat(group.problems()).anySatisfy(p -> assertThat(p).contains("NewInstancesProtectedFromScaleIn is off"));
        assertThat(fake.group(ASG).newInstancesProtected).isFalse();
    }

    @Test
    void anInstanceOutsideTheGroupIsNeverTerminated() throws Exception {
        steadyGroup(ASG, 2, 10);
        steadyGroup("other", 2, 10);
        String foreign = fake.group("other").instances.get(0).id;
        provider.describe(List.of(ASG, "other"));
        fake.clearCalls();

        assertThatThrownBy(() -> provider.terminateInstance(ASG, foreign))
                .isInstanceOfSatisfying(
                        CloudException.class, e -> assertThat(e.kind()).isEqualTo(CloudException.Kind.INVALID));
        assertThat(fake.calls()).isEmpty();
    }

    @Test
    void aPendingInstanceThatNeverJoinedIsTerminatedWithOneCall() throws Exception {
        steadyGroup(ASG, 1, 10);
        fake.group(ASG).desired = 2;
        Inst stuck = fake.addInstance(ASG, "Pending:Wait", false);
        fake.addActivity(
                ASG, "Launching a new EC2 instance: " + stuck.id, "Successful", null, T0.minus(Duration.ofMinutes(40)));
        CloudGroup group = provider.describe(List.of(ASG)).get(ASG);
        // The loop decides on registration timeouts from the launch time.
        assertThat(group.instances())
                .filteredOn(i -> i.id().equals(stuck.id))
                .singleElement()
                .satisfies(i -> assertThat(i.launchTime()).isEqualTo(T0.minus(Duration.ofMinutes(40))));
        fake.clearCalls();

        provider.terminateInstance(ASG, stuck.id);

        assertThat(fake.calls()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo("TerminateInstanceInAutoScalingGroup");
            assertThat(c.param("InstanceId")).isEqualTo(stuck.id);
            assertThat(c.param("ShouldDecrementDesiredCapacity")).isEqualTo("true");
        });
    }

    @Test
    void launchTimeFallsBackToFirstSightWhenNoActivityNamesTheInstance() throws Exception {
        steadyGroup(ASG, 1, 10);
        CloudGroup first = provider.describe(List.of(ASG)).get(ASG);
        assertThat(first.instances().get(0).launchTime()).isEqualTo(T0);
        assertThat(fake.calls("DescribeScalingActivities")).hasSize(1);

        clock.advance(Duration.ofMinutes(5));
        fake.clearCalls();
        CloudGroup second = provider.describe(List.of(ASG)).get(ASG);
        // Known instances, desired met: no activity read, launch time kept.
        assertThat(fake.calls("DescribeScalingActivities")).isEmpty();
        assertThat(second.instances().get(0).launchTime()).isEqualTo(T0);
    }

    @Test
    void throttlingIsRetriedByTheSdkAndThenSucceeds() throws Exception {
        steadyGroup(ASG, 1, 10);
        fake.failNext("DescribeAutoScalingGroups", 2, 400, "Throttling", "Rate exceeded");

        Map<String, CloudGroup> groups = provider.describe(List.of(ASG));

        assertThat(groups).containsKey(ASG);
        assertThat(fake.calls("DescribeAutoScalingGroups"))
                .hasSize(3)
                .allSatisfy(c -> assertThat(c.members("AutoScalingGroupNames")).containsExactly(ASG));
    }

    @Test
    void throttlingBeyondTheSdkRetriesIsTransientAndNotSuccess() throws Exception {
        steadyGroup(ASG, 1, 10);
        provider.describe(List.of(ASG));
        fake.clearCalls();
        fake.failNext("SetDesiredCapacity", 3, 400, "Throttling", "Rate exceeded");

        assertThatThrownBy(() -> provider.setDesiredCapacity(ASG, 3))
                .isInstanceOfSatisfying(CloudException.class, e -> {
                    assertThat(e.kind()).isEqualTo(CloudException.Kind.TRANSIENT);
                    assertThat(e.code()).isEqualTo("Throttling");
                });
        assertThat(fake.calls("SetDesiredCapacity")).hasSize(3);
        assertThat(fake.group(ASG).desired).isEqualTo(1);

        // Next scan retries the same request and it goes through.
        provider.setDesiredCapacity(ASG, 3);
        assertThat(fake.calls("SetDesiredCapacity"))
                .hasSize(4)
                .last()
                .satisfies(c -> assertThat(c.param("DesiredCapacity")).isEqualTo("3"));
        assertThat(fake.group(ASG).desired).isEqualTo(3);
    }

    @Test
    void serverErrorsAreTransient() throws Exception {
        steadyGroup(ASG, 1, 10);
        fake.failNext("DescribeAutoScalingGroups", 3, 503, "ServiceUnavailable", "Service is unavailable");

        assertThatThrownBy(() -> provider.describe(List.of(ASG)))
                .isInstanceOfSatisfying(
                        CloudException.class, e -> assertThat(e.kind()).isEqualTo(CloudException.Kind.TRANSIENT));
        assertThat(fake.calls("DescribeAutoScalingGroups")).hasSize(3);
    }

    @Test
    void scalingActivityInProgressIsBusyAndTheDesiredSizeIsNotTakenAsSet() throws Exception {
        steadyGroup(ASG, 2, 10);
        provider.describe(List.of(ASG));
        fake.clearCalls();
        fake.failNext(
                "SetDesiredCapacity",
                1,
                400,
                "ScalingActivityInProgress",
                "Scaling activity 1234 is in progress and blocks this action.");

        assertThatThrownBy(() -> provider.setDesiredCapacity(ASG, 4))
                .isInstanceOfSatisfying(CloudException.class, e -> {
                    assertThat(e.kind()).isEqualTo(CloudException.Kind.BUSY);
                    assertThat(e.code()).isEqualTo("ScalingActivityInProgress");
                });
        // 400 is not retried by the SDK: exactly one attempt, and the group is unchanged.
        assertThat(fake.calls("SetDesiredCapacity")).hasSize(1);
        assertThat(fake.group(ASG).desired).isEqualTo(2);

        provider.setDesiredCapacity(ASG, 4);
        assertThat(fake.calls("SetDesiredCapacity")).hasSize(2);
        assertThat(fake.group(ASG).desired).isEqualTo(4);
    }

    @Test
    void anUnknownGroupIsLeftOutAndInvalidWhileTheOthersCarryOn() throws Exception {
        steadyGroup(ASG, 1, 10);

        Map<String, CloudGroup> groups = provider.describe(List.of(ASG, "typo-asg"));

        assertThat(groups).containsOnlyKeys(ASG);
        assertThat(provider.unknownGroups()).containsExactly("typo-asg");
        fake.clearCalls();
        assertThatThrownBy(() -> provider.setDesiredCapacity("typo-asg", 2))
                .isInstanceOfSatisfying(
                        CloudException.class, e -> assertThat(e.kind()).isEqualTo(CloudException.Kind.INVALID));
        assertThat(fake.calls()).isEmpty();

        provider.setDesiredCapacity(ASG, 2);
        assertThat(fake.calls("SetDesiredCapacity"))
                .singleElement()
                .satisfies(c -> assertThat(c.param("AutoScalingGroupName")).isEqualTo(ASG));
    }

    @Test
    void aMalformedGroupNameDoesNotTakeTheOtherGroupsOfItsBatchDown() throws Exception {
        steadyGroup(ASG, 1, 10);
        steadyGroup("other", 1, 10);
        String malformed = "x".repeat(2000);

        Map<String, CloudGroup> groups = provider.describe(List.of(ASG, malformed, "other"));

        assertThat(groups).containsOnlyKeys(ASG, "other");
        assertThat(provider.unknownGroups()).containsExactly(malformed);
        // The batch failed, then each name was asked alone.
        assertThat(fake.calls("DescribeAutoScalingGroups"))
                .extracting(c -> c.members("AutoScalingGroupNames").size())
                .containsExactly(3, 1, 1, 1);
    }

    @Test
    void accessDeniedOnDescribeFailsTheScanInsteadOfLookingLikeUnknownGroups() throws Exception {
        steadyGroup(ASG, 1, 10);
        steadyGroup("other", 1, 10);
        fake.failNext(
                "DescribeAutoScalingGroups",
                1,
                403,
                "AccessDenied",
                "User is not authorized to perform: autoscaling:DescribeAutoScalingGroups");

        assertThatThrownBy(() -> provider.describe(List.of(ASG, "other")))
                .isInstanceOfSatisfying(CloudException.class, e -> {
                    assertThat(e.kind()).isEqualTo(CloudException.Kind.INVALID);
                    assertThat(e.code()).isEqualTo("AccessDenied");
                });
        assertThat(fake.calls("DescribeAutoScalingGroups")).hasSize(1);
        assertThat(provider.unknownGroups()).isEmpty();
    }

    @Test
    void aValidationErrorFromTheApiIsInvalid() throws Exception {
        steadyGroup(ASG, 1, 10);
        provider.describe(List.of(ASG));
        // Someone lowered the group's max after this scan's describe.
        fake.group(ASG).max = 2;

        assertThatThrownBy(() -> provider.setDesiredCapacity(ASG, 5))
                .isInstanceOfSatisfying(CloudException.class, e -> {
                    assertThat(e.kind()).isEqualTo(CloudException.Kind.INVALID);
                    assertThat(e.code()).isEqualTo("ValidationError");
                    assertThat(e.getMessage()).contains("above max value 2");
                });
        assertThat(fake.calls("SetDesiredCapacity")).hasSize(1);
    }

    @Test
    void failedLaunchActivitiesMarkTheGroupLaunchFailingUntilALaunchSucceeds() throws Exception {
        steadyGroup(ASG, 1, 10);
        fake.group(ASG).desired = 3;
        fake.addActivity(
                ASG,
                "Launching a new EC2 instance: i-0000000000000aaaa",
                "Successful",
                null,
                T0.minus(Duration.ofMinutes(20)));
        fake.addActivity(
                ASG,
                "Launching a new EC2 instance.  Status Reason: We currently do not have sufficient "
                        + "m5.4xlarge capacity in the Availability Zone you requested (us-east-1a).",
                "Failed",
                "We currently do not have sufficient m5.4xlarge capacity in the Availability Zone you requested "
                        + "(us-east-1a).",
                T0.minus(Duration.ofMinutes(2)));

        CloudGroup group = provider.describe(List.of(ASG)).get(ASG);

        assertThat(group.launchFailing()).isTrue();
        assertThat(group.problems())
                .anySatisfy(p -> assertThat(p).startsWith("launch failing").contains("sufficient m5.4xlarge capacity"));
        assertThat(fake.calls("DescribeScalingActivities"))
                .singleElement()
                .satisfies(c -> assertThat(c.params())
                        .containsEntry("AutoScalingGroupName", ASG)
                        .containsEntry("MaxRecords", "50"));

        // The cloud recovers: a newer launch succeeds.
        Inst launched = fake.addInstance(ASG, "Pending", false);
        fake.addActivity(ASG, "Launching a new EC2 instance: " + launched.id, "Successful", null, T0);
        clock.advance(Duration.ofSeconds(10));
        CloudGroup recovered = provider.describe(List.of(ASG)).get(ASG);
        assertThat(recovered.launchFailing()).isFalse();
        assertThat(recovered.problems()).noneMatch(p -> p.startsWith("launch failing"));
    }

    @Test
    void activitiesAreNotReadWhenNothingIsOnItsWay() throws Exception {
        steadyGroup(ASG, 2, 10);
        provider.describe(List.of(ASG));
        fake.clearCalls();
        fake.addActivity(
                ASG,
                "Launching a new EC2 instance.  Status Reason: old failure",
                "Failed",
                "old failure",
                T0.minus(Duration.ofMinutes(3)));

        CloudGroup group = provider.describe(List.of(ASG)).get(ASG);

        assertThat(fake.actions()).containsExactly("DescribeAutoScalingGroups");
        assertThat(group.launchFailing()).isFalse();
    }

    @Test
    void activeAzRebalanceIsReportedAndLeftAloneWhenTheConfigDoesNotAllowSuspending() throws Exception {
        provider.close();
        provider = AwsTestSupport.provider(fake, Map.of(ASG, new AwsGroupSettings(8, false)), clock);
        steadyGroup(ASG, 1, 10).suspended.clear();

        CloudGroup group = provider.describe(List.of(ASG)).get(ASG);

        assertThat(group.zoneRebalancing()).isTrue();
        assertThat(group.problems()).anySatisfy(p -> assertThat(p).startsWith("AZRebalance is active"));
        assertThat(fake.calls("SuspendProcesses")).isEmpty();
    }

    @Test
    void describeReportsActiveAzRebalanceWithoutSuspendingIt() throws Exception {
        // Guards against describe writing again: the suspension is the loop's plan action (dry-run, Lease).
        steadyGroup(ASG, 1, 10).suspended.clear();

        CloudGroup group = provider.describe(List.of(ASG)).get(ASG);

        assertThat(group.zoneRebalancing()).isTrue();
        assertThat(group.problems()).isEmpty(); // the config allows suspending: the loop does, or reports why not
        assertThat(fake.calls("SuspendProcesses")).isEmpty();
        fake.group(ASG).suspended.add("AZRebalance");
        assertThat(provider.describe(List.of(ASG)).get(ASG).zoneRebalancing()).isFalse();
    }

    @Test
    void suspendingZoneRebalancingIsOneSuspendProcessesCallForAzRebalanceOnly() throws Exception {
        steadyGroup(ASG, 1, 10).suspended.clear();
        provider.describe(List.of(ASG));

        provider.suspendZoneRebalancing(ASG);

        assertThat(fake.calls("SuspendProcesses"))
                .singleElement()
                .satisfies(c -> assertThat(c.params())
                        .containsExactlyInAnyOrderEntriesOf(
                                Map.of("AutoScalingGroupName", ASG, "ScalingProcesses.member.1", "AZRebalance")));
        assertThat(fake.group(ASG).suspended).containsExactly("AZRebalance");
    }

    @Test
    void aRefusedSuspensionIsInvalidNotSuccess() throws Exception {
        steadyGroup(ASG, 1, 10).suspended.clear();
        provider.describe(List.of(ASG));
        fake.failNext(
                "SuspendProcesses",
                1,
                400,
                "AccessDenied",
                "User is not authorized to perform " + "autoscaling:SuspendProcesses");

        assertThatThrownBy(() -> provider.suspendZoneRebalancing(ASG))
                .isInstanceOfSatisfying(CloudException.class, e -> {
                    assertThat(e.kind()).isEqualTo(CloudException.Kind.INVALID);
                    assertThat(e.code()).isEqualTo("AccessDenied");
                });
        assertThat(fake.group(ASG).suspended).isEmpty();
    }

    @Test
    void aGroupSizedInVcpusOrWeightsIsReported() throws Exception {
        steadyGroup(ASG, 2, 10).desiredCapacityType = "vcpu";
        steadyGroup("weighted", 1, 10);
        fake.group("weighted").instances.get(0).weightedCapacity = "4";
        steadyGroup("plain", 1, 10);
        fake.group("plain").instances.get(0).weightedCapacity = "1";

        Map<String, CloudGroup> groups = provider.describe(List.of(ASG, "weighted", "plain"));

        assertThat(groups.get(ASG).problems()).anySatisfy(p -> assertThat(p).contains("measured in vcpu"));
        assertThat(groups.get("weighted").problems())
                .anySatisfy(p -> assertThat(p).contains("weighted capacity 4"));
        assertThat(groups.get("plain").problems()).isEmpty();
    }

    @Test
    void anUnreachableEndpointIsTransient() throws Exception {
        steadyGroup(ASG, 1, 10);
        fake.close();

        assertThatThrownBy(() -> provider.describe(List.of(ASG))).isInstanceOfSatisfying(CloudException.class, e -> {
            assertThat(e.kind()).isEqualTo(CloudException.Kind.TRANSIENT);
            assertThat(e.getMessage()).startsWith("DescribeAutoScalingGroups failed");
        });
    }

    @Test
    void theFakeGroupPicksUnprotectedVictimsWhenDesiredDropsBelowItsInstances() throws Exception {
        // Self-check of the fake: lowering desired below the instances is dangerous unless all are protected.
        FakeAutoScalingServer.Group g = steadyGroup(ASG, 0, 10);
        Inst kept = fake.addInstance(ASG, "InService", true);
        Inst exposed = fake.addInstance(ASG, "InService", false);
        g.desired = 2;
        try (var client = AwsTestSupport.client(fake)) {
            client.setDesiredCapacity(r -> r.autoScalingGroupName(ASG).desiredCapacity(1));
        }
        assertThat(fake.instance(exposed.id).state).isEqualTo("Terminating");
        assertThat(fake.instance(kept.id).state).isEqualTo("InService");
    }

    @Test
    void unfulfilledDesiredIsCancelledDownToTheInstancesThatExistAndNothingIsTerminated() throws Exception {
        // Guards against: a backlog asked for during insufficient capacity launching later for Jobs long gone.
        FakeAutoScalingServer.Group g = steadyGroup(ASG, 2, 10);
        g.desired = 6; // four launches failed for lack of capacity
        provider.describe(List.of(ASG));
        fake.clearCalls();

        int after = provider.cancelUnfulfilled(ASG, 0);

        assertThat(after).isEqualTo(2);
        assertThat(fake.calls("SetDesiredCapacity"))
                .singleElement()
                .satisfies(c -> assertThat(c.param("DesiredCapacity")).isEqualTo("2"));
        assertThat(fake.actions()).containsExactly("DescribeAutoScalingGroups", "SetDesiredCapacity");
        assertThat(g.instances).extracting(i -> i.state).containsOnly("InService");
        assertThat(g.desired).isEqualTo(2);
    }

    @Test
    void noCancellationWhileAnExistingInstanceIsUnprotected() throws Exception {
        FakeAutoScalingServer.Group g = steadyGroup(ASG, 2, 10);
        Inst booting = fake.addInstance(ASG, "Pending:Wait", false); // may already run pods; cannot be protected yet
        g.desired = 6;
        provider.describe(List.of(ASG));
        fake.clearCalls();

        assertThat(provider.cancelUnfulfilled(ASG, 0)).isEqualTo(6);

        assertThat(fake.calls("SetDesiredCapacity")).isEmpty();
        assertThat(fake.instance(booting.id).state).isEqualTo("Pending:Wait");
        assertThat(g.desired).isEqualTo(6);
    }

    @Test
    void cancellationNeverGoesBelowTheGroupMinimumNorRaisesDesired() throws Exception {
        FakeAutoScalingServer.Group g = steadyGroup(ASG, 1, 10);
        g.min = 3;
        g.desired = 5;
        provider.describe(List.of(ASG));
        fake.clearCalls();

        assertThat(provider.cancelUnfulfilled(ASG, 0)).isEqualTo(3);
        assertThat(provider.cancelUnfulfilled(ASG, 4)).isEqualTo(3);
        assertThat(fake.calls("SetDesiredCapacity"))
                .extracting(c -> c.param("DesiredCapacity"))
                .containsExactly("3");
    }
}
