package io.joblane.simulator.cluster;

import io.joblane.model.lanes.LaneTerm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The scheduler's pick for a pod that nodes of one load do not all score alike: one with a preferred term (a lane,
 * on-demand capacity) or a zone. {@link #scanEveryNode} is the scan of every node in node order; {@link #pick} makes
 * the same choice and the same draw from the load buckets that fit the pod, most often one of a dozen: a node's score
 * depends only on its bucket and the weight of the pod's terms it matches, so the nodes fall into a few classes of
 * equal score. When the best class is not strictly above every other (two classes the scheduler's comparison finds
 * equal and yet unequal to a third, as rounding can make them), it hands over to the scan. Single-threaded; reuses
 * its arrays across picks.
 */
final class NodeScan {
    private final SimCluster.Scoring scoring;
    private final SplittableRandom random;

    /** The feasible nodes of a pick in progress and their summed preferred-term weights, reused across picks. */
    private final Feasible feasible = new Feasible();

    private int[] affinities = new int[64];
    /** The scan's positions in {@link #feasible} of the best nodes so far; the pick's class of each feasible node. */
    private int[] marks = new int[64];

    /** The pick's fitting buckets with feasible nodes, and where each one's nodes end in {@link #feasible}. */
    private LoadBuckets.Bucket[] segmentBucket = new LoadBuckets.Bucket[8];

    private int[] segmentEnd = new int[8];
    /** The pick's classes of a bucket and a weight: the weight, the points and fit, and whether among the best. */
    private int[] classAffinity = new int[16];

    private int[] classPoints = new int[16];
    private double[] classFit = new double[16];
    private boolean[] classBest = new boolean[16];
    /** A pick by lane ends: how many nodes each class has, and where each segment's classes end. */
    private int[] classCount = new int[16];

    private int[] segmentClassEnd = new int[8];
    /**
     * The class of each weight among the segment's classes in progress, -1 for none: a pick by lane ends classes
     * thousands of nodes, and a search of the classes per node was its largest cost. Emptied after each segment.
     */
    private int[] classOfWeight = emptyClassTable(64);
    /** The highest summed weight over the feasible nodes of the pick in progress. */
    private int maxAffinity;
    /** The best nodes of a pick whose best classes lie in several buckets, sorted into node order. */
    private final List<SimNode> ties = new ArrayList<>();
    /** Picks whose classes were inconsistent, so the scan decided: tests show that path is reached and agrees. */
    int handedToScan;

    NodeScan(SimCluster.Scoring scoring, SplittableRandom random) {
        this.scoring = scoring;
        this.random = random;
    }

    /**
     * The scan of every node in node order, scoring as the profile does ({@link ScorePlugins}: the TaintToleration and
     * NodeAffinity points, then NodeResourcesFit). NodeAffinity is normalised over the feasible nodes, so a first pass
     * finds those and their highest sum of matched weights.
     */
    SimNode scanEveryNode(SimPod pod, Collection<SimNode> nodes) {
        feasible.clear();
        int maxAffinity = 0;
        LaneTerm.Bounds lane = pod.lane == null ? null : pod.lane.bounds();
        for (SimNode n : nodes) {
            if (n.acceptsPods() && n.fits(pod) && SimCluster.inZone(pod, n)) {
                int a = affinity(pod, lane, n);
                addFeasible(n, a);
                maxAffinity = Math.max(maxAffinity, a);
            }
        }
        // The best nodes as positions in feasible, in node order: a list of thousands of tied empty nodes would be
        // cleared again for every pod.
        int tied = 0;
        int bestPoints = -1;
        double bestScore = -1;
        for (int i = 0; i < feasible.size(); i++) {
            SimNode n = feasible.get(i);
            int points =
                    ScorePlugins.points(n.drainTaint == SimNode.Taint.PREFER_NO_SCHEDULE, affinities[i], maxAffinity);
            double score = SimCluster.score(scoring, n, pod);
            int order = tied == 0 ? 1 : ScorePlugins.compare(points, score, bestPoints, bestScore);
            if (order > 0) {
                tied = 0;
                bestPoints = points;
                bestScore = score;
            }
            if (order >= 0) {
                marks[tied++] = i;
            }
        }
        return tied == 0 ? null : feasible.get(marks[tied == 1 ? 0 : random.nextInt(tied)]);
    }

    /**
     * {@link #scanEveryNode}'s choice and draw, from the buckets that fit the pod. The scan keeps the first node of
     * the best score met and adds every later node that compares equal to it; so when the best class compares above
     * every class outside it and equal to every class in it, the scan's ties are exactly the nodes of those classes,
     * in node order, whatever came before. Otherwise the scan decides.
     */
    SimNode pick(SimPod pod, Collection<SimNode> nodes, List<LoadBuckets.Bucket> buckets) {
        if (pod.zone == null && !pod.prefersOnDemand && pod.lane != null) {
            return pickByLaneEnds(pod, pod.lane.bounds(), nodes, buckets);
        }
        int segments = gather(pod, buckets);
        if (feasible.isEmpty()) {
            return null;
        }
        int classes = classify(pod, segments, maxAffinity);
        if (!markBest(classes)) {
            handedToScan++;
            return scanEveryNode(pod, nodes);
        }
        return draw(segments);
    }

    /**
     * Puts the feasible nodes of the fitting buckets in {@link #feasible}, bucket by bucket (each a segment, in node
     * order), with their weights, and their highest weight in {@link #maxAffinity}; returns how many segments.
     */
    private int gather(SimPod pod, List<LoadBuckets.Bucket> buckets) {
        feasible.clear();
        maxAffinity = 0;
        int segments = 0;
        LaneTerm.Bounds lane = pod.lane == null ? null : pod.lane.bounds();
        for (LoadBuckets.Bucket b : buckets) {
            if (!b.fits(pod)) {
                continue;
            }
            int start = feasible.size();
            for (SimNode n : b.nodes) {
                if (SimCluster.inZone(pod, n)) {
                    int a = affinity(pod, lane, n);
                    addFeasible(n, a);
                    maxAffinity = Math.max(maxAffinity, a);
                }
            }
            if (feasible.size() > start) {
                growSegments(segments);
                segmentBucket[segments] = b;
                segmentEnd[segments++] = feasible.size();
            }
        }
        return segments;
    }

    /**
     * {@link #pick} for a pod whose one preferred term is a lane (every node of a fitting bucket is feasible, and its
     * weight comes from the lane end its run keeps beside it): the nodes of each bucket are counted by class, not
     * copied, since such a pick reads thousands of nodes; the draw walks the chosen bucket's run again up to its node,
     * or collects the best nodes of every bucket when they lie in several. Same classes, draw and node as {@link
     * #pick}'s general way.
     */
    private SimNode pickByLaneEnds(
            SimPod pod, LaneTerm.Bounds lane, Collection<SimNode> nodes, List<LoadBuckets.Bucket> buckets) {
        int segments = countByLaneEnds(pod, lane, buckets);
        if (segments == 0) {
            return null;
        }
        int classes = segmentClassEnd[segments - 1];
        int highest = 0;
        for (int c = 0; c < classes; c++) {
            highest = Math.max(highest, classAffinity[c]);
        }
        for (int s = 0, c = 0; s < segments; s++) {
            LoadBuckets.Bucket b = segmentBucket[s];
            double fit = SimCluster.score(scoring, b.shape, b.cpu, b.memory, pod);
            for (; c < segmentClassEnd[s]; c++) {
                classPoints[c] = ScorePlugins.points(b.preferNot, classAffinity[c], highest);
                classFit[c] = fit;
            }
        }
        if (!markBest(classes)) {
            handedToScan++;
            return scanEveryNode(pod, nodes);
        }
        return drawByLaneEnds(lane, segments);
    }

    /**
     * Counts the nodes of each fitting bucket by lane weight into classes (a bucket's, in the order first met), with
     * where each segment's classes end in {@link #segmentClassEnd}; returns how many segments.
     */
    private int countByLaneEnds(SimPod pod, LaneTerm.Bounds lane, List<LoadBuckets.Bucket> buckets) {
        int classes = 0;
        int segments = 0;
        for (LoadBuckets.Bucket b : buckets) {
            if (!b.fits(pod)) {
                continue;
            }
            int first = classes;
            NodeRun run = b.nodes;
            long lastEnd = 0;
            int lastClass = -1; // neighbours in node order often share a lane end (or have none): classed once
            for (int k = 0; k < run.pageCount(); k++) {
                long[] ends = run.pageLaneEnds(k);
                for (long slots = run.pageBits(k); slots != 0; slots &= slots - 1) {
                    long end = ends[Long.numberOfTrailingZeros(slots)];
                    if (end != lastEnd || lastClass < 0) {
                        int a = lane.weightOn(end);
                        lastClass = classOf(a);
                        if (lastClass < 0) {
                            lastClass = classes++;
                            openClass(lastClass, a);
                            classCount[lastClass] = 0;
                        }
                        lastEnd = end;
                    }
                    classCount[lastClass]++;
                }
            }
            forgetClasses(first, classes);
            if (classes > first) {
                growSegments(segments);
                segmentBucket[segments] = b;
                segmentClassEnd[segments++] = classes;
            }
        }
        return segments;
    }

    /** The scan's draw among the nodes of the best classes, in node order, from the counts. */
    private SimNode drawByLaneEnds(LaneTerm.Bounds lane, int segments) {
        int tied = 0;
        int firstSegment = -1;
        boolean oneSegment = true;
        for (int s = 0, c = 0; s < segments; s++) {
            for (; c < segmentClassEnd[s]; c++) {
                if (classBest[c]) {
                    tied += classCount[c];
                    oneSegment &= firstSegment < 0 || firstSegment == s;
                    firstSegment = firstSegment < 0 ? s : firstSegment;
                }
            }
        }
        int chosen = tied == 1 ? 0 : random.nextInt(tied);
        if (oneSegment) {
            return bestOfSegment(lane, firstSegment, chosen, null);
        }
        ties.clear();
        for (int s = 0; s < segments; s++) {
            bestOfSegment(lane, s, -1, ties);
        }
        ties.sort(LoadBuckets.NODE_ORDER);
        return ties.get(chosen);
    }

    /**
     * Walks segment {@code s}'s run in node order over its nodes of a best class: returns the {@code chosen}th, or
     * with {@code chosen} -1 adds them all to {@code into} and returns null.
     */
    private SimNode bestOfSegment(LaneTerm.Bounds lane, int s, int chosen, List<SimNode> into) {
        int first = s == 0 ? 0 : segmentClassEnd[s - 1];
        int end = segmentClassEnd[s];
        NodeRun run = segmentBucket[s].nodes;
        for (int c = first; c < end; c++) {
            classOfWeight[classAffinity[c]] = c;
        }
        try {
            for (int k = 0; k < run.pageCount(); k++) {
                SimNode[] pageNodes = run.pageNodes(k);
                long[] ends = run.pageLaneEnds(k);
                for (long slots = run.pageBits(k); slots != 0; slots &= slots - 1) {
                    int i = Long.numberOfTrailingZeros(slots);
                    int a = lane.weightOn(ends[i]);
                    int c = classOf(a);
                    if (c < 0) {
                        throw new IllegalStateException("segment " + s + " has a weight its count did not meet: " + a);
                    }
                    if (!classBest[c]) {
                        continue;
                    }
                    if (into != null) {
                        into.add(pageNodes[i]);
                    } else if (chosen-- == 0) {
                        return pageNodes[i];
                    }
                }
            }
        } finally {
            forgetClasses(first, end);
        }
        if (into == null) {
            throw new IllegalStateException("segment " + s + " has fewer best nodes than were counted");
        }
        return null;
    }

    /** One draw among the nodes of the best classes, in node order: the scan's draw over its ties. */
    private SimNode draw(int segments) {
        int tied = 0;
        int firstSegment = -1;
        boolean oneSegment = true;
        for (int s = 0, i = 0; s < segments; s++) {
            for (; i < segmentEnd[s]; i++) {
                if (classBest[marks[i]]) {
                    tied++;
                    oneSegment &= firstSegment < 0 || firstSegment == s;
                    firstSegment = firstSegment < 0 ? s : firstSegment;
                }
            }
        }
        int chosen = tied == 1 ? 0 : random.nextInt(tied);
        if (oneSegment) {
            for (int i = firstSegment == 0 ? 0 : segmentEnd[firstSegment - 1]; ; i++) {
                if (classBest[marks[i]] && chosen-- == 0) {
                    return feasible.get(i); // a bucket's nodes are in node order
                }
            }
        }
        ties.clear();
        for (int i = 0; i < feasible.size(); i++) {
            if (classBest[marks[i]]) {
                ties.add(feasible.get(i));
            }
        }
        ties.sort(LoadBuckets.NODE_ORDER);
        return ties.get(chosen);
    }

    /** Puts each feasible node's class in {@link #marks}: its bucket's segment and its weight; returns how many. */
    private int classify(SimPod pod, int segments, int maxAffinity) {
        int classes = 0;
        for (int s = 0, i = 0; s < segments; s++) {
            LoadBuckets.Bucket b = segmentBucket[s];
            int first = classes;
            double fit = SimCluster.score(scoring, b.shape, b.cpu, b.memory, pod);
            for (; i < segmentEnd[s]; i++) {
                int a = affinities[i];
                int c = classOf(a);
                if (c < 0) {
                    c = classes++;
                    openClass(c, a);
                    classPoints[c] = ScorePlugins.points(b.preferNot, a, maxAffinity);
                    classFit[c] = fit;
                }
                marks[i] = c;
            }
            forgetClasses(first, classes);
        }
        return classes;
    }

    /**
     * Marks the best classes: those comparing equal to the highest found. False when they do not all compare equal to
     * one another, or one of them does not compare above every other class: then the scan's ties depend on the order
     * it meets the nodes.
     */
    private boolean markBest(int classes) {
        int top = 0;
        for (int c = 1; c < classes; c++) {
            if (compare(c, top) > 0) {
                top = c;
            }
        }
        for (int c = 0; c < classes; c++) {
            classBest[c] = compare(c, top) == 0;
        }
        for (int t = 0; t < classes; t++) {
            if (!classBest[t]) {
                continue;
            }
            for (int c = 0; c < classes; c++) {
                int order = compare(t, c);
                if (classBest[c] ? order != 0 : order <= 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private int compare(int a, int b) {
        return ScorePlugins.compare(classPoints[a], classFit[a], classPoints[b], classFit[b]);
    }

    private void addFeasible(SimNode n, int a) {
        if (feasible.size() == affinities.length) {
            affinities = Arrays.copyOf(affinities, affinities.length * 2);
            marks = new int[affinities.length];
        }
        affinities[feasible.size()] = a;
        feasible.add(n);
    }

    /** The class of weight {@code a} in the segment in progress, or -1 when it has none yet (room made for it). */
    private int classOf(int a) {
        if (a >= classOfWeight.length) {
            int[] grown = emptyClassTable(Math.max(a + 1, classOfWeight.length * 2));
            System.arraycopy(classOfWeight, 0, grown, 0, classOfWeight.length);
            classOfWeight = grown;
        }
        return classOfWeight[a];
    }

    /** Empties the class table of the segment's classes {@code [first, end)}, for the next segment. */
    private void forgetClasses(int first, int end) {
        for (int c = first; c < end; c++) {
            classOfWeight[classAffinity[c]] = -1;
        }
    }

    private static int[] emptyClassTable(int size) {
        int[] table = new int[size];
        Arrays.fill(table, -1);
        return table;
    }

    /** Opens class {@code c} (the next one) for weight {@code a}, in the segment's table ({@link #classOf} made room). */
    private void openClass(int c, int a) {
        if (c == classAffinity.length) {
            growClasses();
        }
        classAffinity[c] = a;
        classOfWeight[a] = c;
    }

    /** Room for segment {@code segments} in every segment array. */
    private void growSegments(int segments) {
        if (segments == segmentBucket.length) {
            segmentBucket = Arrays.copyOf(segmentBucket, segments * 2);
            segmentEnd = Arrays.copyOf(segmentEnd, segments * 2);
            segmentClassEnd = Arrays.copyOf(segmentClassEnd, segments * 2);
        }
    }

    private void growClasses() {
        int n = classAffinity.length * 2;
        classAffinity = Arrays.copyOf(classAffinity, n);
        classPoints = Arrays.copyOf(classPoints, n);
        classFit = Arrays.copyOf(classFit, n);
        classBest = Arrays.copyOf(classBest, n);
        classCount = Arrays.copyOf(classCount, n);
    }

    /** The weights of the pod's preferred node-affinity terms that {@code node} matches. */
    private static int affinity(SimPod pod, LaneTerm.Bounds lane, SimNode node) {
        return (lane == null ? 0 : lane.weightOn(node.laneEndMinutes))
                + (pod.prefersOnDemand && !node.spot ? ScorePlugins.ON_DEMAND_WEIGHT : 0);
    }

    /**
     * A list that a clear empties without writing its slots: a pick gathers thousands of nodes, and clearing an
     * {@link ArrayList} writes each slot again. Its slots hold nodes of earlier picks until overwritten.
     */
    private static final class Feasible {
        private SimNode[] nodes = new SimNode[64];
        private int size;

        void clear() {
            size = 0;
        }

        void add(SimNode n) {
            if (size == nodes.length) {
                nodes = Arrays.copyOf(nodes, size * 2);
            }
            nodes[size++] = n;
        }

        SimNode get(int i) {
            return nodes[i];
        }

        int size() {
            return size;
        }

        boolean isEmpty() {
            return size == 0;
        }
    }
}
