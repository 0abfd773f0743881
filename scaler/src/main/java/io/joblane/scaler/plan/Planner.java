package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pure heart of the scaler: from one group's nodes, pods, DaemonSet overhead and cloud description at one
 * instant, decides scale-out, reclaiming drained nodes, which nodes to drain, and which empty nodes to cordon and
 * terminate. No I/O and no clock of its own; the loop calls it once per group per scan and executes the result.
 * See {@code scaler/DESIGN.md} for the algorithm and its invariants.
 */
public final class Planner {
    private static final String PODS = WellKnown.RESOURCE_PODS;
    /** Capacity of a dimension a node does not report but that is not a hard limit ("pods" when absent). */
    private static final long UNLIMITED = Long.MAX_VALUE / 8;
    /** One pod slot in milli-units of "pods". */
    private static final long POD_SLOT = 1000;

    private Planner() {
    }

    /** Plans one group as if every instance without a node had just been seen without one (the safe side). */
    public static GroupPlan plan(GroupSpec spec, SnapshotIndex index, CloudGroup cloud, Instant now) {
        return plan(spec, index, cloud, now, Map.of());
    }

    /**
     * Plans one group. {@code cloud} is the group's fresh description; the caller skips groups it could not describe.
     * {@code nodelessSince} holds, per instance id, the first scan that saw it without a node; an instance is reported
     * and finally terminated as unregistered by that time, never by its launch time (an old instance whose node just
     * vanished must not be terminated at once). A missing entry counts as "seen now".
     */
    public static GroupPlan plan(GroupSpec spec, SnapshotIndex index, CloudGroup cloud, Instant now,
                                 Map<String, Instant> nodelessSince) {
        return NewNodeShapes.plan(spec, index, cloud, s -> new Pass(s, index, cloud, now, nodelessSince).run());
    }

    /** Node categories, in the order pending pods are offered to them. */
    private enum Kind { FREE, RECLAIMABLE, INCOMING, NEW }

    private static final class Bin {
        final Kind kind;
        final NodeInfo node;
        final String instanceId;
        /** A registered node still missing the template's extended resources: it counts with the template's shape. */
        final boolean uninitialised;

        Bin(Kind kind, NodeInfo node, String instanceId, boolean uninitialised) {
            this.kind = kind;
            this.node = node;
            this.instanceId = instanceId;
            this.uninitialised = uninitialised;
        }
    }

    /** One planning pass; holds the dense vectors so nothing is recomputed between the three steps. */
    private static final class Pass {
        final GroupSpec spec;
        final SnapshotIndex index;
        final CloudGroup cloud;
        final Instant now;
        final List<PlanAction> actions = new ArrayList<>();
        final Map<String, Integer> dimIndex = new HashMap<>();
        final List<String> dimNames = new ArrayList<>();
        final Map<String, CloudInstance> instances = new HashMap<>();
        final Map<String, Instant> nodelessSince;
        final int floor;
        int dims;
        Resources overhead;
        /** TerminateUnregistered actions planned; they lower desired too, so every minimum check counts them. */
        int unregisteredTerminations;
        /** The earliest instant after now at which a delay this pass looked at runs out, or null. */
        Instant nextDeadline;

        Pass(GroupSpec spec, SnapshotIndex index, CloudGroup cloud, Instant now, Map<String, Instant> nodelessSince) {
            this.spec = spec;
            this.index = index;
            this.cloud = cloud;
            this.now = now;
            this.nodelessSince = nodelessSince;
            for (CloudInstance i : cloud.instances()) {
                instances.put(i.id(), i);
            }
            this.floor = Math.max(spec.minNodes(), cloud.min());
        }

