package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.function.UnaryOperator;

/** An informer store that trims each item with a {@link Lean} function before keeping it. Informer threads. */
final class LeanItemStore<T extends HasMetadata> extends BasicItemStore<T> {
    private final UnaryOperator<T> trim;

    LeanItemStore(UnaryOperator<T> trim) {
        super(Cache::metaNamespaceKeyFunc);
        this.trim = trim;
    }

    @Override
    public T put(String key, T item) {
        return super.put(key, trim.apply(item));
    }
}
