package io.joblane.model.config;

/** An extra controller owner kind whose pods count as Job pods, e.g. Argo's {@code Workflow}. */
public record JobOwnerRule(String apiVersion, String kind) {}
