package io.joblane.webhook.bench;

import io.joblane.certs.x509.CertificateMint;
import io.joblane.certs.x509.TlsMaterial;
import io.joblane.certs.x509.Pem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Load benchmark, not a test: starts the real webhook jar in its own JVM (heap capped) with a freshly minted
 * certificate, then drives POST /mutate over TLS with keep-alive from this JVM with the JDK HTTP client:
 * first closed-loop at saturation, then open-loop at a fixed rate (latency measured from the scheduled send
 * time, so a stall is not hidden). Prints throughput and p50/p99. See webhook/README.md.
 */
@Command(name = "load-benchmark", mixinStandardHelpOptions = true)
public final class LoadBenchmark implements Callable<Integer> {
    @Option(names = "--jar", defaultValue = "webhook/target/joblane-webhook.jar")
    Path jar;
    @Option(names = "--config", defaultValue = "examples/config/node-groups.yaml")
    Path config;
    @Option(names = "--body", defaultValue = "examples/admission/job-pod.json")
    Path body;
    @Option(names = "--heap", defaultValue = "256m", description = "Server -Xmx.")
    String heap;
    @Option(names = "--connections", defaultValue = "32")
    int connections;
    @Option(names = "--warmup", defaultValue = "15", description = "Seconds of saturation load before measuring.")
    int warmupSeconds;
    @Option(names = "--duration", defaultValue = "20", description = "Seconds per measured phase.")
    int seconds;
    @Option(names = "--rate", defaultValue = "1000", description = "Requests per second of the fixed-rate phase.")
    int rate;
    @Option(names = "--port", defaultValue = "19443")
    int port;
    @Option(names = "--server-jvm-option", description = "Extra option for the server JVM, e.g. -XX:+UseSerialGC; repeatable.")
    List<String> serverJvmOptions = new java.util.ArrayList<>();
    @Option(names = "--skip-saturation", description = "Only run the fixed-rate phase (after the warm-up).")
    boolean skipSaturation;

