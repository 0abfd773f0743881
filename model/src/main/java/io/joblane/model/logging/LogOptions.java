package io.joblane.model.logging;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code --log-format} and {@code --log-level} options every Joblane command takes, as a picocli mixin
 * ({@code @Mixin LogOptions logging;}); {@link #apply()} sets up logging once the command line is parsed.
 */
public final class LogOptions {

    /** Plain lines for people, JSON lines for log pipelines. */
    public enum Format {
        text,
        json
    }

    @Option(
            names = "--log-format",
            defaultValue = "${env:JOBLANE_LOG_FORMAT:-text}",
            scope = ScopeType.INHERIT,
            description = "text or json: one line per event (env JOBLANE_LOG_FORMAT, default ${DEFAULT-VALUE}).")
    Format format = Format.text;

    @Option(
            names = "--log-level",
            defaultValue = "${env:JOBLANE_LOG_LEVEL:-info}",
            scope = ScopeType.INHERIT,
            description = "error, warn, info, debug or trace (env JOBLANE_LOG_LEVEL, default ${DEFAULT-VALUE}).")
    String level = "info";

    public void apply() {
        LogFormat.configure(format == Format.json, level);
    }
}
