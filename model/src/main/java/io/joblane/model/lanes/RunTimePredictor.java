package io.joblane.model.lanes;

import io.joblane.model.GoDuration;
import java.time.Duration;
import java.util.Optional;

/**
 * How long a Job pod is expected to run, from what is known when it is created, in this order: the annotation
 * {@code joblane.io/expected-duration} (the user's word); else the mean of the family's last two run times (Tsafrir,
 * Etsion, Feitelson, IEEE TPDS 18(6), 2007); else the pod's {@code activeDeadlineSeconds} (an upper bound); else
 * nothing. Pure; shared by the webhook, the scaler and the simulator so all three predict alike.
 */
public final class RunTimePredictor {
    public static final long MINUTE_MILLIS = 60_000;

    /** Where a prediction came from (a metric label and a log field). */
    public enum Source {
        ANNOTATION,
        FAMILY,
        DEADLINE
    }

    public record Prediction(long millis, Source source) {}

    private RunTimePredictor() {}

    /**
     * @param expectedDuration the annotation's text, or null; a text that is not a positive Go duration is ignored
     *                         (see {@link #annotationProblem})
     * @param history          the family's run times, or null
     * @param deadlineMillis   the deadline, 0 or less when none
     */
    public static Optional<Prediction> predict(String expectedDuration, RunTimes history, long deadlineMillis) {
        long annotated = annotationMillis(expectedDuration);
        if (annotated > 0) {
            return Optional.of(new Prediction(annotated, Source.ANNOTATION));
        }
        if (history != null) {
            return Optional.of(new Prediction(history.meanMillis(), Source.FAMILY));
        }
        return deadlineMillis > 0 ? Optional.of(new Prediction(deadlineMillis, Source.DEADLINE)) : Optional.empty();
    }

    /** Why an annotation value is ignored, or null when it is absent or usable. */
    public static String annotationProblem(String expectedDuration) {
        if (expectedDuration == null) {
            return null;
        }
        try {
            Duration d = GoDuration.parse(expectedDuration);
            return d.isZero() || d.isNegative() ? "not a positive duration: \"" + expectedDuration + "\"" : null;
        } catch (IllegalArgumentException | ArithmeticException e) {
            return e.getMessage();
        }
    }

    /** Whole minutes since the epoch of an instant in epoch milliseconds: the unit of {@code joblane.io/lane-end}. */
    public static long minutes(long epochMillis) {
        return Math.floorDiv(epochMillis, MINUTE_MILLIS);
    }

    private static long annotationMillis(String text) {
        if (text == null || annotationProblem(text) != null) {
            return -1;
        }
        return GoDuration.parse(text).toMillis();
    }
}
