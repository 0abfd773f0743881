package io.joblane.webhook.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the benchmark reads from outside the processes it measures: the webhook's {@code /metrics} (request
 * duration buckets, heap, allocation, GC pauses), CPU time from {@code /proc/PID/stat}, the load average, and a
 * once-a-second heap sampler that keeps the largest heap in use seen.
 */
final class ServerProbe implements AutoCloseable {
    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-z_]+)(\\{[^}]*})? ([0-9.eE+-]+|NaN)$");
    /** Linux's USER_HZ, the unit of utime/stime in /proc/PID/stat, 100 on every mainstream architecture. */
    private static final double TICKS_PER_SECOND = 100;

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI metrics;
    private final AtomicLong maxHeapUsed = new AtomicLong();
    private final Thread sampler;
    private volatile boolean running = true;
    /** Per-thread-group CPU at the start of the current measurement (set by the benchmark). */
    Map<String, Double> threadsAtStart = Map.of();

    ServerProbe(int healthPort) {
        metrics = URI.create("http://127.0.0.1:" + healthPort + "/metrics");
        sampler = new Thread(
                () -> {
                    while (running) {
                        try {
                            long heap = (long) sum(scrape(), "jvm_memory_used_bytes", "area=\"heap\"");
                            maxHeapUsed.accumulateAndGet(heap, Math::max);
                            Thread.sleep(1000);
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            // server busy or gone; the next sample tells
                        }
                    }
                },
                "heap-sampler");
        sampler.setDaemon(true);
    }

    void startSampling() {
        sampler.start();
    }

    long maxHeapUsed() {
        return maxHeapUsed.get();
    }

    /** Every sample of the webhook's Prometheus text, keyed by name plus labels. */
    Map<String, Double> scrape() throws Exception {
        String text = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        Map<String, Double> out = new HashMap<>();
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return out;
    }

    /** The sum of the samples of {@code name} whose labels contain {@code labelPart} (empty: all). */
    static double sum(Map<String, Double> samples, String name, String labelPart) {
        double total = 0;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String key = e.getKey();
            if ((key.equals(name) || key.startsWith(name + "{")) && key.contains(labelPart)) {
                total += e.getValue();
            }
        }
        return total;
    }

    /** CPU seconds (user + system) used so far by these processes. */
    static double cpuSeconds(List<Long> pids) {
        double ticks = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (Exception e) {
                // process gone or not Linux: counted as 0
            }
        }
        return ticks / TICKS_PER_SECOND;
    }

    /**
     * CPU seconds per thread group of one JVM: {@code loop} (Vert.x event loops), {@code jit} (compiler threads),
     * {@code gc}, {@code other}. Thread names come from /proc/PID/task/TID/comm (15 characters).
     */
    static Map<String, Double> threadCpuSeconds(long pid) {
        Map<String, Double> out = new HashMap<>();
        Path tasks = Path.of("/proc", String.valueOf(pid), "task");
        try (var threads = Files.list(tasks)) {
            for (Path task : threads.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
                    String group = name.startsWith("vert.x-eventlo")
                            ? "loop"
                            : name.contains("Compiler")
                                    ? "jit"
                                    : name.startsWith("GC") || name.startsWith("G1") || name.equals("VM Thread")
                                            ? "gc"
                                            : "other";
                    out.merge(group, seconds, Double::sum);
                } catch (Exception e) {
                    // thread ended meanwhile
                }
            }
        } catch (Exception e) {
            // process gone or not Linux
        }
        return out;
    }

    /** The 1-minute load average, for the record next to each figure. */
    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
