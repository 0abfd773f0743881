package io.joblane.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.model.cli.ExitCodes;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;

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
        assertThatThrownBy(
                        () -> parse("--config", "c", "--tls-cert", "t", "--tls-key", "k", "--namespace-routing", "on"))
                .hasMessageContaining("\"on\" is not one of auto, off");
    }

    @Test
    void selfSignedDirIsCreatedOnceAndKept() throws Exception {
        Path tls = dir.resolve("tls");
        WebhookOptions first =
                parse("--config", "c", "--self-signed-dir", tls.toString(), "--service", "wh", "--namespace", "ns");
        String cert = Files.readString(first.tlsCert());
        WebhookOptions second =
                parse("--config", "c", "--self-signed-dir", tls.toString(), "--service", "wh", "--namespace", "ns");

        assertThat(first.tlsCert()).isEqualTo(tls.resolve("tls.crt"));
        assertThat(first.tlsKey()).isEqualTo(tls.resolve("tls.key"));
        assertThat(tls.resolve("ca.crt")).exists();
        assertThat(Files.getPosixFilePermissions(first.tlsKey()))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(second.tlsCert())).as("kept while valid").isEqualTo(cert);
        parse("--config", "c", "--self-signed-dir", tls.toString(), "--service", "other", "--namespace", "ns");
        assertThat(Files.readString(tls.resolve("tls.crt")))
                .as("re-minted for another service")
                .isNotEqualTo(cert);
    }

    // Guards against exit code 143 after a graceful SIGTERM: the JVM's default handler reports a clean stop as killed.
    @Test
    void sigtermStopsTheServersAndEndsTheCommandWithExitCodeZero() throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "nodeGroups:\n  - name: general\n    default: true\n");
        HttpClient http = HttpClient.newHttpClient();
        URI readyz = null;
        FutureTask<Integer> running = null;
        // The health port is found free and then bound by the webhook: another process may take it in between, and
        // then the command ends at once; it is tried again on another port.
        for (int attempt = 1; readyz == null; attempt++) {
            int healthPort = freePort();
            running = startWebhook(config, healthPort);
            URI candidate = URI.create("http://127.0.0.1:" + healthPort + "/readyz");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (status(http, candidate) != 200 && !running.isDone()) {
                assertThat(System.nanoTime()).as("ready within 60 s").isLessThan(deadline);
                Thread.sleep(100);
            }
            if (!running.isDone()) {
                readyz = candidate;
            } else {
                assertThat(attempt)
                        .as("the webhook ended before it was ready (exit code %d), three times", running.get())
                        .isLessThan(3);
            }
        }

        Signal.raise(new Signal("TERM")); // without the webhook's handler this ends the test JVM with 143

        assertThat(running.get(60, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
        assertThat(status(http, readyz)).as("health listener closed").isEqualTo(-1);
    }

    private FutureTask<Integer> startWebhook(Path config, int healthPort) {
        FutureTask<Integer> running = new FutureTask<>(() -> Main.commandLine()
                .execute(
                        "--config",
                        config.toString(),
                        "--self-signed-dir",
                        dir.resolve("tls").toString(),
                        "--service",
                        "wh",
                        "--namespace",
                        "ns",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        "0",
                        "--health-port",
                        String.valueOf(healthPort),
                        "--namespace-routing",
                        "off",
                        "--shutdown-timeout",
                        "1s"));
        new Thread(running, "webhook-main").start();
        return running;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int status(HttpClient http, URI uri) throws InterruptedException {
        try {
            return http.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
