package io.joblane.simulator;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The progress bar of one {@code simulate} on stderr (a terminal, or {@code --progress}): the share of all the runs
 * done (each policy and seed one run, the running ones by the share of the trace's virtual time they reached) and
 * the wall time left at the rate so far, then each running policy's own share. Thread-safe: policies that run in
 * parallel report to the same bar; it redraws at most twice a second.
 */
final class ProgressBar {
    private static final long REDRAW_NANOS = 500_000_000L;

    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private final Map<String, Double> running = new LinkedHashMap<>();
    private int runs;
    private int finished;
    private long lastDrawn;
    private boolean drawn;

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    /** Adds {@code count} runs to the total, before they start. */
    synchronized void expect(int count) {
        runs += count;
    }

    /** A run's share of the trace done; redraws if the last drawing is old enough. */
    synchronized void update(String run, double done) {
        running.put(run, done);
        long now = System.nanoTime();
        if (now - lastDrawn > REDRAW_NANOS) {
            lastDrawn = now;
            drawn = true;
            out.print(line(share(), now - startNanos, running));
            out.flush();
        }
    }

    /** A run is over (also when it failed or stopped early, as static sizing's tries do). */
    synchronized void finished(String run) {
        running.remove(run);
        finished++;
    }

    /** Clears the bar's line once everything is done. */
    synchronized void clear() {
        if (drawn) {
            out.printf("\r%-120s\r", "");
            out.flush();
        }
    }

    private double share() {
        double sum = finished;
        for (double d : running.values()) {
            sum += d;
        }
        return runs == 0 ? 0 : Math.min(1.0, sum / runs);
    }

    /**
     * One line for a terminal (it starts with a carriage return and overwrites the last): the bar, the share done,
     * the time left at the rate so far, and each running policy's share.
     */
    static String line(double done, long elapsedNanos, Map<String, Double> running) {
        int width = 24;
        int filled = (int) Math.round(done * width);
        String left = done <= 0 ? "?" : formatSeconds((long) (elapsedNanos / 1e9 * (1 - done) / done));
        StringBuilder each = new StringBuilder();
        running.forEach((run, share) ->
                each.append(String.format(Locale.ROOT, ", %s %.0f%%", run, Math.min(100.0, 100 * share))));
        return String.format(
                Locale.ROOT,
                "\r[%s%s] %5.1f%%, %s left%s   ",
                "#".repeat(filled),
                ".".repeat(width - filled),
                100 * done,
                left,
                each);
    }

    static String formatSeconds(long seconds) {
        return seconds >= 60
                ? seconds / 60 + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s"
                : seconds + "s";
    }
}
