package io.joblane.scaler.plan;

/**
 * One place waiting pods may go: an existing node, or capacity on its way (an instance without a node yet, or
 * desired above the instances that exist, both with {@code node} null).
 *
 * @param instanceId    the cloud instance, null for desired not yet launched
 * @param uninitialised a registered node still missing the template's extended resources: it counts with the
 *                      template's shape
 * @param newNodeKind   the index of the kind of new node ({@link PassInput#kinds}) capacity on its way will be
 */
record Bin(Kind kind, NodeInfo node, String instanceId, boolean uninitialised, int newNodeKind) {

    /** A bin of the first kind of new node (a group of one cloud group). */
    Bin(Kind kind, NodeInfo node, String instanceId, boolean uninitialised) {
        this(kind, node, instanceId, uninitialised, 0);
    }

    /** Node categories, in the order pending pods are offered to them. */
    enum Kind {
        FREE,
        RECLAIMABLE,
        INCOMING
    }
}
