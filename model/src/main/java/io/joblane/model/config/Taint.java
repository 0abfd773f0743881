package io.joblane.model.config;

/** A node taint of a group; the webhook adds exactly one matching toleration per taint. */
public record Taint(String key, String value, String effect) {
    public Taint {
        value = value == null ? "" : value;
    }
}
