package io.joblane.scaler.plan;

/**
 * A Spot notice on a node, read from the taints the scaler's config names ({@code scaler.spot}); the stronger wins.
 * A noticed node is fenced at once and is no longer capacity for new Jobs (scaler/AWS.md, Spot).
 */
public enum SpotNotice {
    NONE(""),
    /** EC2 rebalance recommendation: the instance is at elevated risk of interruption. */
    REBALANCE("rebalance"),
    /** Spot interruption notice: EC2 stops or terminates the instance in about two minutes. */
    INTERRUPTION("interruption");

    private final String kind;

    SpotNotice(String kind) {
        this.kind = kind;
    }

    /** The metric label and the word in logs: {@code rebalance}, {@code interruption}. */
    public String kind() {
        return kind;
    }
}
