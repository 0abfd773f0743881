package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Translations of cached objects (pods, nodes) kept across scans in one map updated in place: an object is translated
 * again only when its resourceVersion changed (or it has none, or {@code reusable} refuses), and a scan that found fewer
 * objects than are held drops the others at its {@link #end()}, so memory follows what is still cached and no map is
 * built per scan. An unchanged object keeps the same translation, so the planner's per-node results kept by identity
 * hold in production as in the simulator. Shared by the planner's ({@link ModelTranslator}) and lanes'
 * ({@link LanePodsByNode}) side of the kube adapter. Pure; loop thread only.
 *
 * @param <S> the cached object
 * @param <T> the translation
 */
final class KeptTranslations<S extends HasMetadata, T> {
    private final Function<S, String> keyOf;
    private final Predicate<S> reusable;
    private final Function<S, T> translator;
    private final Map<String, Kept<T>> kept = new HashMap<>();
    private long scan;
    /** Pods found so far this scan, each once. */
    private int found;

    private static final class Kept<T> {
        String version;
        T translation;
        /** The last scan that found the pod. */
        long scan;
    }

    /**
     * @param keyOf      what identifies an object across scans
     * @param reusable   whether an object of an unchanged resourceVersion may keep its translation
     * @param translator the translation of an object
     */
    KeptTranslations(Function<S, String> keyOf, Predicate<S> reusable, Function<S, T> translator) {
        this.keyOf = keyOf;
        this.reusable = reusable;
        this.translator = translator;
    }

    /** The object's namespace/name ("null/name" for a cluster-scoped one). */
    static String name(HasMetadata p) {
        return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    }

    /** The object's uid, its namespace/name when it has none. */
    static String uid(HasMetadata p) {
        String uid = p.getMetadata().getUid();
        return uid != null ? uid : name(p);
    }

    /** Starts a scan: what the last one found is the kept translations. */
    void begin() {
        scan++;
        found = 0;
    }

    /** The object's translation: the kept one while its resourceVersion is unchanged, else a new one, kept. */
    T translate(S p) {
        ObjectMeta meta = p.getMetadata();
        String version = meta.getResourceVersion();
        Kept<T> k = kept.computeIfAbsent(keyOf.apply(p), key -> new Kept<>());
        if (k.scan != scan) {
            k.scan = scan;
            found++;
        }
        if (k.translation == null || version == null || !version.equals(k.version) || !reusable.test(p)) {
            k.translation = translator.apply(p);
            k.version = version;
        }
        return k.translation;
    }

    /** True when this scan already translated a pod of that key. */
    boolean foundThisScan(String key) {
        Kept<T> k = kept.get(key);
        return k != null && k.scan == scan;
    }

    /** Forgets every translation: what they were made from changed (the config a node's translation reads). */
    void clear() {
        kept.clear();
    }

    /** Ends a scan: the translations of objects it did not find (deleted since the last scan) are dropped. */
    void end() {
        if (kept.size() > found) {
            kept.values().removeIf(k -> k.scan != scan);
        }
    }

    /** True when a pod of that key is held (after {@link #end()}: the last scan found it). */
    boolean holds(String key) {
        return kept.containsKey(key);
    }

    /** How many translations are held. */
    int held() {
        return kept.size();
    }
}
