package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.T0;

import io.joblane.scaler.cloud.CloudInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One random group for the kept-state tests: its nodes beside their pods, the instances by id, a clock; each test
 * draws nodes, pods and instances its own way. Nodes are named {@code n<k>}, their instances {@code i-n<k>}.
 */
abstract class RandomGroup {
    final Random r;
    final List<NodeInfo> nodes = new ArrayList<>();
    final List<List<PodInfo>> pods = new ArrayList<>();
    final Map<String, CloudInstance> instances = new HashMap<>();
    Instant now = T0;
    int names;
    int podNames;

    RandomGroup(long seed) {
        r = new Random(seed);
    }

    /** Adds {@code size} nodes at the end (a subclass's constructor calls it once its draws can run). */
    final void fill(int size) {
        for (int i = 0; i < size; i++) {
            add(nodes.size());
        }
    }

    /** A new node at {@code at}, with its pods and instance. */
    final void add(int at) {
        String name = "n" + names++;
        nodes.add(at, node(name));
        pods.add(at, pods(name));
        instance(name);
    }

    abstract NodeInfo node(String name);

    abstract List<PodInfo> pods(String node);

    /** Draws the node's instance into {@link #instances}, or removes it. */
    abstract void instance(String name);

    /** The nodes' instances that are described, in node order: the group's describe. */
    final List<CloudInstance> described() {
        List<CloudInstance> out = new ArrayList<>();
        for (NodeInfo n : nodes) {
            CloudInstance i = n.instanceId() == null ? null : instances.get(n.instanceId());
            if (i != null) {
                out.add(i);
            }
        }
        return out;
    }
}
