package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.CloudInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Step "cloud hygiene" of the planning pass: keeps the cloud group in the state the other steps rely on. Instances
 * older than the registration timeout without a node are reported, then terminated; instances without scale-in
 * protection get it; zone rebalancing is suspended where the group allows it. Its actions come first in the plan.
 */
final class CloudHygiene {
    private final PassInput in;
    private final List<PlanAction> actions = new ArrayList<>();
    private int unregisteredTerminations;

    private CloudHygiene(PassInput in) {
        this.in = in;
    }

    static CloudHygiene plan(PassInput in) {
        CloudHygiene h = new CloudHygiene(in);
        h.unregisteredInstances();
        h.protect();
        h.zoneRebalancing();
        return h;
    }

    List<PlanAction> actions() {
        return actions;
    }

    /** TerminateUnregistered actions planned; they lower desired too, so every minimum check counts them. */
    int unregisteredTerminations() {
        return unregisteredTerminations;
    }

    private void unregisteredInstances() {
        Duration timeout = in.spec().registrationTimeout();
        Instant now = in.now();
        for (CloudInstance i : in.index().nodeless(in.cloud())) {
            Duration age = i.launchTime() == null ? Duration.ZERO : Duration.between(i.launchTime(), now);
            if (age.compareTo(timeout) <= 0) {
                continue; // still incoming: classified as capacity on its way
            }
            Instant since = in.nodelessSince().getOrDefault(i.id(), now);
            if (i.launchTime() != null && i.launchTime().isAfter(since)) {
                since = i.launchTime();
            }
            Duration nodeless = Duration.between(since, now);
            if (!in.deadlines().passed(since.plus(timeout.multipliedBy(2)))) {
                actions.add(new PlanAction.InstanceUnregistered(
                        i.id(),
                        nodeless,
                        "instance " + i.id() + " has not become a node (none for " + nodeless.toSeconds() + "s)"));
            } else if (in.cloud().desired() - 1 - unregisteredTerminations >= in.floor()) {
                unregisteredTerminations++;
                actions.add(new PlanAction.TerminateUnregistered(
                        i.id(),
                        "instance " + i.id() + " has had no node for " + nodeless.toSeconds() + "s; it runs nothing"));
            }
        }
    }

    private void protect() {
        List<String> unprotected = in.index().unprotectedInService(in.cloud());
        if (!unprotected.isEmpty()) {
            actions.add(
                    new PlanAction.Protect(unprotected, unprotected.size() + " instances lack scale-in protection"));
        }
    }

    /** Describe only reports the rebalancing; suspending it is a write, so it is planned like every other. */
    private void zoneRebalancing() {
        if (in.cloud().zoneRebalancing() && in.spec().suspendZoneRebalancing()) {
            actions.add(new PlanAction.SuspendZoneRebalancing(
                    "the cloud group may terminate busy instances to " + "balance zones"));
        }
    }
}
