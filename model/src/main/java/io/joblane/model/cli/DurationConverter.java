package io.joblane.model.cli;

import io.joblane.model.GoDuration;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Go-style durations on the command line ({@code 90s}, {@code 10m}, {@code 1h30m}), the same parser as the
 * node-group file. Registered for every {@link Duration} option by {@link CommandLineConvention#apply}.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return GoDuration.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
