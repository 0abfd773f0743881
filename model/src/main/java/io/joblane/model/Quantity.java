package io.joblane.model;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Parses Kubernetes resource quantities ("500m", "2", "64Gi", "1.5G", "1e3") into milli-units, the form
 * every Joblane decision uses: cpu "1" is 1000, memory "1Ki" is 1,024,000. Pure and allocation-light,
 * because the scaler parses every container request it sees.
 */
public final class Quantity {
    private Quantity() {
    }

    /** Returns the quantity in milli-units, rounding fractions of a milli-unit up as Kubernetes does. */
    public static long toMillis(String text) {
        if (text == null) {
            throw new IllegalArgumentException("quantity is missing");
        }
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("quantity is empty");
        }
        int end = s.length();
        while (end > 0 && Character.isLetter(s.charAt(end - 1))) {
            end--;
        }
        String number = s.substring(0, end);
        String suffix = s.substring(end);
        // Decimal exponent ("1e3", "1E3") ends in digits, so the letter scan above left it in the number.
        BigDecimal value;
        try {
            if (number.isEmpty() || number.startsWith("+") && number.length() == 1) {
                throw new NumberFormatException();
            }
            value = new BigDecimal(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a quantity: \"" + text + "\"");
        }
        if (value.signum() < 0) {
            throw new IllegalArgumentException("negative quantity: \"" + text + "\"");
        }
        BigDecimal millis = value.multiply(multiplier(suffix, text));
        try {
            return millis.setScale(0, RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("quantity too large: \"" + text + "\"");
        }
    }

    /** Returns true when {@code text} parses as a quantity. */
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

    private static BigDecimal multiplier(String suffix, String text) {
        long thousand = 1000;
        switch (suffix) {
            case "":
                return BigDecimal.valueOf(thousand);
            case "m":
                return BigDecimal.ONE;
            case "u":
                return new BigDecimal("0.001");
            case "n":
                return new BigDecimal("0.000001");
            case "k":
                return BigDecimal.valueOf(thousand * 1000L);
            case "M":
                return BigDecimal.valueOf(thousand * 1_000_000L);
            case "G":
                return BigDecimal.valueOf(thousand * 1_000_000_000L);
            case "T":
                return BigDecimal.valueOf(thousand).multiply(BigDecimal.TEN.pow(12));
            case "P":
                return BigDecimal.valueOf(thousand).multiply(BigDecimal.TEN.pow(15));
            case "E":
                return BigDecimal.valueOf(thousand).multiply(BigDecimal.TEN.pow(18));
            case "Ki":
                return BigDecimal.valueOf(thousand << 10);
            case "Mi":
                return BigDecimal.valueOf(thousand << 20);
            case "Gi":
                return BigDecimal.valueOf(thousand << 30);
            case "Ti":
                return BigDecimal.valueOf(thousand << 40);
            case "Pi":
                return BigDecimal.valueOf(thousand).multiply(BigDecimal.valueOf(1L << 50));
            case "Ei":
                return BigDecimal.valueOf(thousand).multiply(BigDecimal.valueOf(1L << 60));
            default:
                throw new IllegalArgumentException("unknown quantity suffix \"" + suffix + "\" in \"" + text + "\"");
        }
    }
}
