package io.joblane.model.config;

import java.util.List;

/** The node-group file is not usable; each problem names the field, e.g. {@code nodeGroups[1].scaling.maxNodes}. */
public class InvalidConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public InvalidConfigException(String source, List<String> problems) {
        super("invalid config " + source + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