        GroupPlan run() {
            List<NodeInfo> nodes = index.nodes(spec.name());
            List<PodInfo> pending = index.pending(spec.name());
            overhead = spec.daemonSetOverhead(index.snapshot().daemonSets());
            overhead = overhead.plus(Resources.ofMillis(Map.of(PODS,
                    POD_SLOT * index.snapshot().daemonSets().stream()
                            .filter(ds -> ds.landsOn(spec.nodeLabels(), spec.taints())).count())));
            Resources shape = learnShape(nodes);
            addDims(shape);
            addDims(overhead);
            dim(PODS);
            for (NodeInfo n : nodes) {
                addDims(n.allocatable());
            }
            for (PodInfo p : pending) {
                addDims(p.requests());
            }

            // --- Classify the group's nodes and the capacity on its way.
            List<Bin> bins = new ArrayList<>();
            Set<String> registered = new HashSet<>();
            int ready = 0;
            int drainingCount = 0;
            int cordonedCount = 0;
            for (NodeInfo n : nodes) {
                if (n.instanceId() != null) {
                    registered.add(n.instanceId());
                }
                if (n.draining() != DrainState.NONE) {
                    drainingCount++;
                }
                if (n.cordonedByJoblane()) {
                    cordonedCount++;
                }
                CloudInstance inst = n.instanceId() == null ? null : instances.get(n.instanceId());
                if (inst != null && !inst.state().isCapacity()) {
                    continue; // leaving: not capacity
                }
                if (n.cordonedByHuman() || n.terminationRequestedAt() != null) {
                    continue; // a human's, or leaving (its termination may already have acted)
                }
                boolean reclaimable = n.cordonedByJoblane() || n.draining() != DrainState.NONE;
                if (inst == null && n.instanceId() != null && reclaimable) {
                    continue; // our own node whose instance is gone from the group: never take it back
                }
                boolean young = n.created() == null || !passed(n.created().plus(spec.registrationTimeout()));
                if (n.ready() && young && !reclaimable && !n.advertisesExtended(spec.shape())) {
                    // Device plugin not up yet: still arriving with the template's resources (as cluster-autoscaler
                    // and Karpenter treat it), or the same GPU pods would order a second node.
                    ready++;
                    bins.add(new Bin(Kind.INCOMING, n, n.instanceId(), true));
                } else if (n.ready()) {
                    ready++;
                    bins.add(new Bin(reclaimable ? Kind.RECLAIMABLE : Kind.FREE, n, n.instanceId(), false));
                } else if (young) {
                    bins.add(new Bin(Kind.INCOMING, n, n.instanceId(), false));
                }
            }
            int capacityInstances = 0;
            List<String> unprotected = new ArrayList<>();
            for (CloudInstance i : cloud.instances()) {
                if (!i.state().isCapacity()) {
                    continue;
                }
                capacityInstances++;
                // Protection only takes effect from InService (AWS refuses it before); Pending ones are asked next scan.
                if (!i.protectedFromScaleIn() && i.state() == LifecycleState.IN_SERVICE) {
                    unprotected.add(i.id());
                }
                if (registered.contains(i.id()) || index.nodeOfInstance(i.id()) != null) {
                    continue;
                }
                Duration age = i.launchTime() == null ? Duration.ZERO : Duration.between(i.launchTime(), now);
                Instant since = nodelessSince.getOrDefault(i.id(), now);
                if (i.launchTime() != null && i.launchTime().isAfter(since)) {
                    since = i.launchTime();
                }
                Duration nodeless = Duration.between(since, now);
                if (age.compareTo(spec.registrationTimeout()) <= 0) {
                    if (i.launchTime() != null) {
                        passed(i.launchTime().plus(spec.registrationTimeout()));
                    }
                    bins.add(new Bin(Kind.INCOMING, null, i.id(), false));
                } else if (!passed(since.plus(spec.registrationTimeout().multipliedBy(2)))) {
                    actions.add(new PlanAction.InstanceUnregistered(i.id(), nodeless,
                            "instance " + i.id() + " has not become a node (none for " + nodeless.toSeconds() + "s)"));
                } else if (cloud.desired() - 1 - unregisteredTerminations >= floor) {
                    unregisteredTerminations++;
                    actions.add(new PlanAction.TerminateUnregistered(i.id(),
                            "instance " + i.id() + " has had no node for " + nodeless.toSeconds() + "s; it runs nothing"));
                }
            }
            int gap = Math.max(0, cloud.desired() - capacityInstances);
            for (int g = 0; g < gap; g++) {
                bins.add(new Bin(Kind.INCOMING, null, null, false));
            }
            if (!unprotected.isEmpty()) {
                actions.add(new PlanAction.Protect(unprotected, unprotected.size() + " instances lack scale-in protection"));
            }
            if (cloud.zoneRebalancing() && spec.suspendZoneRebalancing()) {
                actions.add(new PlanAction.SuspendZoneRebalancing("the cloud group may terminate busy instances to "
                        + "balance zones"));
            }
            // Stable order: free nodes, then drained ones to take back, then capacity on its way.
            bins.sort(Comparator.comparing(b -> b.kind));
            int launching = (int) bins.stream().filter(b -> b.kind == Kind.INCOMING).count();

            // --- Step 1: scale out.
            long[] template = new long[dims];
            capacityVector(shape, template);
            long[] ov = vector(overhead);
            for (int d = 0; d < dims; d++) {
                template[d] = template[d] - ov[d];
            }
            int existing = bins.size();
            int capacity = existing + pending.size();
            FitTree tree = new FitTree(dims, capacity);
            long[] scratch = new long[dims];
            long[] freeAll = new long[existing * dims];
            for (int b = 0; b < existing; b++) {
                Bin bin = bins.get(b);
                if (bin.node == null) {
                    System.arraycopy(template, 0, freeAll, b * dims, dims);
                } else if (bin.uninitialised) {
                    System.arraycopy(template, 0, scratch, 0, dims);
                    subtractBound(bin.node, scratch);
                    System.arraycopy(scratch, 0, freeAll, b * dims, dims);
                } else {
                    freeVector(bin.node, ov, scratch);
                    System.arraycopy(scratch, 0, freeAll, b * dims, dims);
                }
                tree.set(b, freeAll, b * dims);
            }
            long[] demands = new long[pending.size() * dims];
            double[] size = new double[pending.size()];
            for (int p = 0; p < pending.size(); p++) {
                demandInto(pending.get(p).requests(), demands, p * dims);
                double share = 0;
                for (int d = 0; d < dims; d++) {
                    long cap = template[d] > 0 ? template[d] : 1;
                    share = Math.max(share, (double) demands[p * dims + d] / cap);
                }
                size[p] = share;
            }
            int[] order = largestFirst(pending, demands, size);
            long[] minDemand = new long[dims];
            Arrays.fill(minDemand, pending.isEmpty() ? 0 : Long.MAX_VALUE);
            for (int i = 0; i < demands.length; i++) {
                minDemand[i % dims] = Math.min(minDemand[i % dims], demands[i]);
            }
            boolean templateUsable = fitsTemplate(template);
            List<long[]> emptyShapes = distinctEmptyCapacities(bins, existing, ov, scratch);
            int opened = 0;
            int neverFit = 0;
            int onExisting = 0;
            int onNew = 0;
            boolean[] used = new boolean[existing];
            int maxSize = Math.min(spec.maxNodes(), cloud.max());
            int capLimit = Math.max(0, maxSize - cloud.desired()); // new bins from this index on stay unlaunched
            List<PodInfo> onIncoming = new ArrayList<>();
            List<PodInfo> capped = new ArrayList<>();
            Map<String, NodeInfo> reclaimedByName = new LinkedHashMap<>();
            Set<String> needed = new HashSet<>();
            List<PodInfo> newNodePods = new ArrayList<>();
            int k = 0;
            while (k < order.length) {
                // A run of pods with identical requests: fill each bin found with as many as fit, in one step.
                int first = order[k];
                int off = first * dims;
                int end = k + 1;
                while (end < order.length && Arrays.equals(demands, off, off + dims,
                        demands, order[end] * dims, order[end] * dims + dims)) {
                    end++;
                }
                int next = k;
                int from = 0; // bins left of the last one used were too small for this run and only shrank
                while (next < end) {
                    int bin = tree.findFirst(demands, off, from);
                    if (bin < 0) {
                        if (!templateUsable || !covers(template, 0, demands, off)) {
                            boolean fitsSomeEmpty = fitsAny(emptyShapes, demands, off);
                            for (int r = next; r < end; r++) {
                                if (!fitsSomeEmpty) {
                                    neverFit++;
                                    PodInfo pod = pending.get(order[r]);
                                    actions.add(new PlanAction.PodNeverFits(pod, "requests " + pod.requests()
                                            + " exceed an empty node of group " + spec.name() + " (" + shape
                                            + " minus DaemonSet overhead " + overhead + ")"));
                                }
                                // else: fits only a node that is busy now, and waits for it
                            }
                            break;
                        }
                        bin = existing + opened;
                        opened++;
                        tree.set(bin, template, 0);
                    }
                    from = bin;
                    int n = (int) Math.min(end - next, tree.fitCount(bin, demands, off));
                    tree.take(bin, demands, off, n);
                    tree.closeIfBelow(bin, minDemand); // full bins leave the search for good
                    if (bin < existing) {
                        used[bin] = true;
                        onExisting += n;
                        Bin b = bins.get(bin);
                        if (b.kind == Kind.INCOMING) {
                            examples(pending, order, next, n, onIncoming);
                        }
                        if (b.node != null) {
                            needed.add(b.node.name());
                            if (b.kind == Kind.RECLAIMABLE) {
                                reclaimedByName.put(b.node.name(), b.node);
                            }
                        }
                    } else {
                        onNew += n;
                        examples(pending, order, next, n, bin - existing >= capLimit ? capped : newNodePods);
                    }
                    next += n;
                }
                k = end;
            }
            for (NodeInfo n : reclaimedByName.values()) {
                actions.add(new PlanAction.Reclaim(n.name(), "waiting pods of group " + spec.name() + " fit on it"));
            }
            if (!onIncoming.isEmpty()) {
                actions.add(new PlanAction.PodsWaiting(PlanAction.WaitReason.CAPACITY_COMING, onIncoming,
                        "capacity already on its way in node group " + spec.name() + " will take it"));
            }
            if (!capped.isEmpty()) {
                actions.add(new PlanAction.PodsWaiting(PlanAction.WaitReason.AT_MAX, capped,
                        "node group " + spec.name() + " is at its maximum of " + maxSize + " node(s)"));
            }
            int target = Math.min(maxSize, cloud.desired() + opened);
            target = Math.max(target, Math.min(maxSize, floor));
            if (target > cloud.desired()) {
                actions.add(new PlanAction.ScaleUp(cloud.desired(), target, onNew, newNodePods,
                        opened > 0
                                ? opened + " new node(s) for " + onNew
                                        + " waiting pod(s)" + (cloud.desired() + opened > maxSize ? ", capped at max " + maxSize : "")
                                : "raising to the group minimum " + floor));
            }
            int unusedGap = 0;
            for (int b = 0; b < existing; b++) {
                Bin bin = bins.get(b);
                if (!used[b] && bin.kind == Kind.INCOMING && bin.node == null && bin.instanceId == null) {
                    unusedGap++;
                }
            }
            int keep = Math.max(floor, cloud.desired() - unusedGap);
            if (opened == 0 && keep < cloud.desired()) {
                actions.add(new PlanAction.CancelUnfulfilled(cloud.desired(), keep,
                        unusedGap + " node(s) asked for, never launched, not needed by any waiting pod"));
            }
            boolean growing = opened > 0 || !reclaimedByName.isEmpty();

            // --- Step 2: pack (choose nodes to drain) and step 3: scale in.
            List<PlanAction> drains = growing ? List.of() : pack(bins, existing, tree, needed, drainingCount);
            actions.addAll(drains);
            Set<String> drainingNow = new HashSet<>();
            for (PlanAction a : drains) {
                drainingNow.add(((PlanAction.SetDrain) a).node());
            }
            scaleIn(nodes, needed, drainingNow, cordonedCount);

            return new GroupPlan(spec.name(), actions, cloud.desired(), ready, launching, drainingCount, cordonedCount,
                    pending.size(), onExisting, opened, neverFit, nextDeadline);
        }

