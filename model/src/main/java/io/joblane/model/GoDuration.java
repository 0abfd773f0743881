package io.joblane.model;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations written the way Kubernetes and Helm users write them ("90s", "10m", "1h30m", "250ms"),
 * and formats them back. A bare number is refused: a unit must always be said.
 *
 * <p>Kept by hand rather than fabric8's {@code io.fabric8.kubernetes.api.model.Duration} (checked with 8.0.0): that
 * parser reads "1.5h" as 5h and "-5s" as 5s, refuses "0", and takes units Go does not ("1d", "2w", "10 mins"), so a
 * value that works here would mean something else in a Go tool and the other way round.
 */
public final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private GoDuration() {}

    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("duration is empty");
        }
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(s);
        int at = 0;
        long nanos = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("not a duration: \"" + text + "\" (use e.g. 90s, 10m, 1h30m)");
            }
            double amount = Double.parseDouble(m.group(1));
            long unitNanos = switch (m.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos += Math.round(amount * unitNanos);
            at = m.end();
        }
        return Duration.ofNanos(nanos);
    }

    /** Formats as e.g. "1h30m", "90s" becomes "1m30s", "250ms". */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long hours = d.toHours();
        int minutes = d.toMinutesPart();
        int seconds = d.toSecondsPart();
        int millis = d.toMillisPart();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(minutes).append('m');
        }
        if (seconds > 0) {
            out.append(seconds).append('s');
        }
        if (millis > 0) {
            out.append(millis).append("ms");
        }
        return out.toString();
    }
}
