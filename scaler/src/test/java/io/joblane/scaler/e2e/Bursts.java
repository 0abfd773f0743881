package io.joblane.scaler.e2e;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.joblane.model.WellKnown;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The run that {@code ScalerE2EIT} checks and {@code scaler/demo.sh} shows: Jobs arrive in bursts, the scaler adds
 * nodes for them, more Jobs arrive while it shrinks the group, everything finishes and the group goes back to zero;
 * then once more from zero. Every wait is bounded.
 */
final class Bursts {

    /** Longest wait for any one step (the scaler's start, a scale-in to begin, the group to reach zero). */
    static final Duration STEP_BOUND = Duration.ofSeconds(60);

    private Bursts() {}

    /** Runs the bursts; returns the names of every Job pod submitted. */
    static List<String> run(World world, Consumer<String> say) throws InterruptedException {
        List<String> pods = new ArrayList<>();
        awaitLeader(world, say);

        say.accept("burst 1: 12 Jobs arrive on an empty group");
        pods.addAll(world.submitJobs("a", 12));
        await(
                world,
                "the scaler to start shrinking the group (a node tainted or cordoned)",
                () -> world.shutDown() > 0 || scaleInStarted(world));

        say.accept("burst 2: 6 more Jobs arrive while the group shrinks");
        pods.addAll(world.submitJobs("b", 6));
        awaitDoneAndEmpty(world, say);

        say.accept("burst 3: 4 Jobs arrive on the empty group again");
        pods.addAll(world.submitJobs("c", 4));
        awaitDoneAndEmpty(world, say);
        return pods;
    }

    static void awaitLeader(World world, Consumer<String> say) throws InterruptedException {
        await(world, "the scaler to take the Lease", () -> {
            Lease lease = world.client()
                    .leases()
                    .inNamespace(World.LEASE_NAMESPACE)
                    .withName("joblane-scaler")
                    .get();
            return lease != null && lease.getSpec().getHolderIdentity() != null;
        });
        say.accept("the scaler holds the Lease " + World.LEASE_NAMESPACE + "/joblane-scaler");
    }

    /** Waits for every Job pod of the world, including any submitted meanwhile, to finish, then for zero nodes. */
    static void awaitDoneAndEmpty(World world, Consumer<String> say) throws InterruptedException {
        await(
                world,
                "every Job to finish",
                () -> world.phases().values().stream()
                        .allMatch(phase -> phase.equals("Succeeded") || phase.equals("Failed")));
        say.accept("every Job finished; waiting for the group to shrink to zero");
        await(
                world,
                "the group to go back to zero instances and nodes",
                () -> world.summary().empty());
        say.accept("the group is back to zero: " + world.summary());
    }

    static boolean scaleInStarted(World world) {
        for (Node n : world.client().nodes().list().getItems()) {
            boolean tainted = n.getSpec().getTaints() != null
                    && n.getSpec().getTaints().stream().anyMatch(t -> WellKnown.DRAINING_TAINT.equals(t.getKey()));
            boolean cordonedByScaler = Placement.cordoned(n)
                    && n.getMetadata().getAnnotations() != null
                    && n.getMetadata().getAnnotations().containsKey(World.CORDONED_AT);
            if (tainted || cordonedByScaler) {
                return true;
            }
        }
        return false;
    }

    /** Polls every 200 ms for at most {@link #STEP_BOUND}; fails naming what it waited for and the world's state. */
    static void await(World world, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + STEP_BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            world.checkHealthy();
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "waited " + STEP_BOUND.toSeconds() + " s for " + what + "; now: " + world.summary());
            }
            Thread.sleep(200);
        }
    }
}