        /** {@code !now.isBefore(at)}; while not yet, remembers {@code at} as a deadline. */
        private boolean reached(Instant at) {
            if (!now.isBefore(at)) {
                return true;
            }
            if (nextDeadline == null || at.isBefore(nextDeadline)) {
                nextDeadline = at;
            }
            return false;
        }

        /** {@code now.isAfter(at)}; while not yet, remembers the instant just after {@code at} as a deadline. */
        private boolean passed(Instant at) {
            return reached(at.plusNanos(1));
        }

        /** Picks nodes whose pods would fit on the other nodes, and escalates nudged nodes to committed. */
        private List<PlanAction> pack(List<Bin> bins, int existing, FitTree tree, Set<String> needed, int drainingCount) {
            List<PlanAction> out = new ArrayList<>();
            // Escalate nudges that have lasted the settle delay and were not taken back this scan.
            for (Bin b : bins) {
                NodeInfo n = b.node;
                if (n == null || b.kind != Kind.RECLAIMABLE || n.draining() != DrainState.PREFER_NO_SCHEDULE) {
                    continue;
                }
                if (n.drainingSince() == null) {
                    out.add(new PlanAction.SetDrain(n.name(), DrainState.PREFER_NO_SCHEDULE, "draining timer missing"));
                } else if (reached(n.drainingSince().plus(spec.settleDelay()))) {
                    out.add(new PlanAction.SetDrain(n.name(), DrainState.NO_SCHEDULE,
                            "still not needed after " + spec.settleDelay().toSeconds() + "s of nudging"));
                }
            }
            int budget = spec.maxDraining() - drainingCount;
            List<Bin> active = new ArrayList<>();
            for (int b = 0; b < existing; b++) {
                if (bins.get(b).kind == Kind.FREE && bins.get(b).node.ready()) {
                    active.add(bins.get(b));
                }
            }
            int keepAtLeast = Math.max(floor, 1);
            if (budget <= 0 || active.size() <= keepAtLeast) {
                return out;
            }
            Map<NodeInfo, Integer> binOf = new HashMap<>();
            for (int b = 0; b < existing; b++) {
                if (bins.get(b).node != null) {
                    binOf.put(bins.get(b).node, b);
                }
            }
            // Only busy FREE nodes host the moved pods in this hypothetical: empty ones are about to go.
            for (int b = 0; b < tree.capacity(); b++) {
                if (b >= existing || bins.get(b).kind != Kind.FREE
                        || !needed.contains(bins.get(b).node.name()) && !hasBlocking(bins.get(b).node)) {
                    tree.close(b);
                } else {
                    tree.open(b); // may have been closed as full for the waiting pods; smaller pods may still fit
                }
            }
            List<Candidate> candidates = new ArrayList<>();
            for (Bin b : active) {
                NodeInfo n = b.node;
                if (n.scaleDownDisabled() || needed.contains(n.name()) || b.instanceId == null
                        || !instances.containsKey(b.instanceId)) {
                    continue;
                }
                List<PodInfo> pods = index.boundTo(n.name());
                List<PodInfo> blocking = new ArrayList<>();
                for (PodInfo p : pods) {
                    if (p.blocksScaleIn()) {
                        blocking.add(p);
                    }
                }
                if (blocking.isEmpty()) {
                    continue; // empty nodes go straight to scale-in
                }
                candidates.add(new Candidate(n, blocking));
            }
            candidates.sort(Candidate.ORDER);
            int chosen = 0;
            int remaining = active.size();
            for (Candidate c : candidates) {
                if (chosen >= budget || remaining - 1 < keepAtLeast) {
                    break;
                }
                int self = binOf.get(c.node);
                tree.close(self);
                List<int[]> placed = new ArrayList<>();
                List<long[]> placedDemand = new ArrayList<>();
                boolean fits = true;
                List<PodInfo> sorted = new ArrayList<>(c.blocking);
                sorted.sort(Comparator.comparingLong((PodInfo p) -> -p.requests().get(WellKnown.RESOURCE_CPU)));
                for (PodInfo p : sorted) {
                    long[] dv = new long[dims];
                    demandInto(p.requests(), dv, 0);
                    int target = tree.findFirst(dv, 0);
                    if (target < 0) {
                        fits = false;
                        break;
                    }
                    tree.take(target, dv, 0, 1);
                    placed.add(new int[] {target});
                    placedDemand.add(dv);
                }
                if (fits) {
                    chosen++;
                    remaining--;
                    out.add(new PlanAction.SetDrain(c.node.name(), DrainState.PREFER_NO_SCHEDULE,
                            "its " + c.jobPods + " Job pod(s) would fit on the group's other nodes"));
                } else {
                    for (int k = placed.size() - 1; k >= 0; k--) {
                        tree.take(placed.get(k)[0], placedDemand.get(k), 0, -1);
                    }
                    tree.open(self);
                }
            }
            return out;
        }

