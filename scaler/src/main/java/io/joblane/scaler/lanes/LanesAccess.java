package io.joblane.scaler.lanes;

import io.joblane.model.lanes.FamilyTable;
import io.joblane.scaler.plan.NodeEdits;
import java.util.List;

/**
 * What lanes needs from Kubernetes: the group nodes and Job pods from the informer caches, the published family table,
 * and two writes. Implemented with fabric8 by {@code kube.KubeLanes}; by an in-memory world in tests. Called from the
 * loop thread.
 */
public interface LanesAccess {
    List<LaneNode> nodes();

    List<LanePod> pods();

    /**
     * The pods of {@link #pods()}, handed beside {@code nodes} (this scan's {@link #nodes()}) one for one. An adapter
     * that hands a node's pods as the same {@link LaneNodePods} while they are unchanged saves lanes predicting them
     * again; by default they are grouped from {@link #pods()}.
     */
    default LanePods pods(List<LaneNode> nodes) {
        return LanePods.group(nodes, pods());
    }

    /**
     * After {@link #pods(List)}: how the nodes it was handed and their pods' lists came from those of the call before
     * ({@link NodeEdits}), or null. An adapter that keeps its nodes in a list it edits (the simulator) saves lanes a
     * look at every node when few changed; without, lanes looks at each.
     */
    default NodeEdits nodeEdits() {
        return null;
    }

    /** The family table an earlier Lease holder published, read live; empty when there is none. */
    FamilyTable published() throws LanesException;

    /** Writes the family table (creating the ConfigMap when needed). */
    void publish(FamilyTable table) throws LanesException;

    /** Sets the node's {@code joblane.io/lane-end} label to {@code value}, or removes it when null. */
    void setLaneEnd(String node, String value) throws LanesException;

    /** An API call failed; lanes logs it and tries again next scan (never a reason to stop a scan). */
    final class LanesException extends Exception {
        public LanesException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
