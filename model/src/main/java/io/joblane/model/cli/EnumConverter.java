package io.joblane.model.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An enum option spelled the way Kubernetes users type values: by a lower-case name ({@code auto}, {@code ecdsa}),
 * or the constant's own name in any case. Subclass it once per enum, since picocli instantiates converters by class:
 * {@code static final class Modes extends EnumConverter<Mode> { Modes() { super(Mode.class); } }}. Its instances
 * are also the option's completion candidates, so {@code ${COMPLETION-CANDIDATES}} lists the names in help.
 */
public class EnumConverter<E extends Enum<E>> implements ITypeConverter<E>, Iterable<String> {
    private final Class<E> type;
    private final Function<E, String> name;

    /** Names are the constants' names in lower case, {@code _} written {@code -}. */
    protected EnumConverter(Class<E> type) {
        this(type, e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    protected EnumConverter(Class<E> type, Function<E, String> name) {
        this.type = type;
        this.name = name;
    }

    @Override
    public E convert(String value) {
        String text = value == null ? "" : value.trim();
        for (E constant : type.getEnumConstants()) {
            if (name.apply(constant).equalsIgnoreCase(text) || constant.name().equalsIgnoreCase(text)) {
                return constant;
            }
        }
        throw new TypeConversionException("\"" + value + "\" is not one of " + String.join(", ", this));
    }

    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(type.getEnumConstants())
                .map(name)
                .collect(Collectors.toList())
                .iterator();
    }
}
