package io.joblane.scaler.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What {@code /readyz} answers: the process is ready when no source reports a blocking problem (informers not
 * synced, the config file's last change rejected, shutting down). Warnings (a group whose cloud group is unknown,
 * AZRebalance active, a failing cloud call) are listed in the answer but do not fail it, so a rolling update does not
 * stall on a cloud-side misconfiguration. Sources are asked on every request; thread-safe.
 */
public final class Readiness {
    private final Map<String, Supplier<List<String>>> blocking = new ConcurrentHashMap<>();
    private final Map<String, Supplier<List<String>>> warnings = new ConcurrentHashMap<>();
    private volatile boolean shuttingDown;

    /** Registers (or replaces) a source whose problems make the process not ready. */
    public void blocking(String source, Supplier<List<String>> problems) {
        blocking.put(source, problems);
    }

    /** Registers (or replaces) a source whose problems are reported but keep the process ready. */
    public void warning(String source, Supplier<List<String>> problems) {
        warnings.put(source, problems);
    }

    public void shuttingDown() {
        shuttingDown = true;
    }

    public boolean isShuttingDown() {
        return shuttingDown;
    }

    public Report report() {
        List<String> problems = new ArrayList<>();
        if (shuttingDown) {
            problems.add("shutting down");
        }
        collect(blocking, problems);
        List<String> warned = new ArrayList<>();
        collect(warnings, warned);
        return new Report(problems.isEmpty(), problems, warned);
    }

    private static void collect(Map<String, Supplier<List<String>>> sources, List<String> into) {
        sources.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            try {
                e.getValue().get().forEach(p -> into.add(e.getKey() + ": " + p));
            } catch (RuntimeException ex) {
                into.add(e.getKey() + ": check failed: " + ex);
            }
        });
    }

    /** One answer of {@code /readyz}. */
    public record Report(boolean ready, List<String> problems, List<String> warnings) {
        /** Plain text: "ready" or "not ready", then one line per problem and warning. */
        public String text() {
            StringBuilder b = new StringBuilder(ready ? "ready\n" : "not ready\n");
            problems.forEach(p -> b.append("problem: ").append(p).append('\n'));
            warnings.forEach(w -> b.append("warning: ").append(w).append('\n'));
            return b.toString();
        }
    }
}
