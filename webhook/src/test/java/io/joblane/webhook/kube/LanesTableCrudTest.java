package io.joblane.webhook.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.joblane.model.WellKnown;
import io.joblane.model.lanes.FamilyTable;
import io.joblane.model.lanes.RunTimes;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The webhook follows the scaler's family table, and works on (empty table) while it is absent or unreadable. */
@EnableKubernetesMockClient(crud = true)
class LanesTableCrudTest {
    KubernetesClient client;

    private void write(String text) {
        client.configMaps()
                .inNamespace("joblane")
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName(WellKnown.LANES_CONFIGMAP)
                        .withNamespace("joblane")
                        .endMetadata()
                        .withData(Map.of(WellKnown.LANES_CONFIGMAP_KEY, text))
                        .build())
                .createOr(c -> c.update());
    }

    @Test
    void followsTheConfigMapFromAbsentToWrittenToUnreadableToDeleted() {
        client.configMaps()
                .inNamespace("other")
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("unrelated")
                        .endMetadata()
                        .build())
                .create();
        try (LanesTable lanes = LanesTable.start(client, "joblane")) {
            assertThat(lanes.table().size()).isZero();
            assertThat(lanes.readable()).isFalse();

            FamilyTable table = new FamilyTable(Map.of("ml/nightly", RunTimes.first(60_000, 5)));
            write(table.encode());
            await().atMost(Duration.ofSeconds(10)).until(lanes::readable);
            assertThat(lanes.table().asMap()).isEqualTo(table.asMap());

            write("ml/nightly not-a-number\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> !lanes.readable());
            assertThat(lanes.table().size()).isZero();

            write(table.encode());
            await().atMost(Duration.ofSeconds(10)).until(lanes::readable);
            client.configMaps()
                    .inNamespace("joblane")
                    .withName(WellKnown.LANES_CONFIGMAP)
                    .delete();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !lanes.readable() && lanes.table().size() == 0);
        }
    }
}
