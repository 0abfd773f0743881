package io.joblane.scaler.cloud;

import io.joblane.model.config.Taint;
import java.util.List;
import java.util.Map;

/**
 * What a new node of a cloud group will look like, read from the cloud before any node exists (scale from zero):
 * one allocatable shape per instance type the group may launch, in the group's order, and the labels and taints
 * its nodes will carry. Immutable; {@code null} on a {@link CloudGroup} means the provider gives no template.
 *
 * @param shapes one entry per instance type; empty when no type could be read (the problems say why)
 */
public record NodeTemplate(List<Shape> shapes, Map<String, String> labels, List<Taint> taints) {

    public NodeTemplate {
        shapes = List.copyOf(shapes);
        labels = Map.copyOf(labels);
        taints = List.copyOf(taints);
    }

    /** The allocatable of a node of one instance type, in milli-units per resource ({@code cpu}, {@code memory}, ...). */
    public record Shape(String instanceType, Map<String, Long> allocatableMillis) {
        public Shape {
            allocatableMillis = Map.copyOf(allocatableMillis);
        }
    }
}
