package io.joblane.webhook.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.joblane.certs.x509.CertificateMint;
import io.joblane.certs.x509.Pem;
import io.joblane.certs.x509.TlsMaterial;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Load benchmark, not a test (run by {@code webhook/bench/run.sh}). Starts the real webhook jar in its own JVM
 * (heap capped, default flags: info logging, namespace routing through a Kubernetes API, here the fabric8 mock
 * server) and nginx answering the same AdmissionReview canned, both on loopback with one freshly minted P-256
 * certificate; then, in alternating rounds, the same {@code wrk -t1 -cN} against each, printing both throughputs,
 * the ratio, and the CPU time each server spent per request; then the webhook at a fixed rate (open loop, latency
 * from each request's due time) with the server-side duration histogram, and the largest heap in use seen.
 */
@Command(name = "load-benchmark", mixinStandardHelpOptions = true)
public final class LoadBenchmark implements Callable<Integer> {
    @Option(names = "--jar", defaultValue = "webhook/target/joblane-webhook.jar")
    Path jar;

    @Option(names = "--config", defaultValue = "examples/config/node-groups.yaml")
    Path config;

    @Option(names = "--body", defaultValue = "examples/admission/job-pod.json")
    Path body;

    @Option(names = "--wrk-script", defaultValue = "webhook/bench/post.lua")
    Path wrkScript;

    @Option(names = "--heap", defaultValue = "256m", description = "Server -Xmx.")
    String heap;

    @Option(
            names = "--dockerfile",
            defaultValue = "webhook/Dockerfile",
            description = "The server JVM gets the JVM flags of this Dockerfile's ENTRYPOINT, as in the image;"
                    + " none: the JVM's own defaults.")
    Path dockerfile;

    @Option(names = "--connections", defaultValue = "32", description = "wrk connections (one wrk thread).")
    int connections;

    @Option(
            names = "--warmup",
            defaultValue = "90",
            description = "At most this many seconds of wrk load on each"
                    + " webhook before measuring; warm-up ends earlier once the JIT compilers use under 5% of its CPU.")
    int warmupSeconds;

    @Option(
            names = "--baseline-jar",
            description = "A second webhook jar (e.g. built from main) measured in the same"
                    + " rounds, for before/after figures under the same load.")
    Path baselineJar;

    @Option(names = "--duration", defaultValue = "15", description = "Seconds per measured wrk run.")
    int seconds;

    @Option(names = "--rounds", defaultValue = "2", description = "nginx-then-webhook wrk rounds.")
    int rounds;

    @Option(names = "--rate", defaultValue = "1000", description = "Requests per second of the fixed-rate phase.")
    int rate;

    @Option(names = "--rate-duration", defaultValue = "20", description = "Seconds of the fixed-rate phase.")
    int rateSeconds;

    @Option(
            names = "--rate-rounds",
            defaultValue = "1",
            description = "Fixed-rate rounds; in each, every webhook (swapping places) and then nginx.")
    int rateRounds;

    @Option(
            names = "--rate-warmup",
            defaultValue = "2",
            description = "Seconds at the fixed rate, on the same connections, before the measured part (not"
                    + " counted); 0 measures from the first request of fresh connections.")
    int rateWarmupSeconds;

    @Option(
            names = "--rate-connections",
            defaultValue = "16",
            description = "Keep-alive connections of the fixed-rate phase.")
    int rateConnections;

    @Option(
            names = "--port",
            defaultValue = "19443",
            description = "Webhook port; health +1, nginx +2, baseline +3" + " and +4.")
    int port;

    @Option(
            names = "--namespace-routing",
            defaultValue = "api",
            description = "api: the webhook reads namespaces from a fabric8 mock API server (as in a cluster); off.")
    String namespaceRouting;

    @Option(names = "--server-option", description = "Extra webhook flag, e.g. --log-level=debug; repeatable.")
    List<String> serverOptions = new ArrayList<>();

    @Option(
            names = "--server-jvm-option",
            description = "Extra server JVM option, e.g. -XX:StartFlightRecording=...; repeatable.")
    List<String> serverJvmOptions = new ArrayList<>();

    @Option(
            names = "--latency-log",
            description = "Directory: write each fixed-rate request's due time (epoch ms), latency and connection to"
                    + " NAME-fixed-rate.txt there, to line the tail up with server logs (-Xlog:...:timemillis).")
    Path latencyLog;

    @Option(
            names = "--baseline-jvm-option",
            description = "Extra JVM option of the baseline only (after --server-jvm-option), e.g. to compare"
                    + " collectors with the same jar as --jar and --baseline-jar; repeatable.")
    List<String> baselineJvmOptions = new ArrayList<>();

    @Option(names = "--skip-nginx", description = "Only the webhook (no ratio).")
    boolean skipNginx;

    /** Held so the level sticks: the mock API server logs every request at INFO. */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    public static void main(String[] args) {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        System.exit(new CommandLine(new LoadBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("joblane-bench");
        TlsMaterial tls = CertificateMint.mint("joblane-webhook", "joblane", List.of("localhost", "127.0.0.1"));
        Path cert = Files.writeString(dir.resolve("tls.crt"), tls.certPem());
        Path key = Files.writeString(dir.resolve("tls.key"), tls.keyPem());
        byte[] payload = Files.readAllBytes(body);
        int nginxPort = port + 2;
        List<AutoCloseable> stop = new ArrayList<>();
        try {
            Map<String, String> env = new HashMap<>();
            if ("api".equals(namespaceRouting)) {
                env.put("KUBECONFIG", mockApi(dir, stop).toString());
            }
            List<Webhook> webhooks = new ArrayList<>();
            webhooks.add(startWebhook("webhook", jar, port, dir, cert, key, env, stop));
            if (baselineJar != null) {
                webhooks.add(startWebhook("baseline", baselineJar, port + 3, dir, cert, key, env, stop));
            }
            SSLContext trust = trusting(tls.caPem());
            FixedRateLoader.Response answer = null;
            for (Webhook webhook : webhooks) {
                FixedRateLoader.Response r = new FixedRateLoader(
                                trust.getSocketFactory(), "localhost", webhook.port, "/mutate", payload)
                        .once();
                if (r.status() != 200 || answer != null && !Arrays.equals(r.body(), answer.body())) {
                    throw new IllegalStateException(webhook.name + " answered " + r.status() + ": "
                            + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
                }
                answer = r;
            }
            NginxReference nginx = null;
            if (!skipNginx) {
                nginx = NginxReference.start(dir.resolve("nginx"), nginxPort, cert, key, answer.body());
                stop.add(0, nginx);
            }
            System.out.printf(
                    "%s %s %s, namespace routing %s; %d cores; body %d bytes, answer %d bytes;" + " wrk -t1 -c%d%n",
                    jar,
                    String.join(" ", jvmOptions("webhook")),
                    String.join(" ", serverOptions),
                    namespaceRouting,
                    Runtime.getRuntime().availableProcessors(),
                    payload.length,
                    answer.body().length,
                    connections);
            if (baselineJar != null) {
                System.out.println("baseline: " + baselineJar + " " + String.join(" ", jvmOptions("baseline")));
            }
            for (Webhook webhook : webhooks) {
                warmUp(webhook);
            }

            String nginxUrl = "https://localhost:" + nginxPort + "/mutate";
            Map<String, Double> totals = new java.util.LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                if (nginx != null) {
                    totals.merge("nginx", saturate("nginx", round, nginxUrl, nginx.pids(), null), Double::sum);
                }
                // The jar measured right after nginx did worse in three runs of three: the two swap places each round.
                List<Webhook> order = new ArrayList<>(webhooks);
                if (round % 2 == 0) {
                    java.util.Collections.reverse(order);
                }
                for (Webhook webhook : order) {
                    totals.merge(
                            webhook.name,
                            saturate(webhook.name, round, webhook.url(), List.of(webhook.pid()), webhook.probe),
                            Double::sum);
                }
            }
            if (nginx != null && rounds > 0) {
                for (Webhook webhook : webhooks) {
                    System.out.printf(
                            "RATIO %s/nginx: %.2f (%s %.0f req/s, nginx %.0f req/s, mean of %d rounds;"
                                    + " target >= 0.5)%n",
                            webhook.name,
                            totals.get(webhook.name) / totals.get("nginx"),
                            webhook.name,
                            totals.get(webhook.name) / rounds,
                            totals.get("nginx") / rounds,
                            rounds);
                }
            }

            fixedRate(webhooks, nginx == null ? -1 : nginxPort, trust, payload);
            for (Webhook webhook : webhooks) {
                Map<String, Double> end = webhook.probe.scrape();
                System.out.printf(
                        "HEAP %s: max in use %.0f MiB (sampled each second) of -Xmx%s; committed now %.0f"
                                + " MiB; %s%n",
                        webhook.name,
                        webhook.probe.maxHeapUsed() / 1048576.0,
                        heap,
                        ServerProbe.sum(end, "jvm_memory_committed_bytes", "area=\"heap\"") / 1048576.0,
                        rss(webhook.process));
            }
            System.out.println("files: " + dir);
            return 0;
        } finally {
            for (AutoCloseable c : stop) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("stopping: " + e);
                }
            }
        }
    }

    /** One wrk run against one server; prints throughput, latency, CPU per request (and allocation). */
    private double saturate(String name, int round, String url, List<Long> pids, ServerProbe probe) throws Exception {
        Map<String, Double> before = probe == null ? Map.of() : probe.scrape();
        if (probe != null) {
            probe.threadsAtStart = ServerProbe.threadCpuSeconds(pids.get(0));
        }
        double cpu0 = ServerProbe.cpuSeconds(pids);
        Wrk.Result r = Wrk.run(url, connections, seconds, wrkScript, body);
        double cpu = ServerProbe.cpuSeconds(pids) - cpu0;
        String extra = "";
        if (probe != null) {
            Map<String, Double> threads = ServerProbe.threadCpuSeconds(pids.get(0));
            extra = String.format(
                    " [event loops %.0f, JIT %.0f, GC %.0f us/req]",
                    (threads.getOrDefault("loop", 0.0) - probe.threadsAtStart.getOrDefault("loop", 0.0))
                            / r.requests()
                            * 1e6,
                    (threads.getOrDefault("jit", 0.0) - probe.threadsAtStart.getOrDefault("jit", 0.0))
                            / r.requests()
                            * 1e6,
                    (threads.getOrDefault("gc", 0.0) - probe.threadsAtStart.getOrDefault("gc", 0.0))
                            / r.requests()
                            * 1e6);
            Map<String, Double> after = probe.scrape();
            double allocated = ServerProbe.sum(after, "jvm_gc_memory_allocated_bytes_total", "")
                    - ServerProbe.sum(before, "jvm_gc_memory_allocated_bytes_total", "");
            double pauses = ServerProbe.sum(after, "jvm_gc_pause_seconds_count", "")
                    - ServerProbe.sum(before, "jvm_gc_pause_seconds_count", "");
            extra += String.format(", %.1f KB allocated/req, %.0f GC pauses", allocated / r.requests() / 1024, pauses);
        }
        System.out.printf(
                "round %d %-8s: %.0f req/s, %d errors, p50 %.2f ms, p99 %.2f ms, server CPU %.0f us/req"
                        + " (%.2f cores)%s (load %s)%n",
                round,
                name,
                r.perSecond(),
                r.errors(),
                r.p50(),
                r.p99(),
                cpu / r.requests() * 1e6,
                cpu / r.seconds(),
                extra,
                ServerProbe.load());
        return r.perSecond();
    }

    /** One webhook JVM under test, its port and its metrics. */
    private record Webhook(String name, Process process, int port, ServerProbe probe) {
        String url() {
            return "https://localhost:" + port + "/mutate";
        }

        long pid() {
            return process.pid();
        }
    }

    private Webhook startWebhook(
            String name,
            Path jarFile,
            int webhookPort,
            Path dir,
            Path cert,
            Path key,
            Map<String, String> env,
            List<AutoCloseable> stop)
            throws Exception {
        Process server = startServer(name, jarFile, webhookPort, dir, cert, key, env);
        stop.add(0, () -> {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        });
        awaitReady(webhookPort + 1, server);
        ServerProbe probe = new ServerProbe(webhookPort + 1);
        stop.add(0, probe);
        probe.startSampling();
        return new Webhook(name, server, webhookPort, probe);
    }

    /**
     * wrk in 5-second runs until the JIT compilers used less than 5% of the server's CPU in the last one (C2 keeps
     * compiling for a minute or more on a busy machine, and its CPU would be counted per request), at most
     * {@code --warmup} seconds.
     */
    private void warmUp(Webhook webhook) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
        int total = 0;
        double jitShare = 1;
        double perSecond = 0;
        while (System.nanoTime() < deadline && jitShare >= 0.05) {
            Map<String, Double> before = ServerProbe.threadCpuSeconds(webhook.pid());
            Wrk.Result r = Wrk.run(webhook.url(), connections, 5, wrkScript, body);
            Map<String, Double> after = ServerProbe.threadCpuSeconds(webhook.pid());
            double all = after.values().stream()
                            .mapToDouble(Double::doubleValue)
                            .sum()
                    - before.values().stream().mapToDouble(Double::doubleValue).sum();
            jitShare = all <= 0 ? 1 : (after.getOrDefault("jit", 0.0) - before.getOrDefault("jit", 0.0)) / all;
            perSecond = r.perSecond();
            total += 5;
        }
        System.out.printf(
                "warm-up %s: %d s, last 5 s %.0f req/s with %.0f%% of its CPU in the JIT (load %s)%n",
                webhook.name, total, perSecond, jitShare * 100, ServerProbe.load());
    }

    private Process startServer(
            String name, Path jarFile, int webhookPort, Path dir, Path cert, Path key, Map<String, String> env)
            throws Exception {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions(name));
        command.addAll(List.of(
                "-jar",
                jarFile.toString(),
                "--config",
                config.toString(),
                "--tls-cert",
                cert.toString(),
                "--tls-key",
                key.toString(),
                "--port",
                String.valueOf(webhookPort),
                "--health-port",
                String.valueOf(webhookPort + 1),
                "--host",
                "127.0.0.1"));
        if (!"api".equals(namespaceRouting)) {
            command.add("--namespace-routing=off");
        }
        command.addAll(serverOptions);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().remove("KUBECONFIG");
        builder.environment().putAll(env);
        return builder.start();
    }

    /**
     * The server's JVM options: the image's (the Dockerfile's ENTRYPOINT before {@code -jar}), {@code -Xmx}, then
     * {@code --server-jvm-option} and, for the baseline, {@code --baseline-jvm-option}. An extra option that picks a
     * collector replaces the image's choice (the JVM refuses two).
     */
    List<String> jvmOptions(String name) throws java.io.IOException {
        List<String> extra = new ArrayList<>(serverJvmOptions);
        if ("baseline".equals(name)) {
            extra.addAll(baselineJvmOptions);
        }
        boolean collectorGiven = extra.stream().anyMatch(LoadBenchmark::picksCollector);
        List<String> options = new ArrayList<>();
        for (String flag : imageJvmOptions()) {
            if (!(collectorGiven && picksCollector(flag))) {
                options.add(flag);
            }
        }
        options.add("-Xmx" + heap);
        options.addAll(extra);
        return options;
    }

    private static boolean picksCollector(String flag) {
        return flag.matches("-XX:\\+Use\\w+GC");
    }

    /**
     * The JVM flags of the image: the Dockerfile's {@code ENV JAVA_TOOL_OPTIONS} (read by the JVM first), then its
     * exec-form ENTRYPOINT's words between the java binary and {@code -jar}.
     */
    List<String> imageJvmOptions() throws java.io.IOException {
        if ("none".equals(dockerfile.toString())) {
            return List.of();
        }
        List<String> flags = new ArrayList<>();
        for (String line : Files.readAllLines(dockerfile)) {
            if (line.startsWith("ENV JAVA_TOOL_OPTIONS=")) {
                String value = line.substring("ENV JAVA_TOOL_OPTIONS=".length()).replace("\"", "");
                flags.addAll(Arrays.asList(value.trim().split("\\s+")));
            }
            if (line.startsWith("ENTRYPOINT [")) {
                List<String> words = new ArrayList<>();
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(line.substring("ENTRYPOINT ".length()))
                        .forEach(word -> words.add(word.asText()));
                int jar = words.indexOf("-jar");
                if (jar < 1) {
                    throw new IllegalStateException(dockerfile + ": ENTRYPOINT without -jar: " + line);
                }
                flags.addAll(words.subList(1, jar));
                return flags;
            }
        }
        throw new IllegalStateException(dockerfile + " has no exec-form ENTRYPOINT");
    }

    /**
     * The fabric8 mock API server (CRUD mode) with the review's namespace in it, and a kubeconfig pointing at it:
     * the webhook then runs its namespace informer and looks every pod's namespace up, as in a cluster.
     */
    private Path mockApi(Path dir, List<AutoCloseable> stop) throws Exception {
        KubernetesMockServer api = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getByName("127.0.0.1"), 0);
        stop.add(0, api::destroy);
        try (KubernetesClient client = api.createClient()) {
            String namespace = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(payload())
                    .at("/request/namespace")
                    .asText("default");
            client.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(namespace)
                            .addToAnnotations("team", "analytics")
                            .endMetadata()
                            .build())
                    .create();
        }
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(
                kubeconfig,
                String.join(
                        "\n",
                        List.of(
                                "apiVersion: v1",
                                "kind: Config",
                                "current-context: bench",
                                "clusters: [{name: bench, cluster: {server: \"http://127.0.0.1:" + api.getPort()
                                        + "\"}}]",
                                "users: [{name: bench, user: {token: bench}}]",
                                "contexts: [{name: bench, context: {cluster: bench, user: bench}}]",
                                "")));
        return kubeconfig;
    }

    /**
     * The fixed-rate phase: {@code --rate-rounds} rounds, in each every webhook (swapping places each round, as the
     * wrk rounds do) and then nginx, the floor of client and machine; with more than one round also the pooled
     * percentiles of each server.
     */
    private void fixedRate(List<Webhook> webhooks, int nginxPort, SSLContext trust, byte[] payload) throws Exception {
        Map<String, List<long[]>> pooled = new java.util.LinkedHashMap<>();
        for (int round = 1; round <= rateRounds; round++) {
            List<Webhook> order = new ArrayList<>(webhooks);
            if (round % 2 == 0) {
                java.util.Collections.reverse(order);
            }
            for (Webhook webhook : order) {
                Map<String, Double> before = webhook.probe.scrape();
                FixedRateLoader loader =
                        new FixedRateLoader(trust.getSocketFactory(), "localhost", webhook.port, "/mutate", payload);
                FixedRateLoader.Result fixed = loader.run(rate, rateSeconds, rateConnections, rateWarmupSeconds);
                Map<String, Double> after = webhook.probe.scrape();
                writeTrace(loader, webhook.name, round);
                pooled.computeIfAbsent(webhook.name, k -> new ArrayList<>()).add(fixed.latencies());
                System.out.printf(
                        "FIXED RATE %s %d/s%s: %d answered in %.1f s, %d errors, %s (load %s; target p99 <= 2 ms)%n",
                        webhook.name,
                        rate,
                        rateRounds > 1 ? " round " + round : "",
                        fixed.finished(),
                        fixed.seconds(),
                        fixed.errors(),
                        percentiles(fixed.latencies()),
                        ServerProbe.load());
                System.out.println("  inside the server: " + serverSide(before, after));
            }
            if (nginxPort > 0) {
                FixedRateLoader reference =
                        new FixedRateLoader(trust.getSocketFactory(), "localhost", nginxPort, "/mutate", payload);
                FixedRateLoader.Result floor = reference.run(rate, rateSeconds, rateConnections, rateWarmupSeconds);
                writeTrace(reference, "nginx", round);
                pooled.computeIfAbsent("nginx", k -> new ArrayList<>()).add(floor.latencies());
                System.out.printf(
                        "fixed rate nginx %d/s%s: %d answered, %d errors, %s (the client's and machine's floor;"
                                + " load %s)%n",
                        rate,
                        rateRounds > 1 ? " round " + round : "",
                        floor.finished(),
                        floor.errors(),
                        percentiles(floor.latencies()),
                        ServerProbe.load());
            }
        }
        if (rateRounds > 1) {
            pooled.forEach((name, runs) -> System.out.printf(
                    "FIXED RATE %s, %d rounds pooled: %s%n",
                    name,
                    runs.size(),
                    percentiles(runs.stream().flatMapToLong(Arrays::stream).toArray())));
        }
    }

    private void writeTrace(FixedRateLoader loader, String name, int round) throws java.io.IOException {
        if (latencyLog != null) {
            Files.createDirectories(latencyLog);
            String suffix = rateRounds > 1 ? "-" + round : "";
            loader.trace().write(latencyLog.resolve(name + "-fixed-rate" + suffix + ".txt"));
        }
    }

    private byte[] payload() throws Exception {
        return Files.readAllBytes(body);
    }

    private static String serverSide(Map<String, Double> before, Map<String, Double> after) {
        String name = "joblane_webhook_request_duration_seconds_bucket";
        double total = delta(before, after, name + "{le=\"+Inf\"}");
        StringBuilder line = new StringBuilder();
        for (String le : List.of("0.001", "0.002", "0.005", "0.01")) {
            line.append(String.format(
                    "<= %s ms %.2f%%, ",
                    (int) (Double.parseDouble(le) * 1000),
                    100 * delta(before, after, name + "{le=\"" + le + "\"}") / total));
        }
        double pauses = delta(before, after, "jvm_gc_pause_seconds_count");
        double pauseSeconds = delta(before, after, "jvm_gc_pause_seconds_sum");
        line.append(String.format("GC: %.0f pauses, %.1f ms in total", pauses, pauseSeconds * 1000));
        return line.toString();
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
        int brace = key.indexOf('{');
        if (brace < 0) {
            return ServerProbe.sum(after, key, "") - ServerProbe.sum(before, key, "");
        }
        String name = key.substring(0, brace);
        String labels = key.substring(brace + 1, key.length() - 1);
        return ServerProbe.sum(after, name, labels) - ServerProbe.sum(before, name, labels);
    }

    private static String rss(Process server) {
        try {
            return String.join(
                    ", ",
                    Files.readAllLines(Path.of("/proc", String.valueOf(server.pid()), "status")).stream()
                            .filter(l -> l.startsWith("VmHWM") || l.startsWith("VmRSS"))
                            .map(l -> l.replaceAll("\\s+", " "))
                            .toList());
        } catch (Exception e) {
            return "RSS unknown";
        }
    }

    private static String percentiles(long[] nanos) {
        int n = nanos.length;
        if (n == 0) {
            return "no samples";
        }
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        return String.format(
                "p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms",
                ms(sorted, 0.50), ms(sorted, 0.99), ms(sorted, 0.999), sorted[n - 1] / 1e6);
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    private static SSLContext trusting(String caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.parseCertificate(caPem, "ca"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    private static void awaitReady(int healthPort, Process server) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("server exited with " + server.exitValue());
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/readyz"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("server not ready within 120 s");
    }
}
