package io.joblane.scaler.cloud.fake;

import java.util.Map;
import java.util.Objects;

/**
 * One instance type an in-memory group may launch: the allocatable of its node (milli-units per resource, as
 * {@link io.joblane.scaler.cloud.NodeTemplate.Shape}), its price per hour (what {@link LaunchRule#LOWEST_PRICE}
 * compares and the simulator bills) and the capacity the cloud has of it: at most this many instances of the type
 * run in the group at once, launches beyond fall back to the next type (an insufficient-capacity model).
 *
 * @param capacity {@link #UNLIMITED} when the cloud never runs short of this type
 */
public record FakeInstanceType(String name, Map<String, Long> allocatableMillis, double pricePerHour, int capacity) {
    public static final int UNLIMITED = Integer.MAX_VALUE;

    public FakeInstanceType {
        Objects.requireNonNull(name, "name");
        allocatableMillis = Map.copyOf(allocatableMillis);
        if (pricePerHour < 0 || capacity < 0) {
            throw new IllegalArgumentException("instance type " + name + ": price and capacity must not be negative");
        }
    }

    /** A type the cloud never runs short of. */
    public FakeInstanceType(String name, Map<String, Long> allocatableMillis, double pricePerHour) {
        this(name, allocatableMillis, pricePerHour, UNLIMITED);
    }

    /** The same type with another capacity. */
    public FakeInstanceType withCapacity(int newCapacity) {
        return new FakeInstanceType(name, allocatableMillis, pricePerHour, newCapacity);
    }
}
