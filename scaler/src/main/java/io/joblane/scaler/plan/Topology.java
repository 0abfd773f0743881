package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The places of one planning pass (nodes, capacity on its way, new nodes) as constrained pods see them: each with its
 * labels, its zone or the zones it may still get, and the pods on it. Decides whether a constrained pod may go to a
 * place: {@link NodeFit} on the labels, then required pod anti-affinity and topology spread ({@code DoNotSchedule})
 * counted per domain of the {@code topology.kubernetes.io/zone}, {@code kubernetes.io/hostname} or any other label
 * key, among the pods of the pod's own namespace (the API's default), both ways: a pod may not go where a pod already
 * there (or placed in this pass) has a required anti-affinity term selecting it, as kube-scheduler's InterPodAffinity
 * filter also checks existing pods' terms against the incoming pod. A place whose zone is unknown takes the first of
 * the group's zones the pod allows, and keeps it. Pure and single-use; {@link ScaleOut} builds one only when a waiting
 * pod has constraints.
 *
 * @see <a href="https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/">spread</a>
 * @see <a href="https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity">anti-affinity</a>
 */
final class Topology {
    /** The zone of a place whose zone is unknown and cannot be known (the group's zones are not known). */
    static final String UNKNOWN_ZONE = "";

    private static final String ZONE = WellKnown.ZONE_LABEL;
    private static final String HOSTNAME = WellKnown.HOSTNAME_LABEL;

    private final List<String> zoneChoices;
    /** Per place, the zones it may still get while its zone is not chosen. */
    private final List<List<String>> placeChoices = new ArrayList<>();

    private final List<Map<String, String>> labels = new ArrayList<>();
    /** Per place, its zone; null while not chosen. */
    private final List<String> zones = new ArrayList<>();

    private final List<List<PodInfo>> pods = new ArrayList<>();
    private final Map<CountKey, Map<String, Integer>> counts = new HashMap<>();
    /** The pod the spread minima were computed for, and the minima per rule (over the places it may go to). */
    private PodInfo minimaOf;

    private int[] minima;

    /** Pods with required anti-affinity and their places: their terms keep matching pods out of their domains. */
    private final List<PodInfo> repellers = new ArrayList<>();

    private final List<Integer> repellerPlaces = new ArrayList<>();

    private record CountKey(String namespace, PodSelector selector, String topologyKey) {}

    /** {@code zoneChoices}: the zones a new node of the group may get (empty when not known). */
    Topology(List<String> zoneChoices) {
        this.zoneChoices = List.copyOf(zoneChoices);
    }

    /** Adds a place; {@code zone} null when not known yet. Returns its index (places are numbered as bins). */
    int add(Map<String, String> nodeLabels, String zone, List<PodInfo> podsOn) {
        return add(nodeLabels, zone, podsOn, zoneChoices);
    }

    /** Adds a place that may only get one of {@code choices} while its zone is not known (a kind of new node's). */
    int add(Map<String, String> nodeLabels, String zone, List<PodInfo> podsOn, List<String> choices) {
        Map<String, String> l = new LinkedHashMap<>(nodeLabels);
        if (zone == null && choices.size() == 1) {
            zone = choices.get(0);
        }
        if (zone == null) {
            zone = l.get(ZONE);
        } else {
            l.put(ZONE, zone);
        }
        labels.add(l);
        zones.add(zone);
        placeChoices.add(List.copyOf(choices));
        pods.add(new ArrayList<>(podsOn));
        minimaOf = null;
        int place = labels.size() - 1;
        podsOn.forEach(p -> noteRepeller(p, place));
        return place;
    }

    /** Takes back the place just added, on which no pod was put. */
    void removeLast() {
        int last = labels.size() - 1;
        for (int r = repellerPlaces.size() - 1; r >= 0 && repellerPlaces.get(r) == last; r--) {
            repellers.remove(r);
            repellerPlaces.remove(r);
        }
        labels.remove(last);
        zones.remove(last);
        placeChoices.remove(last);
        pods.remove(last);
        minimaOf = null;
    }

    int size() {
        return labels.size();
    }

    /** The place's zone, {@link #UNKNOWN_ZONE}-free: null while unknown. */
    String zoneOf(int place) {
        String z = zones.get(place);
        return z == null || z.equals(UNKNOWN_ZONE) ? null : z;
    }

