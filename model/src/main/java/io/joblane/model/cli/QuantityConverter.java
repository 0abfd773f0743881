package io.joblane.model.cli;

import io.joblane.model.Quantity;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Kubernetes quantities on the command line ({@code 500m}, {@code 64Gi}) as whole units, rounded up: bytes for a
 * size, pods for a count. Use it with {@code @Option(converter = QuantityConverter.class) long ...}.
 */
public final class QuantityConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            long millis = Quantity.toMillis(value);
            return millis / 1000 + (millis % 1000 == 0 ? 0 : 1);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
