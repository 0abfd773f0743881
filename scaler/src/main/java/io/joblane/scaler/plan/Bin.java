package io.joblane.scaler.plan;

/**
 * One place waiting pods may go: an existing node, or capacity on its way (an instance without a node yet, or
 * desired above the instances that exist, both with {@code node} null). The node's position among the group's nodes
 * is the classification's ({@link Classification#at}), not the bin's: a node inserted or removed before others moves
 * their positions, and a bin kept from the last pass stays the very same object.
 *
 * @param instanceId    the cloud instance, null for desired not yet launched
 * @param uninitialised a registered node still missing the template's extended resources: it counts with the
 *                      template's shape
 * @param newNodeKind   the index of the kind of new node ({@link PassInput#kinds}) capacity on its way will be
 * @param load          what holds the node ({@link NodeLoad#NONE} without a node): read here, not by the node's name
 */
record Bin(Kind kind, NodeInfo node, String instanceId, boolean uninitialised, int newNodeKind, NodeLoad load) {

    /** A bin of capacity on its way without a node. */
    Bin(Kind kind, String instanceId, int newNodeKind) {
        this(kind, null, instanceId, false, newNodeKind, NodeLoad.NONE);
    }

    /** Node categories, in the order pending pods are offered to them. */
    enum Kind {
        FREE,
        RECLAIMABLE,
        INCOMING
    }
}
