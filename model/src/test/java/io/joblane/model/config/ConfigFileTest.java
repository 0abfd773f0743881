package io.joblane.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

    @TempDir
    Path dir;

    @Test
    void reloadsAValidChangeAndKeepsTheLastGoodVersionOnAnInvalidOne() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, ConfigLoaderTest.MINIMAL);
        List<String> seen = new ArrayList<>();
        ConfigFile.Listener listener = new ConfigFile.Listener() {
            @Override
            public void reloaded(JoblaneConfig config) {
                seen.add("reloaded " + config.defaultGroup().name());
            }

            @Override
            public void rejected(InvalidConfigException error) {
                seen.add("rejected");
            }
        };
        try (ConfigFile config = ConfigFile.watch(file, Duration.ofHours(1), listener)) {
            assertThat(config.current().defaultGroup().name()).isEqualTo("batch");

            config.poll();
            assertThat(seen).as("an unchanged file is not reloaded").isEmpty();

            Files.writeString(file, ConfigLoaderTest.MINIMAL.replace("batch", "other"));
            config.poll();
            assertThat(config.current().defaultGroup().name()).isEqualTo("other");

            Files.writeString(file, "nodeGroups: []");
            config.poll();
            assertThat(config.current().defaultGroup().name()).isEqualTo("other");
            assertThat(seen).containsExactly("reloaded other", "rejected");
        }
    }

    @Test
    void anInvalidFileRefusesToStart() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "nodeGroups: [{name: a}]");
        assertThatThrownBy(() -> ConfigFile.watch(file, Duration.ofSeconds(1), config -> {}))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("default: true");
    }
}
