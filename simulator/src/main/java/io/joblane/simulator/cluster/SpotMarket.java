package io.joblane.simulator.cluster;

/**
 * Spot in a simulation: the share of new nodes that are Spot, and how often the cloud interrupts a Spot node, as
 * interruptions per Spot node-hour (a Poisson process per node: each Spot node is interrupted at this rate for as long
 * as it runs, so 0.05 means a mean Spot node life of 20 hours). An interruption comes with a notice
 * {@link #NOTICE_MILLIS} before the cloud takes the instance, as EC2 gives it. A Spot node-hour costs {@code priceRatio}
 * times its type's (on-demand) price. With a rate of 0 nothing of this runs.
 *
 * @see <a href="https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html">Spot
 *      Instance interruption notices: a warning two minutes before EC2 stops or terminates the instance</a>
 */
public record SpotMarket(double interruptionsPerNodeHour, double spotShare, double priceRatio) {
    public static final SpotMarket NONE = new SpotMarket(0, 0);
    /** EC2's interruption notice comes two minutes before the instance is taken. */
    public static final long NOTICE_MILLIS = 120_000;

    public SpotMarket {
        if (!(interruptionsPerNodeHour >= 0) || Double.isInfinite(interruptionsPerNodeHour)) {
            throw new IllegalArgumentException("--spot-interruption-rate must be a finite number >= 0");
        }
        if (!(spotShare >= 0 && spotShare <= 1)) {
            throw new IllegalArgumentException("--spot-share must be between 0 and 1");
        }
        if (!(priceRatio > 0 && priceRatio <= 1)) {
            throw new IllegalArgumentException("--spot-price-ratio must be more than 0 and at most 1");
        }
    }

    /** Spot billed at the on-demand price (a ratio of 1). */
    public SpotMarket(double interruptionsPerNodeHour, double spotShare) {
        this(interruptionsPerNodeHour, spotShare, 1);
    }

    /** Whether any node can be Spot at all: the simulation's hot path skips every Spot step otherwise. */
    public boolean active() {
        return interruptionsPerNodeHour > 0 && spotShare > 0;
    }
}