        /** Cordons empty unneeded nodes and terminates the scaler's cordoned nodes once settled. */
        private void scaleIn(List<NodeInfo> nodes, Set<String> needed, Set<String> drainingNow, int cordonedCount) {
            int remainingDesired = cloud.desired() - unregisteredTerminations;
            int cordonable = remainingDesired - cordonedCount - floor;
            List<NodeInfo> byAge = new ArrayList<>(nodes);
            // Oldest cordons settle first; then youngest empty nodes are removed first.
            byAge.sort(Comparator.comparing((NodeInfo n) -> n.created() == null ? Instant.EPOCH : n.created()).reversed());
            for (NodeInfo n : byAge) {
                CloudInstance inst = n.instanceId() == null ? null : instances.get(n.instanceId());
                // Decided first: a node whose instance is leaving, or whose termination was asked for, is never
                // reopened (a pod landing there dies with it), only its termination is retried.
                boolean requested = n.terminationRequestedAt() != null;
                boolean stillCapacity = inst != null && inst.state().isCapacity();
                if (requested || inst != null && !stillCapacity) {
                    boolean retry = requested && stillCapacity && n.cordonedByJoblane() && !n.scaleDownDisabled();
                    if (retry && !hasBlocking(n) && remainingDesired - 1 >= floor) {
                        remainingDesired--;
                        actions.add(new PlanAction.Terminate(n.name(), n.instanceId(), "its termination was asked for at "
                                + n.terminationRequestedAt() + " and the instance is still in the group"));
                    }
                    boolean dying = requested || inst.state() == LifecycleState.TERMINATING
                            || inst.state() == LifecycleState.TERMINATED;
                    if (dying && !n.cordoned()) {
                        // A kubelet that joined after its instance began leaving: fence it, or Jobs land and die there.
                        actions.add(new PlanAction.Cordon(n.name(), requested ? "its termination was asked for"
                                : "its instance is leaving the group (" + inst.state() + ")"));
                    }
                    continue;
                }
                if (!n.cordoned() && n.cordonedAt() != null) {
                    actions.add(new PlanAction.ClearCordonMark(n.name(), "not cordoned, but still marked as cordoned by "
                            + "the scaler (uncordoned by hand?)"));
                }
                if (n.cordonedByJoblane() && n.scaleDownDisabled()) {
                    actions.add(new PlanAction.Uncordon(n.name(), "scale-down was disabled on it after it was cordoned"));
                    continue;
                }
                // Never Ready, or NotReady past the registration timeout: not capacity, so remove it once nothing runs there.
                Instant notReadyFrom = n.notReadySince() != null ? n.notReadySince() : n.created();
                boolean broken = !n.ready() && notReadyFrom != null && passed(notReadyFrom.plus(spec.registrationTimeout()));
                if (n.cordonedByHuman() || n.scaleDownDisabled() || !n.ready() && !broken) {
                    continue;
                }
                boolean busy = false;
                for (PodInfo p : index.boundTo(n.name())) {
                    if (p.blocksScaleIn()) {
                        busy = true;
                        break;
                    }
                }
                boolean known = inst != null && inst.state().isCapacity();
                if (n.cordonedByJoblane()) {
                    if (needed.contains(n.name())) {
                        continue; // reclaimed in step 1
                    }
                    if (busy) {
                        actions.add(new PlanAction.Uncordon(n.name(), "a pod was bound to it after it was cordoned"));
                    } else if (!known) {
                        continue; // instance unknown to this cloud group: never terminate, wait for a human
                    } else if (remainingDesired - 1 < floor) {
                        actions.add(new PlanAction.Uncordon(n.name(), "group is at its minimum of " + floor));
                    } else if (n.cordonedAt() != null && reached(n.cordonedAt().plus(spec.settleDelay()))) {
                        remainingDesired--;
                        actions.add(new PlanAction.Terminate(n.name(), n.instanceId(),
                                "empty and unneeded; cordoned " + Duration.between(n.cordonedAt(), now).toSeconds() + "s ago"));
                    }
                    continue;
                }
                if (busy || needed.contains(n.name())) {
                    if (n.unneededSince() != null) {
                        actions.add(new PlanAction.MarkUnneeded(n.name(), null, busy ? "pods run on it again" : "waiting pods need it"));
                    }
                    continue;
                }
                if (!known || n.cordoned()) {
                    continue;
                }
                boolean drained = n.draining() != DrainState.NONE || drainingNow.contains(n.name());
                boolean delayServed = n.unneededSince() != null
                        && reached(n.unneededSince().plus(spec.scaleDownDelay()));
                if ((n.draining() != DrainState.NONE || delayServed || broken) && cordonable > 0) {
                    cordonable--;
                    actions.add(new PlanAction.Cordon(n.name(), broken
                            ? "not Ready for over " + spec.registrationTimeout().toSeconds() + "s and nothing runs on it"
                            : drained ? "drained: no Job runs on it any more"
                            : "empty and unneeded for " + spec.scaleDownDelay().toSeconds() + "s"));
                } else if (n.unneededSince() == null && !drained) {
                    actions.add(new PlanAction.MarkUnneeded(n.name(), now, "no pod runs on it"));
                }
            }
        }

