package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.joblane.model.config.InvalidConfigException;
import io.joblane.scaler.Main;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The three lease flags: parsed as durations, defaulting to client-go's timing, checked as fabric8 checks them. */
class LeaderElectionTimingTest {
    private static LeaderElection.Timing parsed(String... args) throws InvalidConfigException {
        CommandLine cl = Main.commandLine();
        CommandLine.ParseResult result = cl.parseArgs(args);
        CommandLine.Model.CommandSpec spec = result.subcommand().commandSpec();
        return LeaderElection.Timing.of(
                spec.findOption("--lease-duration").getValue(),
                spec.findOption("--lease-renew-deadline").getValue(),
                spec.findOption("--lease-retry-period").getValue());
    }

    @Test
    void theFlagsDefaultToTheTimingControllersUse() throws Exception {
        assertThat(parsed("run", "--config", "x.yaml")).isEqualTo(LeaderElection.Timing.DEFAULT);
    }

    @Test
    void theFlagsTakeGoDurations() throws Exception {
        assertThat(parsed(
                        "run",
                        "--config",
                        "x.yaml",
                        "--lease-duration",
                        "1m",
                        "--lease-renew-deadline",
                        "40s",
                        "--lease-retry-period",
                        "5s"))
                .isEqualTo(new LeaderElection.Timing(
                        Duration.ofMinutes(1), Duration.ofSeconds(40), Duration.ofSeconds(5)));
    }

    // Guards against a timing fabric8 rejects deep in start-up (or a leader that renews after others may take over).
    @Test
    void aTimingTheElectorWouldRejectNamesTheFlags() {
        assertThatThrownBy(() ->
                        LeaderElection.Timing.of(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(2)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("--lease-renew-deadline (PT10S) must be shorter than --lease-duration (PT10S)");
        // 4 s is not above 2 s plus fabric8's jitter of up to 1.2 times it.
        assertThatThrownBy(() ->
                        LeaderElection.Timing.of(Duration.ofSeconds(15), Duration.ofSeconds(4), Duration.ofSeconds(2)))
                .hasMessageContaining("--lease-renew-deadline (PT4S) must be longer than --lease-retry-period (PT2S)");
        assertThatThrownBy(
                        () -> LeaderElection.Timing.of(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ZERO))
                .hasMessageContaining("--lease-retry-period must be above zero");
    }

    /** Whether fabric8's own builder takes the timing (it validates in build(); nothing connects). */
    private static boolean fabric8Takes(Duration renewDeadline) {
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            new LeaderElectorBuilder(client, Runnable::run)
                    .withConfig(new LeaderElectionConfigBuilder()
                            .withName("joblane-scaler")
                            .withLock(new LeaseLock("joblane", "joblane-scaler", "me"))
                            .withLeaseDuration(Duration.ofSeconds(15))
                            .withRenewDeadline(renewDeadline)
                            .withRetryPeriod(Duration.ofSeconds(2))
                            .withLeaderCallbacks(new LeaderCallbacks(() -> {}, () -> {}, id -> {}))
                            .build())
                    .build();
            return true;
        } catch (IllegalArgumentException rejected) {
            return false;
        }
    }

    private static boolean weTake(Duration renewDeadline) {
        try {
            LeaderElection.Timing.of(Duration.ofSeconds(15), renewDeadline, Duration.ofSeconds(2));
            return true;
        } catch (InvalidConfigException rejected) {
            return false;
        }
    }

    @Test
    void theJitterRuleIsFabric8sOwnAtItsEdge() {
        // With a 2 s retry period fabric8 wants the renew deadline above 2 s + ceil(2 s x 1.2) = 4.4 s.
        for (long millis : new long[] {4399, 4400, 4401, 4402}) {
            Duration renew = Duration.ofMillis(millis);
            assertThat(weTake(renew)).as("renew deadline %s", renew).isEqualTo(fabric8Takes(renew));
        }
        assertThat(weTake(Duration.ofMillis(4401))).isTrue();
        assertThat(weTake(Duration.ofMillis(4400))).isFalse();
    }
}
