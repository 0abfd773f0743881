package io.joblane.simulator.cluster;

import java.util.Objects;

/**
 * One instance type of the simulated group: its node shape, its price per node-hour (what the cost figure bills for
 * each of its nodes) and the capacity the cloud has of it ({@code Integer.MAX_VALUE}: never short).
 */
public record NodeType(String name, NodeShape shape, double pricePerHour, int capacity) {
    public NodeType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
    }

    /** True when one pod of these requests fits an empty node of this type. */
    public boolean fitsEmpty(long cpu, long memory, long gpu) {
        return shape.fitsEmpty(cpu, memory, gpu);
    }
}
