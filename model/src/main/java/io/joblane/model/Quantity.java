package io.joblane.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Parses Kubernetes resource quantities ("500m", "2", "64Gi", "1.5G", "1e3", ".5") into milli-units, the form
 * every Joblane decision uses: cpu "1" is 1000, memory "1Ki" is 1,024,000. The grammar is Kubernetes' own
 * (k8s.io/apimachinery resource.ParseQuantity). The magnitude is bounded from the text before any arithmetic, so a
 * hostile "1e300000000" or a million digits costs microseconds, never an expansion to a huge integer.
 * Two ways to treat a valid quantity beyond {@code Long.MAX_VALUE} milli-units: {@link #toMillis} refuses it
 * (configuration), {@link #toMillisSaturating} answers {@code Long.MAX_VALUE} (what pods ask for: the API server
 * itself caps such a quantity instead of refusing the pod). Pure and thread-safe.
 *
 * @see <a href="https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/">Quantity</a>
 */
public final class Quantity {
    /** Significant digits kept; far more than a long's 19, so the rounding up of the last milli-unit is exact. */
    private static final int KEPT_DIGITS = 60;
    /** Powers of ten (of the value in milli-units) beyond which the value is certainly above a long. */
    private static final int MAX_POWER = 40;
    /** Powers of ten below which a non-zero value is certainly below one milli-unit, so it rounds up to 1. */
    private static final int MIN_POWER = -10;

    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    /** {@code 1Mi} in milli-units, as {@link #toMillis} gives it. */
    public static final long MI = 1024L * 1024 * 1000;
    /** {@code 1Gi} in milli-units, as {@link #toMillis} gives it: the unit tests and examples write memory in. */
    public static final long GI = 1024 * MI;

    private Quantity() {}

    /**
     * Returns the quantity in milli-units, rounding fractions of a milli-unit up as Kubernetes does.
     *
     * @throws IllegalArgumentException when the text is not a non-negative quantity, or is above
     *                                  {@code Long.MAX_VALUE} milli-units (about 9.2 peta-units)
     */
    public static long toMillis(String text) {
        return parse(text, false);
    }

    /**
     * As {@link #toMillis}, but a valid quantity too large for a long gives {@code Long.MAX_VALUE}, as the API
     * server caps quantities instead of refusing them: use it for what pods and nodes declare.
     *
     * @throws IllegalArgumentException when the text is not a non-negative quantity
     */
    public static long toMillisSaturating(String text) {
        return parse(text, true);
    }

    /** Returns true when {@code text} parses as a quantity that {@link #toMillis} accepts. */
    public static boolean isValid(String text) {
        try {
            toMillis(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Formats milli-units back to the shortest exact Kubernetes form for humans ("500m", "2", "64Gi"). */
    public static String format(long millis, String resourceName) {
        if (millis % 1000 != 0) {
            return millis + "m";
        }
        long units = millis / 1000;
        if (WellKnown.RESOURCE_MEMORY.equals(resourceName) || resourceName.endsWith("storage")) {
            String[] binary = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
            int i = 0;
            while (i < binary.length - 1 && units != 0 && units % 1024 == 0) {
                units /= 1024;
                i++;
            }
            return units + binary[i];
        }
        return Long.toString(units);
    }

    private static long parse(String text, boolean saturate) {
        if (text == null) {
            throw new IllegalArgumentException("quantity is missing");
        }
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("quantity is empty");
        }
        Digits digits = Digits.scan(s, text);
        Suffix suffix = suffix(s.substring(digits.end()), text);
        if (digits.isZero()) {
            return 0;
        }
        if (digits.negative()) {
            throw new IllegalArgumentException("negative quantity: \"" + shorten(text) + "\"");
        }
        // Power of ten of the leading digit of the value in milli-units (binary suffixes add at most 19).
        long power = digits.leadingPower() + suffix.decimalExponent + 3 + suffix.binaryDecimalPowerCeiling();
        if (power > MAX_POWER) {
            return tooLarge(text, saturate);
        }
        if (power < MIN_POWER) {
            return 1;
        }
        BigDecimal millis = digits.value(suffix.decimalExponent + 3)
                .multiply(new BigDecimal(BigInteger.ONE.shiftLeft(suffix.binaryExponent)))
                .setScale(0, RoundingMode.CEILING);
        return millis.compareTo(LONG_MAX) > 0 ? tooLarge(text, saturate) : millis.longValue();
    }

    /**
     * The number before the suffix: its sign, all its digits without the point ({@code all}), how many of them are
     * before the point, where the first non-zero one is, and where the number ends in the text.
     */
    private record Digits(boolean negative, String all, int intDigits, int firstNonZero, int end) {
        static Digits scan(String s, String text) {
            int pos = 0;
            boolean negative = false;
            if (s.charAt(0) == '+' || s.charAt(0) == '-') {
                negative = s.charAt(0) == '-';
                pos++;
            }
            int intStart = pos;
            pos = skipDigits(s, pos);
            int intEnd = pos;
            int fracStart = pos;
            if (pos < s.length() && s.charAt(pos) == '.') {
                fracStart = pos + 1;
                pos = skipDigits(s, fracStart);
            }
            int fracEnd = Math.max(pos, fracStart);
            if (intEnd == intStart && fracEnd == fracStart) {
                throw notAQuantity(text);
            }
            String all = s.substring(intStart, intEnd) + s.substring(fracStart, fracEnd);
            int first = 0;
            while (first < all.length() && all.charAt(first) == '0') {
                first++;
            }
            return new Digits(negative, all, intEnd - intStart, first, pos);
        }

        boolean isZero() {
            return firstNonZero == all.length();
        }

        /** Power of ten of the leading non-zero digit. */
        long leadingPower() {
            return (long) intDigits - 1 - firstNonZero;
        }

        /**
         * The value times ten to {@code exponent}, exact up to rounding up: beyond {@link #KEPT_DIGITS} significant
         * digits a non-zero tail is replaced by a single trailing 1, which rounds up to the same milli-unit.
         */
        BigDecimal value(int exponent) {
            int stop = Math.min(all.length(), firstNonZero + KEPT_DIGITS);
            String kept = all.substring(firstNonZero, stop);
            int scale = all.length() - intDigits - (all.length() - stop);
            if (stop < all.length() && hasNonZero(all, stop)) {
                kept += "1";
                scale++;
            }
            return new BigDecimal(new BigInteger(kept), scale - exponent);
        }
    }

    /** What follows the number: a binary or decimal SI suffix, or a decimal exponent that fits an int32. */
    private record Suffix(int decimalExponent, int binaryExponent) {
        int binaryDecimalPowerCeiling() {
            return (binaryExponent * 30103 + 99_999) / 100_000;
        }
    }

    private static final java.util.Map<String, Suffix> SUFFIXES = java.util.Map.ofEntries(
            java.util.Map.entry("", new Suffix(0, 0)),
            java.util.Map.entry("n", new Suffix(-9, 0)),
            java.util.Map.entry("u", new Suffix(-6, 0)),
            java.util.Map.entry("m", new Suffix(-3, 0)),
            java.util.Map.entry("k", new Suffix(3, 0)),
            java.util.Map.entry("M", new Suffix(6, 0)),
            java.util.Map.entry("G", new Suffix(9, 0)),
            java.util.Map.entry("T", new Suffix(12, 0)),
            java.util.Map.entry("P", new Suffix(15, 0)),
            java.util.Map.entry("E", new Suffix(18, 0)),
            java.util.Map.entry("Ki", new Suffix(0, 10)),
            java.util.Map.entry("Mi", new Suffix(0, 20)),
            java.util.Map.entry("Gi", new Suffix(0, 30)),
            java.util.Map.entry("Ti", new Suffix(0, 40)),
            java.util.Map.entry("Pi", new Suffix(0, 50)),
            java.util.Map.entry("Ei", new Suffix(0, 60)));

    private static Suffix suffix(String suffix, String text) {
        Suffix known = SUFFIXES.get(suffix);
        if (known != null) {
            return known;
        }
        char first = suffix.charAt(0);
        if ((first == 'e' || first == 'E') && isSignedInteger(suffix.substring(1))) {
            // Kubernetes reads the exponent with strconv.ParseInt(..., 10, 32).
            try {
                return new Suffix(Integer.parseInt(suffix.substring(1)), 0);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("quantity exponent out of range: \"" + shorten(text) + "\"");
            }
        }
        if (isDigit(first) || first == '.' || first == '+' || first == '-') {
            throw notAQuantity(text);
        }
        throw new IllegalArgumentException("unknown quantity suffix \"" + shorten(suffix) + "\" in \"" + shorten(text)
                + "\" (one of n u m k M G T P E Ki Mi Gi Ti Pi Ei, or an exponent like e3)");
    }

    private static boolean isSignedInteger(String text) {
        int start = !text.isEmpty() && (text.charAt(0) == '+' || text.charAt(0) == '-') ? 1 : 0;
        return start < text.length() && skipDigits(text, start) == text.length();
    }

    private static int skipDigits(String s, int from) {
        int pos = from;
        while (pos < s.length() && isDigit(s.charAt(pos))) {
            pos++;
        }
        return pos;
    }

    private static long tooLarge(String text, boolean saturate) {
        if (saturate) {
            return Long.MAX_VALUE;
        }
        throw new IllegalArgumentException(
                "quantity too large: \"" + shorten(text) + "\" (at most " + Long.MAX_VALUE + "m)");
    }

    private static boolean hasNonZero(String digits, int from) {
        for (int i = from; i < digits.length(); i++) {
            if (digits.charAt(i) != '0') {
                return true;
            }
        }
        return false;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException notAQuantity(String text) {
        return new IllegalArgumentException("not a quantity: \"" + shorten(text) + "\"");
    }

    private static String shorten(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }
}
