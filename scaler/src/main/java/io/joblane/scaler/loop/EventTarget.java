package io.joblane.scaler.loop;

import io.joblane.scaler.plan.PodInfo;

/** The object a Kubernetes Event is about: a pod (namespaced) or a node (cluster-scoped, namespace null). */
public record EventTarget(String kind, String namespace, String name, String uid) {
    public static final String POD = "Pod";
    public static final String NODE = "Node";

    public static EventTarget pod(PodInfo pod) {
        return new EventTarget(POD, pod.namespace(), pod.name(), pod.uid());
    }

    public static EventTarget node(String name) {
        return new EventTarget(NODE, null, name, null);
    }
}
