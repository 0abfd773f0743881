package io.joblane.scaler.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class StatusConfigMapCrudTest {
    KubernetesClient client;

    @Test
    void writesOnlyWhenTheContentChanges() {
        StatusConfigMap status = new StatusConfigMap(client, "joblane", "joblane-scaler-status", () -> true);
        assertThat(status.publish(Map.of("batch", "desired: 2\n"))).isTrue();
        String rv = client.configMaps()
                .inNamespace("joblane")
                .withName("joblane-scaler-status")
                .get()
                .getMetadata()
                .getResourceVersion();
        assertThat(status.publish(Map.of("batch", "desired: 2\n"))).isFalse();
        assertThat(client.configMaps()
                        .inNamespace("joblane")
                        .withName("joblane-scaler-status")
                        .get()
                        .getMetadata()
                        .getResourceVersion())
                .isEqualTo(rv);

        assertThat(status.publish(Map.of("batch", "desired: 3\n", "gpu", "desired: 0\n")))
                .isTrue();
        assertThat(client.configMaps()
                        .inNamespace("joblane")
                        .withName("joblane-scaler-status")
                        .get()
                        .getData())
                .containsExactlyInAnyOrderEntriesOf(Map.of("batch", "desired: 3\n", "gpu", "desired: 0\n"));
    }

    @Test
    void replacesTheContentLeftByAPreviousLeader() {
        new StatusConfigMap(client, "joblane", "st", () -> true).publish(Map.of("old", "x"));
        new StatusConfigMap(client, "joblane", "st", () -> true).publish(Map.of("batch", "y"));
        assertThat(client.configMaps()
                        .inNamespace("joblane")
                        .withName("st")
                        .get()
                        .getData())
                .containsExactlyEntriesOf(Map.of("batch", "y"));
    }

    @Test
    void aReplicaThatLostTheLeaseWritesNoStatus() {
        // Guards against: a deposed replica's last scan overwriting the new leader's status ConfigMap.
        java.util.concurrent.atomic.AtomicBoolean leading = new java.util.concurrent.atomic.AtomicBoolean(true);
        StatusConfigMap status = new StatusConfigMap(client, "joblane", "st", leading::get);
        assertThat(status.publish(Map.of("batch", "desired: 2\n"))).isTrue();
        leading.set(false);
        assertThat(status.publish(Map.of("batch", "desired: 9\n"))).isFalse();
        assertThat(client.configMaps()
                        .inNamespace("joblane")
                        .withName("st")
                        .get()
                        .getData())
                .containsExactlyEntriesOf(Map.of("batch", "desired: 2\n"));
    }
}