        /** Adds pods {@code from .. from+n} of the packing order to {@code into}, up to the events' example limit. */
        private void examples(List<PodInfo> pending, int[] order, int from, int n, List<PodInfo> into) {
            for (int r = from; r < from + n && into.size() < PlanAction.ScaleUp.MAX_EXAMPLES; r++) {
                into.add(pending.get(order[r]));
            }
        }

        private Resources learnShape(List<NodeInfo> nodes) {
            // The most common allocatable among Ready nodes: new nodes come from the same launch template.
            Map<Resources, Integer> counts = new HashMap<>();
            for (NodeInfo n : nodes) {
                if (n.ready() && !n.allocatable().isZero() && n.advertisesExtended(spec.shape())) {
                    counts.merge(n.allocatable(), 1, Integer::sum);
                }
            }
            return counts.entrySet().stream()
                    .max(Map.Entry.<Resources, Integer>comparingByValue()
                            .thenComparing(e -> -e.getKey().get(WellKnown.RESOURCE_CPU)))
                    .map(Map.Entry::getKey)
                    .orElse(spec.shape());
        }

        private boolean hasBlocking(NodeInfo n) {
            for (PodInfo p : index.boundTo(n.name())) {
                if (p.blocksScaleIn()) {
                    return true;
                }
            }
            return false;
        }

