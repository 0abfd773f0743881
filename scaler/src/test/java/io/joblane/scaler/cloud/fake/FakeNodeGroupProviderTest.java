package io.joblane.scaler.cloud.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.cloud.NodeTemplate;
import io.joblane.scaler.loop.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FakeNodeGroupProviderTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeNodeGroupProvider cloud =
            new FakeNodeGroupProvider(clock).addGroup("g", 0, 5, 0, Duration.ofSeconds(90));

    private CloudGroup describe() throws CloudException {
        return cloud.describe(List.of("g")).get("g");
    }

    @Test
    void instanceIdsAreWrittenAsEc2DoesSeventeenHexDigits() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        List<Long> seqs = new ArrayList<>(List.of(0L, 1L, 15L, 16L, 0xfffffL, Long.MAX_VALUE, -1L));
        for (int k = 0; k < 200; k++) {
            seqs.add(rnd.nextLong(1L << (1 + rnd.nextInt(62))));
        }
        for (long seq : seqs) {
            assertThat(FakeNodeGroupProvider.instanceId(seq)).isEqualTo(String.format("i-%017x", seq));
        }
    }

    @Test
    void describeListsTheLiveInstancesInLaunchOrderAndTheSameListWhileNoneChanges() throws Exception {
        FakeNodeGroupProvider big = new FakeNodeGroupProvider(clock)
                .addGroup("g", 0, 500, 0, Duration.ofSeconds(90))
                .terminationDelay(Duration.ofSeconds(30));
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        List<String> launched = new ArrayList<>(); // every id ever seen, in launch order
        List<String> goneNow = new ArrayList<>();
        java.util.Map<String, Instant> asked = new java.util.HashMap<>();
        big.addListener(new FakeNodeGroupProvider.Listener() {
            @Override
            public void terminated(String groupId, CloudInstance i) {
                goneNow.add(i.id());
                assertThat(clock.instant()).isAfterOrEqualTo(asked.get(i.id()).plusSeconds(30));
            }
        });
        List<CloudInstance> before = List.of();
        io.joblane.scaler.plan.ByKey<CloudInstance> byId = new io.joblane.scaler.plan.ByKey<>(CloudInstance::id);
        for (int step = 0; step < 400; step++) {
            List<CloudInstance> now = big.describe(List.of("g")).get("g").instances();
            if (now != before) {
                assertEditedFrom(before, now);
                java.util.Map<String, CloudInstance> fresh = new java.util.HashMap<>();
                now.forEach(i -> fresh.put(i.id(), i));
                assertThat(byId.of(now))
                        .as("step %d: the map updated by the edits", step)
                        .isEqualTo(fresh);
                if (byId.went() != null) {
                    assertThat(byId.went()).containsExactlyElementsOf(notIn(now, before));
                }
                before = now;
            }
            for (CloudInstance i : now) {
                if (!launched.contains(i.id())) {
                    launched.add(i.id());
                }
            }
            List<String> ids = now.stream().map(CloudInstance::id).toList();
            assertThat(ids).doesNotHaveDuplicates();
            assertThat(launched.stream().filter(ids::contains).toList())
                    .as("step %d: the listed ids in launch order", step)
                    .isEqualTo(ids);
            assertThat(big.describe(List.of("g")).get("g").instances())
                    .as("nothing changed: the same list")
                    .isSameAs(now);
            List<CloudInstance> up = now.stream()
                    .filter(i -> i.state() == LifecycleState.IN_SERVICE)
                    .toList();
            int action = rnd.nextInt(4);
            if (action == 0 || up.isEmpty()) {
                int desired = big.describe(List.of("g")).get("g").desired();
                big.setDesiredCapacity("g", Math.min(150, desired + 1 + rnd.nextInt(20)));
            } else {
                String id = up.get(rnd.nextInt(up.size())).id(); // anywhere in the list
                asked.put(id, clock.instant());
                big.terminateInstance("g", id);
            }
            clock.advance(Duration.ofSeconds(rnd.nextInt(40)));
            goneNow.clear();
            big.advance();
            assertThat(goneNow)
                    .as("gone at once: told in launch order")
                    .isSortedAccordingTo(java.util.Comparator.comparingInt(launched::indexOf));
            List<String> listed = big.describe(List.of("g")).get("g").instances().stream()
                    .map(CloudInstance::id)
                    .toList();
            asked.forEach((id, at) -> assertThat(listed.contains(id))
                    .as("%s asked at %s, now %s", id, at, clock.instant())
                    .isEqualTo(clock.instant().isBefore(at.plusSeconds(30))));
        }
        assertThat(launched).hasSizeGreaterThan(300); // the array beside the map grew and was compacted
    }

    /** The list says how it came from the one before: exactly the objects that went and came, in the lists' order. */
    private static void assertEditedFrom(List<CloudInstance> before, List<CloudInstance> now) {
        assertThat(now).isInstanceOf(io.joblane.scaler.cloud.InstanceList.class);
        io.joblane.scaler.cloud.InstanceList edited = (io.joblane.scaler.cloud.InstanceList) now;
        if (before.isEmpty() && edited.editedFrom() == null) {
            return; // the first list says nothing of one before
        }
        assertThat(edited.editedFrom()).isSameAs(before);
        assertThat(edited.went()).containsExactlyElementsOf(notIn(now, before));
        assertThat(edited.came()).containsExactlyElementsOf(notIn(before, now));
    }

    /** The objects of {@code b} that are not in {@code a} (by identity), in {@code b}'s order. */
    private static List<CloudInstance> notIn(List<CloudInstance> a, List<CloudInstance> b) {
        java.util.Set<CloudInstance> in = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        in.addAll(a);
        return b.stream().filter(x -> !in.contains(x)).toList();
    }

    @Test
    void instancesLaunchPendingAndComeIntoServiceAfterTheBootDelay() throws Exception {
        cloud.setDesiredCapacity("g", 2);
        assertThat(describe().instances()).hasSize(2).allMatch(i -> i.state() == LifecycleState.PENDING);
        clock.advance(Duration.ofSeconds(89));
        assertThat(describe().instances()).allMatch(i -> i.state() == LifecycleState.PENDING);
        clock.advance(Duration.ofSeconds(1));
        assertThat(describe().instances()).allMatch(i -> i.state() == LifecycleState.IN_SERVICE);
    }

    @Test
    void terminatesExactlyTheChosenInstanceAndDecrements() throws Exception {
        cloud.setDesiredCapacity("g", 3);
        List<CloudInstance> before = describe().instances();
        cloud.terminateInstance("g", before.get(1).id());
        CloudGroup after = describe();
        assertThat(after.desired()).isEqualTo(2);
        assertThat(after.instances())
                .extracting(CloudInstance::id)
                .containsExactly(before.get(0).id(), before.get(2).id());
        assertThatThrownBy(() -> cloud.terminateInstance("g", "i-nope"))
                .isInstanceOfSatisfying(
                        CloudException.class, e -> assertThat(e.kind()).isEqualTo(CloudException.Kind.INVALID));
    }

    @Test
    void aLowerDesiredLetsTheCloudPickOnlyUnprotectedVictims() throws Exception {
        cloud.setDesiredCapacity("g", 3);
        List<CloudInstance> all = describe().instances();
        cloud.setScaleInProtection(
                "g", List.of(all.get(0).id(), all.get(1).id(), all.get(2).id()), true);
        cloud.setDesiredCapacity("g", 1);
        assertThat(describe().instances()).hasSize(3); // all protected: nothing picked

        cloud.setScaleInProtection("g", List.of(all.get(2).id()), false);
        cloud.setDesiredCapacity("g", 1);
        assertThat(describe().instances())
                .extracting(CloudInstance::id)
                .containsExactly(all.get(0).id(), all.get(1).id());
    }

    @Test
    void rejectsSizesOutsideTheGroupAndUnknownGroups() {
        assertThatThrownBy(() -> cloud.setDesiredCapacity("g", 6)).isInstanceOf(CloudException.class);
        assertThatThrownBy(() -> cloud.setDesiredCapacity("nope", 1)).isInstanceOf(CloudException.class);
        assertThat(cloud.calls())
                .extracting(FakeNodeGroupProvider.Call::detail)
                .containsExactly("desired=6", "desired=1");
    }

    @Test
    void aFailureAfterActingChangesTheGroupAndStillReportsTheError() throws Exception {
        cloud.failNextAfterActing(
                FakeNodeGroupProvider.SET_DESIRED,
                new CloudException(CloudException.Kind.TRANSIENT, "RequestTimeout", "answer lost"));
        assertThatThrownBy(() -> cloud.setDesiredCapacity("g", 2)).isInstanceOf(CloudException.class);
        assertThat(describe().desired()).isEqualTo(2);
        cloud.setDesiredCapacity("g", 3); // only the next call
        assertThat(describe().desired()).isEqualTo(3);
    }

    @Test
    void injectsFailuresOnceOrUntilCleared() throws Exception {
        cloud.failNext(
                FakeNodeGroupProvider.DESCRIBE, new CloudException(CloudException.Kind.TRANSIENT, "Throttling", "x"));
        assertThatThrownBy(this::describe).isInstanceOf(CloudException.class);
        assertThat(describe()).isNotNull();

        cloud.failAlways(
                FakeNodeGroupProvider.SET_DESIRED,
                new CloudException(CloudException.Kind.BUSY, "ScalingActivityInProgress", "x"));
        assertThatThrownBy(() -> cloud.setDesiredCapacity("g", 1)).isInstanceOf(CloudException.class);
        assertThatThrownBy(() -> cloud.setDesiredCapacity("g", 1)).isInstanceOf(CloudException.class);
        cloud.clearFailures();
        cloud.setDesiredCapacity("g", 1);
        assertThat(describe().desired()).isEqualTo(1);
    }

    @Test
    void aGroupOutOfCapacityLaunchesNothingAndSaysSo() throws Exception {
        cloud.setLaunchFailing("g", true);
        cloud.setDesiredCapacity("g", 2);
        CloudGroup g = describe();
        assertThat(g.instances()).isEmpty();
        assertThat(g.launchFailing()).isTrue();
        assertThat(g.problems()).isNotEmpty();
        cloud.setLaunchFailing("g", false);
        assertThat(describe().instances()).hasSize(2);
    }

    @Test
    void notifiesListenersOfTheLifecycle() throws Exception {
        List<String> seen = new ArrayList<>();
        cloud.addListener(new FakeNodeGroupProvider.Listener() {
            @Override
            public void launched(String groupId, CloudInstance i) {
                seen.add("launched " + i.id());
            }

            @Override
            public void inService(String groupId, CloudInstance i) {
                seen.add("inService " + i.id());
            }

            @Override
            public void terminated(String groupId, CloudInstance i) {
                seen.add("terminated " + i.id());
            }
        });
        cloud.setDesiredCapacity("g", 1);
        String id = describe().instances().get(0).id();
        clock.advance(Duration.ofSeconds(90));
        describe();
        cloud.terminateInstance("g", id);
        assertThat(seen).containsExactly("launched " + id, "inService " + id, "terminated " + id);
    }

    @Test
    void staysConsistentUnderConcurrentCallers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        try {
                            cloud.setDesiredCapacity("g", (i + seed) % 6);
                            describe();
                        } catch (CloudException e) {
                            // 5 is within max, so no failure is expected
                            throw new AssertionError(e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        CloudGroup g = describe();
        assertThat(g.instances().size()).isEqualTo(g.desired());
        assertThat(cloud.callCount()).isEqualTo(4L * 500 * 2 + 1);
    }

    private static final FakeInstanceType SMALL =
            new FakeInstanceType("m5.2xlarge", Map.of("cpu", 8000L, "memory", 32L * (1L << 30) * 1000), 0.384);
    private static final FakeInstanceType LARGE =
            new FakeInstanceType("m5.4xlarge", Map.of("cpu", 16000L, "memory", 64L * (1L << 30) * 1000), 0.768);

    private List<String> typesOf(String group) throws CloudException {
        return cloud.describe(List.of(group)).get(group).instances().stream()
                .map(i -> cloud.instanceType(i.id()).name())
                .toList();
    }

    @Test
    void prioritizedLaunchesTheFirstTypeAndFallsBackWhenItsCapacityRunsOut() throws Exception {
        cloud.addGroup("mixed", 0, 10, 0, Duration.ZERO, List.of(LARGE.withCapacity(2), SMALL), LaunchRule.PRIORITIZED);
        cloud.setDesiredCapacity("mixed", 3);
        assertThat(typesOf("mixed")).containsExactly("m5.4xlarge", "m5.4xlarge", "m5.2xlarge");

        // A large one goes: its capacity is free again, and the next launch takes it.
        String large = describe("mixed").instances().get(0).id();
        cloud.terminateInstance("mixed", large);
        cloud.setDesiredCapacity("mixed", 3);
        assertThat(typesOf("mixed")).containsExactly("m5.4xlarge", "m5.2xlarge", "m5.4xlarge");
    }

    @Test
    void lowestPriceLaunchesTheCheapestTypeWhateverTheOrder() throws Exception {
        cloud.addGroup("mixed", 0, 10, 0, Duration.ZERO, List.of(LARGE, SMALL), LaunchRule.LOWEST_PRICE);
        cloud.setDesiredCapacity("mixed", 2);
        assertThat(typesOf("mixed")).containsExactly("m5.2xlarge", "m5.2xlarge");
    }

    @Test
    void withEveryTypeOutOfCapacityTheLaunchFailsAndIsReported() throws Exception {
        cloud.addGroup("mixed", 0, 10, 0, Duration.ZERO, List.of(SMALL, LARGE), LaunchRule.PRIORITIZED);
        cloud.setTypeCapacity("mixed", "m5.2xlarge", 1);
        cloud.setTypeCapacity("mixed", "m5.4xlarge", 0);
        cloud.setDesiredCapacity("mixed", 2);
        CloudGroup g = describe("mixed");
        assertThat(g.instances()).hasSize(1);
        assertThat(g.launchFailing()).isTrue();
        assertThat(g.problems()).singleElement().asString().contains("InsufficientInstanceCapacity");

        cloud.setTypeCapacity("mixed", "m5.4xlarge", 5);
        assertThat(typesOf("mixed")).containsExactly("m5.2xlarge", "m5.4xlarge");
        assertThat(describe("mixed").launchFailing()).isFalse();
    }

    @Test
    void theNodeTemplateListsEveryTypesShapeInTheGroupsOrder() throws Exception {
        cloud.addGroup("mixed", 0, 10, 0, Duration.ZERO, List.of(SMALL, LARGE), LaunchRule.LOWEST_PRICE);
        assertThat(describe("mixed").template().shapes())
                .containsExactly(
                        new NodeTemplate.Shape("m5.2xlarge", SMALL.allocatableMillis()),
                        new NodeTemplate.Shape("m5.4xlarge", LARGE.allocatableMillis()));
        assertThat(describe().template())
                .as("a group without types has no template")
                .isNull();
    }

    private CloudGroup describe(String group) throws CloudException {
        return cloud.describe(List.of(group)).get(group);
    }
}
