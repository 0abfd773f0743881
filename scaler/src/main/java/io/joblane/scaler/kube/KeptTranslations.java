package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Translations of cached pods kept across scans in one map updated in place: a pod is translated again only when its
 * resourceVersion changed (or it has none, or {@code reusable} refuses), and a scan that found fewer pods than are held
 * drops the others at its {@link #end()}, so memory follows the pods still cached and no map is built per scan. Shared
 * by the planner's ({@link ModelTranslator}) and lanes' ({@link LanePodsByNode}) side of the kube adapter. Pure; loop
 * thread only.
 *
 * @param <T> the translation
 */
final class KeptTranslations<T> {
    private final Function<Pod, String> keyOf;
    private final Predicate<Pod> reusable;
    private final Function<Pod, T> translator;
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
     * @param keyOf      what identifies a pod across scans
     * @param reusable   whether a pod of an unchanged resourceVersion may keep its translation
     * @param translator the translation of a pod
     */
    KeptTranslations(Function<Pod, String> keyOf, Predicate<Pod> reusable, Function<Pod, T> translator) {
        this.keyOf = keyOf;
        this.reusable = reusable;
        this.translator = translator;
    }

    /** The pod's namespace/name. */
    static String name(Pod p) {
        return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    }

    /** The pod's uid, its namespace/name when it has none. */
    static String uid(Pod p) {
        String uid = p.getMetadata().getUid();
        return uid != null ? uid : name(p);
    }

    /** Starts a scan: what the last one found is the kept translations. */
    void begin() {
        scan++;
        found = 0;
    }

    /** The pod's translation: the kept one while its resourceVersion is unchanged, else a new one, kept. */
    T translate(Pod p) {
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

    /** Ends a scan: the translations of pods it did not find (deleted since the last scan) are dropped. */
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