        private boolean fitsTemplate(long[] template) {
            for (long v : template) {
                if (v < 0) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Orders waiting pods largest first (dominant share of a new node), identical requests next to each other so
         * they pack as one run, the oldest waiting first. Sorts packed primitive keys: a comparator over 20,000 boxed
         * indices cost a quarter of the pass.
         */
        private int[] largestFirst(List<PodInfo> pending, long[] demands, double[] size) {
            int n = pending.size();
            Map<ShapeKey, Integer> ids = new HashMap<>();
            int[] shapeOf = new int[n];
            List<Integer> firstOfShape = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                Integer id = ids.putIfAbsent(new ShapeKey(demands, p * dims, dims), ids.size());
                if (id == null) {
                    id = ids.size() - 1;
                    firstOfShape.add(p);
                }
                shapeOf[p] = id;
            }
            Integer[] shapes = new Integer[firstOfShape.size()];
            for (int i = 0; i < shapes.length; i++) {
                shapes[i] = i;
            }
            Arrays.sort(shapes, (a, b) -> {
                int pa = firstOfShape.get(a);
                int pb = firstOfShape.get(b);
                int c = Double.compare(size[pb], size[pa]);
                return c != 0 ? c : Arrays.compare(demands, pa * dims, pa * dims + dims, demands, pb * dims, pb * dims + dims);
            });
            int[] rank = new int[shapes.length];
            for (int r = 0; r < shapes.length; r++) {
                rank[shapes[r]] = r;
            }
            long minSec = Long.MAX_VALUE;
            for (PodInfo p : pending) {
                minSec = Math.min(minSec, p.created() == null ? 0 : p.created().getEpochSecond());
            }
            int[] order = new int[n];
            if (shapes.length < (1 << 16) && n < (1 << 20)) {
                long[] keys = new long[n];
                for (int p = 0; p < n; p++) {
                    Instant created = pending.get(p).created();
                    long age = Math.min((1L << 27) - 1, created == null ? 0 : created.getEpochSecond() - minSec);
                    keys[p] = (long) rank[shapeOf[p]] << 47 | age << 20 | p;
                }
                Arrays.sort(keys);
                for (int i = 0; i < n; i++) {
                    order[i] = (int) (keys[i] & 0xFFFFF);
                }
                return order;
            }
            Integer[] boxed = new Integer[n];
            for (int i = 0; i < n; i++) {
                boxed[i] = i;
            }
            Arrays.sort(boxed, Comparator.<Integer>comparingInt(p -> rank[shapeOf[p]])
                    .thenComparing(p -> pending.get(p).created(), Comparator.nullsFirst(Comparator.naturalOrder())));
            for (int i = 0; i < n; i++) {
                order[i] = boxed[i];
            }
            return order;
        }

        /** The distinct capacities of the group's nodes when empty (minus overhead): usually one or two shapes. */
        private List<long[]> distinctEmptyCapacities(List<Bin> bins, int existing, long[] ov, long[] scratch) {
            List<long[]> out = new ArrayList<>();
            Set<Resources> seen = new HashSet<>();
            for (int b = 0; b < existing; b++) {
                NodeInfo n = bins.get(b).node;
                if (n == null || !seen.add(n.allocatable())) {
                    continue;
                }
                capacityVector(n.allocatable(), scratch);
                long[] v = new long[dims];
                for (int d = 0; d < dims; d++) {
                    v[d] = scratch[d] - ov[d];
                }
                out.add(v);
            }
            return out;
        }

        private boolean fitsAny(List<long[]> capacities, long[] demands, int off) {
            for (long[] c : capacities) {
                if (covers(c, 0, demands, off)) {
                    return true;
                }
            }
            return false;
        }

        private void freeVector(NodeInfo node, long[] ov, long[] out) {
            capacityVector(node.allocatable(), out);
            for (int d = 0; d < dims; d++) {
                out[d] -= ov[d];
            }
            subtractBound(node, out);
        }

        private void subtractBound(NodeInfo node, long[] out) {
            int pods = dimIndex.get(PODS);
            for (PodInfo p : index.boundTo(node.name())) {
                Resources r = p.requests();
                for (int i = 0; i < r.size(); i++) {
                    Integer d = dimIndex.get(r.nameAt(i));
                    if (d != null) {
                        out[d] -= r.millisAt(i);
                    }
                }
                out[pods] -= POD_SLOT;
            }
        }

        private void capacityVector(Resources allocatable, long[] out) {
            Arrays.fill(out, 0);
            for (int i = 0; i < allocatable.size(); i++) {
                out[dimIndex.get(allocatable.nameAt(i))] = allocatable.millisAt(i);
            }
            int pods = dimIndex.get(PODS);
            if (out[pods] == 0) {
                out[pods] = UNLIMITED;
            }
        }

        private long[] vector(Resources r) {
            long[] v = new long[dims];
            for (int i = 0; i < r.size(); i++) {
                v[dimIndex.get(r.nameAt(i))] = r.millisAt(i);
            }
            return v;
        }

        private void demandInto(Resources r, long[] out, int off) {
            for (int i = 0; i < r.size(); i++) {
                Integer d = dimIndex.get(r.nameAt(i));
                if (d != null) {
                    out[off + d] += r.millisAt(i);
                }
            }
            out[off + dimIndex.get(PODS)] += POD_SLOT;
        }

        private void addDims(Resources r) {
            for (int i = 0; i < r.size(); i++) {
                dim(r.nameAt(i));
            }
        }

        private int dim(String name) {
            Integer d = dimIndex.get(name);
            if (d == null) {
                d = dimNames.size();
                dimNames.add(name);
                dimIndex.put(name, d);
                dims = dimNames.size();
            }
            return d;
        }

        private boolean covers(long[] free, int foff, long[] demand, int doff) {
            for (int d = 0; d < dims; d++) {
                if (free[foff + d] < demand[doff + d]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A node that could be emptied, with the keys of the drain order. */
    private record Candidate(NodeInfo node, List<PodInfo> blocking, int jobPods, Instant oldestStart, double share) {
        static final Comparator<Candidate> ORDER = Comparator.comparingInt(Candidate::jobPods)
                .thenComparing(Candidate::oldestStart, Comparator.reverseOrder())
                .thenComparingDouble(Candidate::share)
                .thenComparing(c -> c.node.name());

        Candidate(NodeInfo node, List<PodInfo> blocking) {
            this(node, blocking, (int) blocking.stream().filter(PodInfo::jobPod).count(),
                    blocking.stream().filter(PodInfo::jobPod)
                            .map(p -> p.started() != null ? p.started() : p.created() != null ? p.created() : Instant.EPOCH)
                            .min(Comparator.naturalOrder()).orElse(Instant.EPOCH),
                    share(node, blocking));
        }

        private static double share(NodeInfo node, List<PodInfo> pods) {
            double max = 0;
            Resources alloc = node.allocatable();
            for (int i = 0; i < alloc.size(); i++) {
                long used = 0;
                for (PodInfo p : pods) {
                    used += p.requests().get(alloc.nameAt(i));
                }
                if (alloc.millisAt(i) > 0 && !alloc.nameAt(i).equals(PODS)) {
                    max = Math.max(max, (double) used / alloc.millisAt(i));
                }
            }
            return max;
        }
    }
}
