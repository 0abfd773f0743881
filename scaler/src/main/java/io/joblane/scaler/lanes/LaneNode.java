package io.joblane.scaler.lanes;

/** A group node and its current {@code joblane.io/lane-end} label (null when it has none). */
public record LaneNode(String name, String laneEnd) {}
