package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class LeaderElectionCrudTest {
    // A renew deadline a starved CI machine cannot miss (a stalled renewal would hand b the lease); the hand-over
    // stays fast, since a releases the lease and b retries every 200 ms.
    static final LeaderElection.Timing FAST =
            new LeaderElection.Timing(Duration.ofSeconds(6), Duration.ofSeconds(5), Duration.ofMillis(200));
    KubernetesClient client;

    @Test
    void onlyOneOfTwoLeadsAndTheOtherTakesOverWhenTheFirstReleases() {
        AtomicInteger aStarted = new AtomicInteger();
        AtomicInteger aStopped = new AtomicInteger();
        AtomicInteger bStarted = new AtomicInteger();
        LeaderElection a = new LeaderElection(
                client,
                "joblane",
                "joblane-scaler",
                "scaler-a",
                FAST,
                aStarted::incrementAndGet,
                aStopped::incrementAndGet);
        LeaderElection b = new LeaderElection(
                client, "joblane", "joblane-scaler", "scaler-b", FAST, bStarted::incrementAndGet, () -> {});
        try {
            a.start();
            await().atMost(Duration.ofSeconds(20)).until(a::isLeader);
            await().atMost(Duration.ofSeconds(20)).until(a::stillLeading); // fed by a's own Lease renewals
            b.start();
            // b keeps trying for longer than a whole lease while a renews: it must never lead.
            await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(15)).until(() -> !b.isLeader());
            assertThat(bStarted.get()).isZero();
            assertThat(b.stillLeading()).isFalse();
            assertThat(b.leader()).isEqualTo("scaler-a");
            assertThat(client.leases()
                            .inNamespace("joblane")
                            .withName("joblane-scaler")
                            .get()
                            .getSpec()
                            .getHolderIdentity())
                    .isEqualTo("scaler-a");

            a.close();
            assertThat(aStopped.get()).isEqualTo(1);
            assertThat(a.stillLeading()).isFalse();
            await().atMost(Duration.ofSeconds(20)).until(b::isLeader);
            assertThat(bStarted.get()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(20)).until(b::stillLeading);
            assertThat(a.isLeader()).isFalse();
        } finally {
            a.close();
            b.close();
        }
    }
}
