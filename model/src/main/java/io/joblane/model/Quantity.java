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

    private Quantity() {
    }

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
        int pos = 0;
        boolean negative = false;
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            negative = s.charAt(0) == '-';
            pos++;
        }
        int intStart = pos;
        while (pos < s.length() && isDigit(s.charAt(pos))) {
            pos++;
        }
        int intEnd = pos;
        int fracStart = pos;
        int fracEnd = pos;
        if (pos < s.length() && s.charAt(pos) == '.') {
            fracStart = ++pos;
            while (pos < s.length() && isDigit(s.charAt(pos))) {
                pos++;
            }
            fracEnd = pos;
        }
        if (intEnd == intStart && fracEnd == fracStart) {
            throw notAQuantity(text);
        }
        Suffix suffix = suffix(s.substring(pos), text);

        // The digits as one string without the point, and where the first non-zero one sits.
        String digits = s.substring(intStart, intEnd) + s.substring(fracStart, fracEnd);
        int first = 0;
        while (first < digits.length() && digits.charAt(first) == '0') {
            first++;
        }
        if (first == digits.length()) {
            return 0;
        }
        if (negative) {
            throw new IllegalArgumentException("negative quantity: \"" + text + "\"");
        }
        int intDigits = intEnd - intStart;
        // Power of ten of the leading digit of the value in milli-units (binary suffixes add at most 19).
        long power = (long) intDigits - 1 - first + suffix.decimalExponent + 3 + suffix.binaryDecimalPowerCeiling();
        if (power > MAX_POWER) {
            return tooLarge(text, saturate);
        }
        if (power < MIN_POWER) {
            return 1;
        }
        // Keep enough digits for an exact result; a non-zero tail is replaced by one trailing 1 (same ceiling).
        int end = Math.min(digits.length(), first + KEPT_DIGITS);
        String kept = digits.substring(first, end);
        int fractionDigits = digits.length() - intDigits;
        int scale = fractionDigits - (digits.length() - end);
        if (end < digits.length() && hasNonZero(digits, end)) {
            kept += "1";
            scale++;
        }
        BigDecimal value = new BigDecimal(new BigInteger(kept), scale - suffix.decimalExponent - 3);
        if (suffix.binaryExponent > 0) {
            value = value.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(suffix.binaryExponent)));
        }
        BigDecimal millis = value.setScale(0, RoundingMode.CEILING);
        if (millis.compareTo(LONG_MAX) > 0) {
            return tooLarge(text, saturate);
        }
        return millis.longValue();
    }

    /** What follows the number: a binary or decimal SI suffix, or a decimal exponent that fits an int32. */
    private record Suffix(int decimalExponent, int binaryExponent) {
        int binaryDecimalPowerCeiling() {
            return (binaryExponent * 30103 + 99_999) / 100_000;
        }
    }

    private static Suffix suffix(String suffix, String text) {
        switch (suffix) {
            case "":
                return new Suffix(0, 0);
            case "n":
                return new Suffix(-9, 0);
            case "u":
                return new Suffix(-6, 0);
            case "m":
                return new Suffix(-3, 0);
            case "k":
                return new Suffix(3, 0);
            case "M":
                return new Suffix(6, 0);
            case "G":
                return new Suffix(9, 0);
            case "T":
                return new Suffix(12, 0);
            case "P":
                return new Suffix(15, 0);
            case "E":
                return new Suffix(18, 0);
            case "Ki":
                return new Suffix(0, 10);
            case "Mi":
                return new Suffix(0, 20);
            case "Gi":
                return new Suffix(0, 30);
            case "Ti":
                return new Suffix(0, 40);
            case "Pi":
                return new Suffix(0, 50);
            case "Ei":
                return new Suffix(0, 60);
            default:
                break;
        }
        char first = suffix.charAt(0);
        if ((first == 'e' || first == 'E') && suffix.length() > 1) {
            // Kubernetes reads the exponent with strconv.ParseInt(..., 10, 32): an optional sign and digits.
            String exponent = suffix.substring(1);
            int start = exponent.charAt(0) == '+' || exponent.charAt(0) == '-' ? 1 : 0;
            boolean digitsOnly = start < exponent.length();
            for (int i = start; i < exponent.length() && digitsOnly; i++) {
                digitsOnly = isDigit(exponent.charAt(i));
            }
            if (digitsOnly) {
                try {
                    return new Suffix(Integer.parseInt(exponent), 0);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("quantity exponent out of range: \"" + text + "\"");
                }
            }
        }
        if (isDigit(first) || first == '.' || first == '+' || first == '-') {
            throw notAQuantity(text);
        }
        throw new IllegalArgumentException("unknown quantity suffix \"" + shorten(suffix) + "\" in \"" + shorten(text)
                + "\" (one of n u m k M G T P E Ki Mi Gi Ti Pi Ei, or an exponent like e3)");
    }

    private static long tooLarge(String text, boolean saturate) {
        if (saturate) {
            return Long.MAX_VALUE;
        }
        throw new IllegalArgumentException("quantity too large: \"" + shorten(text) + "\" (at most "
                + Long.MAX_VALUE + "m)");
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
