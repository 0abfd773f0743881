package io.joblane.webhook.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code wrk -t1 -cN -dS} with {@code webhook/bench/post.lua} (POST of the review body) and reads the two
 * summary lines the script prints. Bounded: wrk is killed if it runs 30 s past its duration.
 */
final class Wrk {
    private static final Pattern REQUESTS = Pattern.compile(
            "wrk: (\\d+) requests in ([0-9.]+) s, (\\d+) req/s, errors: connect (\\d+), read (\\d+), write (\\d+),"
                    + " status (\\d+), timeout (\\d+)");
    private static final Pattern LATENCY =
            Pattern.compile("wrk: latency p50 ([0-9.]+) ms, p99 ([0-9.]+) ms, max ([0-9.]+) ms");

    record Result(long requests, double seconds, long errors, double p50, double p99, double max) {
        double perSecond() {
            return requests / seconds;
        }
    }

    private Wrk() {}

    static Result run(String url, int connections, int seconds, Path script, Path body)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        "wrk",
                        "-t1",
                        "-c" + connections,
                        "-d" + seconds + "s",
                        "--timeout",
                        "10s",
                        "-s",
                        script.toString(),
                        url))
                .redirectErrorStream(true);
        builder.environment().put("JOBLANE_BENCH_BODY", body.toString());
        Path output = Files.createTempFile("joblane-wrk", ".out");
        Process wrk = builder.redirectOutput(output.toFile()).start();
        if (!wrk.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
            wrk.destroyForcibly();
            wrk.waitFor(10, TimeUnit.SECONDS);
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        if (wrk.isAlive()) {
            throw new IllegalStateException("wrk did not finish");
        }
        Matcher requests = REQUESTS.matcher(text);
        Matcher latency = LATENCY.matcher(text);
        if (wrk.exitValue() != 0 || !requests.find() || !latency.find()) {
            throw new IllegalStateException("wrk failed (exit " + wrk.exitValue() + "): " + text);
        }
        long errors = 0;
        for (int g = 4; g <= 8; g++) {
            errors += Long.parseLong(requests.group(g));
        }
        return new Result(
                Long.parseLong(requests.group(1)),
                Double.parseDouble(requests.group(2)),
                errors,
                Double.parseDouble(latency.group(1)),
                Double.parseDouble(latency.group(2)),
                Double.parseDouble(latency.group(3)));
    }
}
