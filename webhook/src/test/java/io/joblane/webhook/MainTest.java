package io.joblane.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    private static WebhookOptions parse(String... args) {
        Main main = new Main();
        Main.commandLine(main).parseArgs(args);
        return main.options();
    }

    @Test
    void defaultsMatchTheAgreedInterface() {
        WebhookOptions options = parse("--config", "c.yaml", "--tls-cert", "t.crt", "--tls-key", "t.key");

        assertThat(options.port()).isEqualTo(8443);
        assertThat(options.healthPort()).isEqualTo(8080);
        assertThat(options.bodyLimitBytes()).isEqualTo(3L << 20);
        assertThat(options.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.namespaceRouting()).isEqualTo(WebhookOptions.NamespaceRoutingMode.AUTO);
    }

    @Test
    void missingOrContradictoryFlagsAreNamed() {
        assertThatThrownBy(() -> parse("--tls-cert", "t", "--tls-key", "k")).hasMessageContaining("--config");
        assertThatThrownBy(() -> parse("--config", "c")).hasMessageContaining("--tls-cert and --tls-key");
        assertThatThrownBy(() -> parse("--config", "c", "--self-signed-dir", "d"))
                .hasMessageContaining("--service and --namespace");
        assertThatThrownBy(() -> parse("--config", "c", "--self-signed-dir", "d", "--tls-cert", "t"))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> parse("--config", "c", "--tls-cert", "t", "--tls-key", "k", "--request-timeout", "10"))
                .hasMessageContaining("--request-timeout");
        assertThatThrownBy(() -> parse("--config", "c", "--tls-cert", "t", "--tls-key", "k", "--namespace-routing", "on"))
                .hasMessageContaining("\"on\" is not one of auto, off");
    }

    @Test
    void selfSignedDirIsCreatedOnceAndKept() throws Exception {
        Path tls = dir.resolve("tls");
        WebhookOptions first = parse("--config", "c", "--self-signed-dir", tls.toString(), "--service", "wh",
                "--namespace", "ns");
        String cert = Files.readString(first.tlsCert());
        WebhookOptions second = parse("--config", "c", "--self-signed-dir", tls.toString(), "--service", "wh",
                "--namespace", "ns");

        assertThat(first.tlsCert()).isEqualTo(tls.resolve("tls.crt"));
        assertThat(first.tlsKey()).isEqualTo(tls.resolve("tls.key"));
        assertThat(tls.resolve("ca.crt")).exists();
        assertThat(Files.getPosixFilePermissions(first.tlsKey())).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(second.tlsCert())).as("kept while valid").isEqualTo(cert);
        parse("--config", "c", "--self-signed-dir", tls.toString(), "--service", "other", "--namespace", "ns");
        assertThat(Files.readString(tls.resolve("tls.crt"))).as("re-minted for another service").isNotEqualTo(cert);
    }
}
