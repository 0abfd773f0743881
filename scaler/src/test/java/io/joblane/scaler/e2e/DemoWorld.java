package io.joblane.scaler.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The world of {@code scaler/demo.sh}: starts {@link World}, writes {@code kubeconfig} and {@code config.yaml} into
 * the directory given, then {@code ready}; waits for a scaler (started by the script) to take the Lease, runs the
 * {@link Bursts} and prints what happens. Exits 0 when every Job succeeded and the group is back to zero, else 1.
 *
 * <p>Usage: {@code DemoWorld <dir> [<scaler health port>]}
 */
public final class DemoWorld {

    private DemoWorld() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: DemoWorld <dir> [<scaler health port>]");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        Instant t0 = Instant.now();
        Consumer<String> say = line -> System.out.printf(
                "%6.1fs  %s%n", Duration.between(t0, Instant.now()).toMillis() / 1000.0, line);
        int code;
        try (World world = World.start(World.Timing.FAST, say, 11)) {
            world.writeKubeconfig(dir.resolve("kubeconfig"));
            world.writeConfig(dir.resolve("config.yaml"));
            say.accept("world up: API server " + world.apiUrl() + ", Auto Scaling endpoint "
                    + world.autoScaling().endpoint() + "; group " + World.GROUP + " = Auto Scaling group "
                    + World.ASG + " (0 instances, 4-cpu nodes)");
            Files.writeString(dir.resolve("ready"), "");
            List<String> pods;
            try {
                pods = Bursts.run(world, say);
            } catch (AssertionError | IllegalStateException e) {
                say.accept("FAILED: " + e.getMessage());
                System.exit(1);
                return;
            }
            Map<String, String> phases = world.phases();
            long succeeded =
                    pods.stream().filter(p -> "Succeeded".equals(phases.get(p))).count();
            say.accept(pods.size() + " Jobs, " + succeeded + " succeeded; " + world.launched()
                    + " instances launched, " + world.shutDown() + " terminated by the scaler, at most "
                    + world.maxInstances() + " at once; Job pods killed by a termination: "
                    + world.kills().size());
            if (args.length > 1) {
                say.accept("the scaler's own count (must stay 0): "
                        + metric(Integer.parseInt(args[1]), "joblane_scaler_pods_at_termination_total"));
            }
            code = world.kills().isEmpty() && succeeded == pods.size() ? 0 : 1;
        }
        System.exit(code);
    }

    private static String metric(int port, String name) {
        try {
            String body = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            return body.lines()
                    .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                    .findFirst()
                    .orElse(name + " not found");
        } catch (Exception e) {
            return "metrics not readable: " + e.getMessage();
        }
    }
}