    private HttpClient client;
    private byte[] payload;
    private URI target;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("joblane-bench");
        TlsMaterial tls = CertificateMint.mint("joblane-webhook", "joblane", List.of("localhost", "127.0.0.1"));
        Files.writeString(dir.resolve("tls.crt"), tls.certPem());
        Files.writeString(dir.resolve("tls.key"), tls.keyPem());
        int healthPort = port + 1;
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap));
        command.addAll(serverJvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "--config", config.toString(),
                "--tls-cert", dir.resolve("tls.crt").toString(), "--tls-key", dir.resolve("tls.key").toString(),
                "--port", String.valueOf(port), "--health-port", String.valueOf(healthPort),
                "--host", "127.0.0.1", "--namespace-routing", "off", "--log-level", "warn"));
        Process server = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        try {
            awaitReady(healthPort, server);
            payload = Files.readAllBytes(body);
            target = URI.create("https://localhost:" + port + "/mutate");
            client = HttpClient.newBuilder().sslContext(trusting(tls.caPem())).version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(2)).build();
            System.out.printf("server: %s -Xmx%s %s, %d cores, body %d bytes, %d connections%n", jar, heap,
                    String.join(" ", serverJvmOptions), Runtime.getRuntime().availableProcessors(), payload.length,
                    connections);
            saturate(warmupSeconds, false);
            if (!skipSaturation) {
                saturate(seconds, true);
            }
            java.util.Map<String, Double> before = buckets(healthPort);
            fixedRate(seconds, rate);
            java.util.Map<String, Double> after = buckets(healthPort);
            double total = after.get("+Inf") - before.get("+Inf");
            StringBuilder line = new StringBuilder("server-side duration of those requests (from /metrics):");
            for (String le : List.of("0.001", "0.002", "0.005", "0.01", "0.025", "0.05")) {
                line.append(String.format(" <=%s ms %.2f%%,", (int) (Double.parseDouble(le) * 1000) == 0 ? le
                        : String.valueOf((int) (Double.parseDouble(le) * 1000)),
                        100 * (after.get(le) - before.get(le)) / total));
            }
            System.out.println(line.substring(0, line.length() - 1));
            Path status = Path.of("/proc", String.valueOf(server.pid()), "status");
            if (Files.isReadable(status)) {
                Files.readAllLines(status).stream().filter(l -> l.startsWith("VmHWM") || l.startsWith("VmRSS"))
                        .forEach(l -> System.out.println("server " + l.replaceAll("\\s+", " ")));
            }
            System.out.println("server log: " + dir.resolve("server.log"));
            return 0;
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private HttpRequest request() {
        return HttpRequest.newBuilder(target).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build();
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

    /** Closed loop: each of {@code connections} threads sends its next request when the previous answer arrives. */
    private void saturate(int duration, boolean report) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(duration);
        long[] latencies = new long[8_000_000];
        AtomicInteger count = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(connections);
        ExecutorService threads = Executors.newFixedThreadPool(connections);
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            threads.execute(() -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        if (client.send(request(), HttpResponse.BodyHandlers.ofByteArray()).statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    int i = count.getAndIncrement();
                    if (i < latencies.length) {
                        latencies[i] = System.nanoTime() - t0;
                    }
                }
                done.countDown();
            });
        }
        done.await();
        threads.shutdown();
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (report) {
            int n = Math.min(count.get(), latencies.length);
            System.out.printf("saturation: %d s, %d requests, %d errors, %.0f req/s, %s%n", duration, count.get(),
                    errors.get(), count.get() / elapsed, percentiles(latencies, n));
        } else {
            System.out.printf("warm-up: %d s, %.0f req/s%n", duration, count.get() / elapsed);
        }
    }

    /**
     * Open loop: request i is due at start + i/rate; a pool of {@code connections} senders takes them in order and
     * latency is counted from when each was due, so a stalled server shows up instead of slowing the load.
     */
    private void fixedRate(int duration, int perSecond) throws InterruptedException {
        int total = duration * perSecond;
        long[] latencies = new long[total];
        AtomicInteger finished = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(connections);
        ExecutorService threads = Executors.newFixedThreadPool(connections);
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            threads.execute(() -> {
                for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                    long due = start + i * intervalNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    try {
                        if (client.send(request(), HttpResponse.BodyHandlers.ofByteArray()).statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    latencies[i] = System.nanoTime() - due;
                    finished.incrementAndGet();
                }
                done.countDown();
            });
        }
        done.await();
        threads.shutdown();
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("fixed rate %d/s: %d requests in %.1f s, %d errors, %s%n", perSecond, finished.get(),
                elapsed, errors.get(), percentiles(latencies, finished.get()));
    }

    /** Cumulative bucket counts of joblane_webhook_request_duration_seconds by "le". */
    private static java.util.Map<String, Double> buckets(int healthPort) throws Exception {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + healthPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        java.util.Map<String, Double> out = new java.util.HashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "joblane_webhook_request_duration_seconds_bucket\\{le=\"([^\"]+)\"} ([0-9.eE+]+)").matcher(text);
        while (m.find()) {
            String le = m.group(1).endsWith(".0") ? m.group(1).substring(0, m.group(1).length() - 2) : m.group(1);
            out.put(le, Double.parseDouble(m.group(2)));
        }
        return out;
    }

    private static String percentiles(long[] nanos, int n) {
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        if (n == 0) {
            return "no samples";
        }
        return String.format("p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms", ms(sorted, 0.50, n),
                ms(sorted, 0.99, n), ms(sorted, 0.999, n), sorted[n - 1] / 1e6);
    }

    private static double ms(long[] sorted, double q, int n) {
        return sorted[Math.min(n - 1, (int) Math.ceil(q * n) - 1)] / 1e6;
    }

    private static void awaitReady(int healthPort, Process server) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("server exited with " + server.exitValue());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + healthPort + "/readyz")).build(),
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