    /**
     * The zone {@code place} is (or would have to be) in to take {@code pod}: its own zone, or the first of the group's
     * zones that allows the pod, {@link #UNKNOWN_ZONE} when no zone can be known; null when the pod may not go there.
     */
    String admit(PodInfo pod, int place) {
        String zone = zones.get(place);
        if (zone != null) {
            return allowed(pod, place, labels.get(place), zone) ? zone : null;
        }
        List<String> choices = placeChoices.get(place);
        if (choices.isEmpty()) {
            return allowed(pod, place, labels.get(place), UNKNOWN_ZONE) ? UNKNOWN_ZONE : null;
        }
        for (String z : choices) {
            Map<String, String> l = new HashMap<>(labels.get(place));
            l.put(ZONE, z);
            if (allowed(pod, place, l, z)) {
                return z;
            }
        }
        return null;
    }

    /** Puts {@code pod} on {@code place}, fixing the place's zone to {@code zone} (from {@link #admit}). */
    void place(PodInfo pod, int place, String zone) {
        if (zones.get(place) == null && zone != null && !zone.equals(UNKNOWN_ZONE)) {
            zones.set(place, zone);
            labels.get(place).put(ZONE, zone);
            recountZone(place);
        }
        pods.get(place).add(pod);
        noteRepeller(pod, place);
        counts.forEach((key, byDomain) -> {
            if (counts(key, pod)) {
                String d = domain(place, key.topologyKey());
                if (d != null) {
                    byDomain.merge(d, 1, Integer::sum);
                }
            }
        });
        minimaOf = null;
    }

    private boolean allowed(PodInfo pod, int place, Map<String, String> nodeLabels, String zone) {
        PodConstraints c = pod.constraints();
        boolean zoneUnknown = UNKNOWN_ZONE.equals(zone);
        if (!NodeFit.labelsMatch(c, nodeLabels, zoneUnknown)) {
            return false;
        }
        for (PodConstraints.TopologyTerm t : c.antiAffinity()) {
            String d = domainIn(place, t.topologyKey(), nodeLabels, zone);
            if (d != null && count(new CountKey(pod.namespace(), t.selector(), t.topologyKey()), d) > 0) {
                return false;
            }
        }
        return !repelled(pod, place, nodeLabels, zone) && spreadAllows(pod, place, nodeLabels, zone);
    }

    private void noteRepeller(PodInfo pod, int place) {
        if (!pod.constraints().antiAffinity().isEmpty()) {
            repellers.add(pod);
            repellerPlaces.add(place);
        }
    }

