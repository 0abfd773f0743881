package io.joblane.scaler.plan;

import io.joblane.model.config.Taint;

/** A pod toleration, only as far as needed to decide where a DaemonSet's pods land. */
public record Toleration(String key, String operator, String value, String effect) {

    /** Kubernetes matching: empty key with Exists tolerates everything; empty effect matches every effect. */
    public boolean tolerates(Taint taint) {
        if (effect != null && !effect.isEmpty() && !effect.equals(taint.effect())) {
            return false;
        }
        boolean exists = "Exists".equals(operator);
        if (key == null || key.isEmpty()) {
            return exists;
        }
        if (!key.equals(taint.key())) {
            return false;
        }
        return exists || (value == null ? "" : value).equals(taint.value());
    }
}
