package io.joblane.scaler.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built scaler jar as a child process ({@code java -jar joblane-scaler.jar run}), configured only the way an
 * operator configures it: a kubeconfig, the node-group file (with the AWS endpoint override), flags and the AWS
 * credential variables of the SDK's default chain. Output goes to a log file.
 */
final class ScalerProcess implements AutoCloseable {

    static final String IDENTITY = "scaler-e2e";

    /** The line the health server logs once bound; the port is asked as 0, so no other process can take it first. */
    private static final Pattern HEALTH_PORT = Pattern.compile("health, readiness and metrics on port (\\d+)");

    private final Process process;
    private final Path log;
    /** Read from the log once the health server has bound; -1 until then. */
    private int healthPort = -1;

    private ScalerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The jar {@code mvn package} built: {@code -Djoblane.scalerJar}, else {@code target/joblane-scaler.jar}. */
    static Path jar() {
        Path jar = Path.of(System.getProperty("joblane.scalerJar", "target/joblane-scaler.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: this test runs the packaged jar "
                    + "(mvn -pl scaler -am verify builds it first)");
        }
        return jar;
    }

    static ScalerProcess start(Path kubeconfig, Path config, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar().toString(),
                "run",
                "--config",
                config.toString(),
                "--lease-namespace",
                World.LEASE_NAMESPACE,
                "--identity",
                IDENTITY,
                "--health-port",
                "0",
                "--informer-sync-timeout",
                "30s",
                // A starved CI machine must not cost the only replica its Lease (it exits then, by design).
                "--lease-duration",
                "60s",
                "--lease-renew-deadline",
                "45s"));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("JOBLANE_") || k.startsWith("AWS_") || k.startsWith("POD_"));
        env.put("KUBECONFIG", kubeconfig.toString());
        // The SDK's default credential chain reads these; nothing leaves loopback.
        env.put("AWS_ACCESS_KEY_ID", "AKIDE2ETEST");
        env.put("AWS_SECRET_ACCESS_KEY", "e2e-secret");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_CONFIG_FILE", log.resolveSibling("no-aws-config").toString());
        env.put(
                "AWS_SHARED_CREDENTIALS_FILE",
                log.resolveSibling("no-aws-credentials").toString());
        return new ScalerProcess(builder.start(), log);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The exit code, or -1 while it runs. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** GET on the health port ({@code /readyz}, {@code /metrics}); null when it does not answer yet. */
    String get(String path) {
        if (healthPort < 0) {
            Matcher bound = HEALTH_PORT.matcher(logText());
            if (!bound.find()) {
                return null; // not listening yet
            }
            healthPort = Integer.parseInt(bound.group(1));
        }
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The value of one sample line of {@code /metrics}, e.g. {@code joblane_scaler_leader}; NaN when absent. */
    double metric(String sample) {
        String metrics = get("/metrics");
        if (metrics == null) {
            return Double.NaN;
        }
        for (String line : metrics.split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return Double.NaN;
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM, as Kubernetes stops a pod; forcibly after 20 s. Returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