    /**
     * Whether a pod on some place has a required anti-affinity term that selects {@code pod} (same namespace) with
     * {@code place} in its domain: the symmetric half of anti-affinity. A domain not known yet (a zone not chosen)
     * counts as another domain.
     */
    private boolean repelled(PodInfo pod, int place, Map<String, String> nodeLabels, String zone) {
        for (int r = 0; r < repellers.size(); r++) {
            PodInfo other = repellers.get(r);
            if (other == pod || !other.namespace().equals(pod.namespace())) {
                continue;
            }
            for (PodConstraints.TopologyTerm t : other.constraints().antiAffinity()) {
                if (!t.selector().matches(pod.labels())) {
                    continue;
                }
                String here = domainIn(place, t.topologyKey(), nodeLabels, zone);
                if (here != null && here.equals(domain(repellerPlaces.get(r), t.topologyKey()))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether the zone of a new node matters to {@code pod}: its own constraints name the zone, or a pod's zone
     * anti-affinity selects it.
     */
    boolean zoneMatters(PodInfo pod) {
        if (pod.constraints().mentionsZone()) {
            return true;
        }
        for (PodInfo other : repellers) {
            if (repels(other, pod, ZONE)) {
                return true;
            }
        }
        return false;
    }

    /** The pods on the bins' nodes and the waiting ones that have required anti-affinity (usually none). */
    static List<PodInfo> antiAffinityHolders(List<Bin> bins, List<PodInfo> pending) {
        List<PodInfo> out = new ArrayList<>();
        for (Bin b : bins) {
            List<PodInfo> holders = b.load().antiAffinityPods(); // kept while the node's pods are
            if (!holders.isEmpty()) {
                out.addAll(holders);
            }
        }
        for (PodInfo p : pending) {
            if (!p.constraints().antiAffinity().isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }

    /** Whether some pod's required anti-affinity term selects {@code pod} (same namespace), wherever it is. */
    static boolean selectedByAntiAffinity(PodInfo pod, List<PodInfo> holders) {
        for (PodInfo other : holders) {
            if (repels(other, pod, null)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether another pod of {@code pod}'s namespace has a required anti-affinity term selecting it, on
     * {@code topologyKey} (null: any key).
     */
    private static boolean repels(PodInfo other, PodInfo pod, String topologyKey) {
        if (other == pod || !other.namespace().equals(pod.namespace())) {
            return false;
        }
        for (PodConstraints.TopologyTerm t : other.constraints().antiAffinity()) {
            if ((topologyKey == null || topologyKey.equals(t.topologyKey()))
                    && t.selector().matches(pod.labels())) {
                return true;
            }
        }
        return false;
    }

    private boolean spreadAllows(PodInfo pod, int place, Map<String, String> nodeLabels, String zone) {
        List<PodConstraints.SpreadRule> rules = pod.constraints().spread();
        if (rules.isEmpty()) {
            return true;
        }
        if (minimaOf != pod) {
            minima = minima(pod);
            minimaOf = pod;
        }
        for (int r = 0; r < rules.size(); r++) {
            PodConstraints.SpreadRule rule = rules.get(r);
            String d = domainIn(place, rule.topologyKey(), nodeLabels, zone);
            if (d == null) {
                if (ZONE.equals(rule.topologyKey()) && UNKNOWN_ZONE.equals(zone)) {
                    continue; // the zone cannot be known: nothing to count against
                }
                return false; // a node without the key is no domain, and the scheduler filters it out
            }
            int here = count(new CountKey(pod.namespace(), rule.selector(), rule.topologyKey()), d);
            if (here + 1 - Math.min(minima[r], here) > rule.maxSkew()) {
                return false;
            }
        }
        return true;
    }

    /** Per spread rule of {@code pod}, the fewest matching pods in a domain of the places whose labels it allows. */
    private int[] minima(PodInfo pod) {
        List<PodConstraints.SpreadRule> rules = pod.constraints().spread();
        int[] min = new int[rules.size()];
        java.util.Arrays.fill(min, Integer.MAX_VALUE);
        for (int p = 0; p < labels.size(); p++) {
            if (!NodeFit.labelsMatch(pod.constraints(), labels.get(p), zones.get(p) == null)) {
                continue;
            }
            for (int r = 0; r < rules.size(); r++) {
                PodConstraints.SpreadRule rule = rules.get(r);
                String d = domain(p, rule.topologyKey());
                if (d != null) {
                    min[r] = Math.min(
                            min[r], count(new CountKey(pod.namespace(), rule.selector(), rule.topologyKey()), d));
                }
            }
        }
        return min;
    }

    /** The place's domain for a topology key, null when it has none (or its zone is not chosen yet). */
    private String domain(int place, String key) {
        return domainIn(place, key, labels.get(place), zones.get(place));
    }

    private static String domainIn(int place, String key, Map<String, String> nodeLabels, String zone) {
        if (HOSTNAME.equals(key)) {
            return "#" + place; // every place is its own host, a new node included
        }
        if (ZONE.equals(key)) {
            return zone == null || zone.equals(UNKNOWN_ZONE) ? null : zone;
        }
        return nodeLabels.get(key);
    }

    private int count(CountKey key, String domain) {
        return counts.computeIfAbsent(key, this::countAll).getOrDefault(domain, 0);
    }

    private Map<String, Integer> countAll(CountKey key) {
        Map<String, Integer> byDomain = new HashMap<>();
        for (int p = 0; p < pods.size(); p++) {
            String d = domain(p, key.topologyKey());
            if (d == null) {
                continue;
            }
            for (PodInfo other : pods.get(p)) {
                if (counts(key, other)) {
                    byDomain.merge(d, 1, Integer::sum);
                }
            }
        }
        return byDomain;
    }

    /** A place whose zone was just chosen: its pods now count in that zone. */
    private void recountZone(int place) {
        counts.forEach((key, byDomain) -> {
            if (ZONE.equals(key.topologyKey())) {
                for (PodInfo other : pods.get(place)) {
                    if (counts(key, other)) {
                        byDomain.merge(zones.get(place), 1, Integer::sum);
                    }
                }
            }
        });
    }

    private static boolean counts(CountKey key, PodInfo other) {
        return key.namespace().equals(other.namespace()) && key.selector().matches(other.labels());
    }
}
