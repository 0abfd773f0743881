package io.joblane.scaler.lanes;

import io.joblane.model.lanes.FamilyHistory;
import io.joblane.model.lanes.RunTimePredictor;
import io.joblane.model.lanes.RunTimes;
import io.joblane.scaler.plan.ExpectedEnds;
import io.joblane.scaler.plan.NodeEdits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@link LaneEnds} kept across scans, node by node: what was predicted from a node's pods handed as the same
 * {@link LaneNodePods} is taken again unless a family of a pod it could not predict learnt (or forgot) a run since, or
 * a pod without a start makes it depend on the time; a started pod's predicted end is fixed (by uid) while it is
 * handed. The labels and ends are those {@link LaneEnds#of} gives for the same pods, history, time and fixed ends; a
 * scan's ends are looked up pod by pod rather than laid out by uid. Loop thread only.
 */
final class NodeEnds {
    private static final long NONE = LaneEnds.NONE;

    /** The run counter: a derivation is current only if the last run found it so. */
    private long run;
    /**
     * By family, the kept derivations that read its run times: a family that changes marks them stale, so a node whose
     * families did not change costs no look at them. Rebuilt from the current ones when stale entries pile up.
     */
    private final Map<String, List<Derived>> readers = new HashMap<>();

    private int readerEntries;
    /**
     * The started pods' fixed ends by uid ({@link LaneEnds#fixes}); those of pods no longer handed are dropped when
     * the map has doubled since the last drop, or {@link #DROP_EVERY} runs after it (a pod binds once, so one that
     * left is not handed again).
     */
    private Map<String, Long> fixed = new HashMap<>();

    private int fixedAfterDrop;
    private long dropAtRun = DROP_EVERY;
    /** Runs between two drops of fixed ends, so that they follow a shrinking cluster: hours of 10 s scans. */
    static final int DROP_EVERY = 1000;
    /** Where the last run's derivations are, for a run handed edits; null before a run. */
    private Places places;
    /** The last run was handed edits it could use (tests). */
    private boolean patched;

    /** Runs whose edits only changed nodes in place (tests). */
    private int keptInPlace;
    /** Nodes derived afresh in patched runs (tests: what a run did not have to derive again). */
    private long derivations;
    /** How many stale reader entries beyond four per node are let pile up before a rebuild. */
    private final int pruneSlack;

    NodeEnds() {
        this(1024);
    }

    NodeEnds(int pruneSlack) {
        this.pruneSlack = pruneSlack;
    }

    /**
     * What one node's pods gave: each pod's expected end, the node's latest in minutes, and what that depended on.
     * Immutable but for {@link #run}, so a scan's ends stay exact whatever later runs derive.
     */
    static final class Derived {
        final NodeEnds owner;
        final String node;
        final List<LanePod> pods;
        /** Beside {@link #pods}: the expected end, or {@link LaneEnds#NONE}. */
        final long[] ends;
        /** The latest end in minutes, or {@link LaneEnds#NONE}. */
        final long latestMinutes;
        /** The distinct families of the pods whose ends are not fixed: their run times may change the ends. */
        final String[] families;
        /** A pod without a start was predicted from now. */
        final boolean timeDependent;
        /** The last run that found it current. */
        long run;
        /** A family it read changed since. */
        boolean stale;
        /** The label text last found to be {@link #latestMinutes}, so an unchanged label is not parsed again. */
        String labelSeen;
        /** Its node's slot while it is that node's current derivation ({@link Places}); -1 before one. */
        int slot = -1;
        /** The mark of the run whose list no longer held it at an untouched place ({@link Places#wentFrom}). */
        Object went;

        private Derived(
                NodeEnds owner,
                String node,
                List<LanePod> pods,
                long[] ends,
                long latestMinutes,
                String[] families,
                boolean timeDependent) {
            this.owner = owner;
            this.node = node;
            this.pods = pods;
            this.ends = ends;
            this.latestMinutes = latestMinutes;
            this.families = families;
            this.timeDependent = timeDependent;
        }
    }

    /** How many fixed ends are kept (tests: bounded by the pods handed). */
    int fixedCount() {
        return fixed.size();
    }

    boolean patched() {
        return patched;
    }

    /** Runs patched from edits that changed nodes in place only (tests). */
    int keptInPlace() {
        return keptInPlace;
    }

    long derivations() {
        return derivations;
    }

    /** The slots of the places kept for the next run's edits, 0 without (tests). */
    int placeSlots() {
        return places == null ? 0 : places.slots();
    }

    /** A run's label changes and its expected ends. */
    record Result(List<LaneEnds.Change> changes, ExpectedEnds ends) {}

    /**
     * The label changes for {@code nodes} and the expected ends of the bound pods. With {@code edits} (how
     * {@code nodes} and their pods came from the last run's), only the nodes they touched, those whose families
     * changed, those predicted from now and those whose label still differs are looked at, and what was derived for
     * the others is carried over ({@link Places}: patched in place when the edits moved no node, else copied run by run).
     *
     * @param changed the families whose run times changed since the last run ({@link FamilyHistory#takeChanged}), or
     *                null when any may have
     * @param edits   or null: then every node is looked at
     */
    Result update(
            List<LaneNode> nodes,
            LanePods pods,
            FamilyHistory history,
            Set<String> changed,
            long nowMillis,
            NodeEdits edits) {
        if (pods.ofNodes().size() != nodes.size()) {
            throw new IllegalArgumentException(
                    "pods of " + pods.ofNodes().size() + " node(s) handed for " + nodes.size() + " node(s)");
        }
        run++;
        List<Derived> stale = markStale(changed);
        Places last = places;
        places = null; // a run that fails half way leaves none: the next one looks at every node
        Derived[] carried = broughtOver(last, nodes, changed, edits);
        patched = carried != null;
        Derived[] derived = patched ? carried : new Derived[nodes.size()];
        List<LaneEnds.Change> changes = patched
                ? patch(last, nodes, pods, history, nowMillis, stale, derived)
                : walk(nodes, pods, history, changed != null, nowMillis, derived, edits != null);
        places = patched ? last : places;
        boolean any = places != null ? places.anyEnd() : anyEnd(derived);
        Map<String, Long> others = othersEnds(pods, history, nowMillis);
        if (readerEntries > 4 * derived.length + pruneSlack) {
            prune(derived, pods);
        }
        if (fixed.size() > 2 * fixedAfterDrop + pruneSlack || run >= dropAtRun) {
            dropFixedNotHanded(derived, others);
        }
        return new Result(changes, new Ends(nodes, derived, others, any || !others.isEmpty()));
    }

    /** The last run's derivations brought to {@code nodes} by {@code edits}; null when this run must look at every node. */
    private Derived[] broughtOver(Places last, List<LaneNode> nodes, Set<String> changed, NodeEdits edits) {
        if (changed == null || edits == null || last == null) {
            return null;
        }
        int[] inPlace =
                last.placesChangedOnly(edits, nodes); // most runs: the places follow those, no walk of every place
        if (inPlace != null) {
            keptInPlace++;
            return last.keep(nodes, inPlace);
        }
        int[] was = last.was(edits, nodes);
        return was == null ? null : last.next(nodes, was);
    }

    /**
     * A run that looks at every node: its derivation kept or made afresh, and the label change it needs; with
     * {@code keepPlaces} (the adapter hands edits), where each is kept for the next run's edits.
     */
    private List<LaneEnds.Change> walk(
            List<LaneNode> nodes,
            LanePods pods,
            FamilyHistory history,
            boolean known,
            long nowMillis,
            Derived[] derived,
            boolean keepPlaces) {
        boolean[] differs = new boolean[derived.length];
        List<LaneEnds.Change> changes = new ArrayList<>();
        for (int i = 0; i < derived.length; i++) {
            LaneNode n = nodes.get(i);
            Derived d = kept(n.name(), pods.ofNodes().get(i), history, known, nowMillis);
            derived[i] = d;
            LaneEnds.Change change = change(n, d);
            if (change != null) {
                changes.add(change);
                differs[i] = true;
            }
        }
        places = keepPlaces ? Places.after(nodes, derived, pods, differs) : null;
        return changes;
    }

    /** The expected ends of the bound pods handed apart from the nodes (on nodes not listed), by uid. */
    private Map<String, Long> othersEnds(LanePods pods, FamilyHistory history, long nowMillis) {
        Map<String, Long> others = Map.of();
        for (LanePod p : pods.others()) {
            long end = p.bound() && p.node() != null ? end(p, history, nowMillis) : NONE;
            if (end != NONE) {
                others = others.isEmpty() ? new HashMap<>() : others;
                others.put(p.uid(), end);
            }
        }
        return others;
    }

    /** The pod's fixed end, else its prediction (fixed when {@link LaneEnds#fixes} says so). */
    private long end(LanePod p, FamilyHistory history, long nowMillis) {
        Long kept = fixed.get(p.uid());
        return kept != null ? kept : predicted(p, history.get(p.family()), nowMillis);
    }

    private long predicted(LanePod p, RunTimes family, long nowMillis) {
        long end = LaneEnds.expectedEnd(p, family, nowMillis);
        if (LaneEnds.fixes(p, end)) {
            fixed.put(p.uid(), end);
        }
        return end;
    }

    /** Keeps the fixed ends of the pods this run was handed bound: a pod's uid is never handed again once gone. */
    private void dropFixedNotHanded(Derived[] derived, Map<String, Long> others) {
        Map<String, Long> handed = new HashMap<>(fixed.size() * 2 / 3 + 1);
        for (Derived d : derived) {
            for (LanePod p : d.pods) {
                Long end = fixed.get(p.uid());
                if (end != null) {
                    handed.put(p.uid(), end);
                }
            }
        }
        for (String uid : others.keySet()) {
            Long end = fixed.get(uid);
            if (end != null) {
                handed.put(uid, end);
            }
        }
        fixed = handed; // a new map, not the old one cleared: its table would stay at the largest size it grew to
        fixedAfterDrop = fixed.size();
        dropAtRun = run + DROP_EVERY;
    }

    private static boolean anyEnd(Derived[] derived) {
        for (Derived d : derived) {
            if (d.latestMinutes != NONE) {
                return true;
            }
        }
        return false;
    }

    /**
     * Marks the derivations that read a changed family, and returns them; with {@code changed} null, all are derived
     * again.
     */
    private List<Derived> markStale(Set<String> changed) {
        if (changed == null) {
            readers.clear();
            readerEntries = 0;
            return List.of();
        }
        List<Derived> marked = new ArrayList<>();
        for (String f : changed) {
            List<Derived> stale = readers.remove(f);
            if (stale != null) {
                stale.forEach(d -> d.stale = true);
                marked.addAll(stale);
                readerEntries -= stale.size();
            }
        }
        return marked;
    }

    /**
     * The edited run: {@code derived} holds the last run's derivations at the untouched places (copied by
     * {@link Places#keep} or {@link Places#next}); derives the touched places, those whose families changed and those that must be derived at
     * every run, and answers the label changes, in node order, of these and of the places whose label still differed.
     */
    private List<LaneEnds.Change> patch(
            Places at,
            List<LaneNode> nodes,
            LanePods pods,
            FamilyHistory history,
            long nowMillis,
            List<Derived> stale,
            Derived[] derived) {
        boolean[] looked = new boolean[derived.length];
        for (int i : at.fresh()) {
            String node = nodes.get(i).name();
            List<LanePod> onNode = pods.ofNodes().get(i);
            Derived d = onNode instanceof LaneNodePods k ? k.derived : null;
            place(i, movedCurrent(at, d, node) ? d : derived(node, onNode, history, nowMillis), derived, looked);
        }
        int[] everyRun = at.everyRun();
        int[] again = new int[stale.size() + everyRun.length]; // stale derivations' places, then every run's
        for (int k = 0; k < stale.size(); k++) {
            again[k] = at.placeOf(stale.get(k), derived);
        }
        System.arraycopy(everyRun, 0, again, stale.size(), everyRun.length);
        for (int i : again) {
            if (i >= 0 && !looked[i]) {
                Derived d = derived(nodes.get(i).name(), pods.ofNodes().get(i), history, nowMillis);
                place(i, d, derived, looked);
            }
        }
        for (int i : at.differing()) {
            if (!looked[i]) {
                place(i, derived[i], derived, looked);
            }
        }
        List<LaneEnds.Change> changes = new ArrayList<>();
        for (int i = 0; i < looked.length; i++) { // in node order: a walk over flags, not a sort of boxed places
            if (!looked[i]) {
                continue;
            }
            LaneEnds.Change change = change(nodes.get(i), derived[i]);
            at.looked(i, derived[i], pods.ofNodes().get(i), change != null);
            if (change != null) {
                changes.add(change);
            }
        }
        return changes;
    }

    /**
     * Whether {@code d}, found on the pods of a node at a place the edits touched, still holds: ours, the last run's
     * derivation of a place no longer carried over (so told of its families' changes since), nothing it read moved.
     */
    private boolean movedCurrent(Places at, Derived d, String node) {
        return d != null && d.owner == this && !d.stale && !d.timeDependent && at.wentFrom(d) && d.node.equals(node);
    }

    /** A derivation made afresh, kept on its pods when they are a {@link LaneNodePods}. */
    private Derived derived(String node, List<LanePod> onNode, FamilyHistory history, long nowMillis) {
        derivations++;
        Derived d = derive(node, onNode, history, nowMillis);
        if (onNode instanceof LaneNodePods k) {
            k.derived = d;
            register(d);
        }
        return d;
    }

    private void place(int i, Derived d, Derived[] derived, boolean[] looked) {
        d.run = run;
        derived[i] = d;
        looked[i] = true;
    }

    /** The node's derivation: the one kept on its pods while it holds, else made afresh (and kept). */
    private Derived kept(String node, List<LanePod> onNode, FamilyHistory history, boolean known, long nowMillis) {
        LaneNodePods kept = onNode instanceof LaneNodePods k ? k : null;
        Derived d = kept == null ? null : kept.derived;
        if (!known || !current(d, node)) {
            d = derive(node, onNode, history, nowMillis);
            if (kept != null) {
                kept.derived = d;
                register(d);
            }
        }
        d.run = run;
        return d;
    }

    /** The label change the node needs, or null. */
    private static LaneEnds.Change change(LaneNode n, Derived d) {
        long end = d.latestMinutes;
        String label = n.laneEnd();
        if (label != null && label == d.labelSeen) {
            return null; // the very text found equal to this end before
        }
        if (end == NONE ? label != null : !LaneEnds.isNumber(label, end)) {
            return new LaneEnds.Change(n.name(), end == NONE ? null : Long.toString(end));
        }
        d.labelSeen = label;
        return null;
    }

    private void register(Derived d) {
        for (String f : d.families) {
            readers.computeIfAbsent(f, k -> new ArrayList<>(2)).add(d);
        }
        readerEntries += d.families.length;
    }

    /** Drops the readers no longer handed: only this run's kept derivations can be current at the next. */
    private void prune(Derived[] derived, LanePods pods) {
        readers.clear();
        readerEntries = 0;
        for (int i = 0; i < derived.length; i++) {
            if (pods.ofNodes().get(i) instanceof LaneNodePods kept && kept.derived == derived[i]) {
                register(derived[i]);
            }
        }
    }

    /** Whether the node's last derivation still holds: ours, current at the last run, nothing it read moved. */
    private boolean current(Derived d, String node) {
        if (d == null || d.owner != this || d.run != run - 1) {
            return false;
        }
        return !d.stale && !d.timeDependent && d.node.equals(node);
    }

    private Derived derive(String node, List<LanePod> pods, FamilyHistory history, long nowMillis) {
        int size = pods.size();
        long[] ends = new long[size];
        long latest = NONE;
        String[] families = new String[Math.min(size, 4)];
        int distinct = 0;
        boolean timeDependent = false;
        String lastFamily = null; // a node's pods are mostly of one family: looked up once per run of it
        RunTimes lastRunTimes = null;
        for (int j = 0; j < size; j++) {
            LanePod p = pods.get(j);
            if (!p.bound() || p.node() == null) {
                ends[j] = NONE;
                continue;
            }
            Long kept = fixed.get(p.uid());
            long end;
            if (kept != null) {
                end = kept;
            } else {
                if (!Objects.equals(p.family(), lastFamily)) { // null: no family, no run times
                    lastFamily = p.family();
                    lastRunTimes = history.get(lastFamily);
                }
                end = predicted(p, lastRunTimes, nowMillis);
            }
            ends[j] = end;
            if (end != NONE) {
                latest = Math.max(latest, RunTimePredictor.minutes(end));
            }
            timeDependent |= p.startMillis() < 0;
            String f = p.family();
            if (f != null && !LaneEnds.fixes(p, end) && !contains(families, distinct, f)) {
                if (distinct == families.length) {
                    families = Arrays.copyOf(families, distinct * 2);
                }
                families[distinct++] = f;
            }
        }
        if (distinct < families.length) {
            families = Arrays.copyOf(families, distinct);
        }
        return new Derived(this, node, pods, ends, latest, families, timeDependent);
    }

    private static boolean contains(String[] families, int count, String family) {
        for (int i = 0; i < count; i++) {
            if (families[i].equals(family)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One run's expected ends: found through the pod's node (a map of the nodes built at the first lookup, as the
     * drain order reads a few nodes' pods), then among the pods bound to nodes not listed.
     */
    private static final class Ends implements ExpectedEnds {
        private final List<LaneNode> nodes;
        private final Derived[] derived;
        private final Map<String, Long> others;
        private final boolean any;
        private Map<String, Derived> byNode;

        Ends(List<LaneNode> nodes, Derived[] derived, Map<String, Long> others, boolean any) {
            this.nodes = nodes;
            this.derived = derived;
            this.others = others;
            this.any = any;
        }

        @Override
        public boolean isEmpty() {
            return !any;
        }

        @Override
        public Instant of(String uid, String node) {
            if (byNode == null) {
                byNode = new HashMap<>(derived.length * 4 / 3 + 1);
                for (int i = 0; i < derived.length; i++) {
                    byNode.putIfAbsent(nodes.get(i).name(), derived[i]);
                }
            }
            Derived d = node == null ? null : byNode.get(node);
            if (d != null) {
                for (int j = d.pods.size() - 1; j >= 0; j--) {
                    if (d.pods.get(j).uid().equals(uid)) {
                        return d.ends[j] == LaneEnds.NONE ? null : Instant.ofEpochMilli(d.ends[j]);
                    }
                }
            }
            Long end = others.get(uid);
            return end == null ? null : Instant.ofEpochMilli(end);
        }
    }
}
