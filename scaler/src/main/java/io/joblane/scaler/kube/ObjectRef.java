package io.joblane.scaler.kube;

/** The object an Event is about. {@code namespace} is empty for cluster-scoped kinds such as Node. */
public record ObjectRef(String kind, String namespace, String name, String uid) {
    public ObjectRef {
        namespace = namespace == null ? "" : namespace;
        uid = uid == null ? "" : uid;
    }
}
