package io.joblane.simulator;

/**
 * One node group of a multi-group simulation: its name in the node-group file, the settings of its runs (its node
 * shape, boot delay, size limit and price) and how its Joblane loop is built (its scale-down delay, maxDraining,
 * labels and taints).
 */
public record SimGroup(String name, Simulation.Settings settings, Simulator.JoblanePolicyFactory joblane) {}
