package io.joblane.scaler.cloud.aws;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@link FakeAutoScalingServer} as a world outside this package drives it (the end-to-end test and the demo):
 * the server runs on real time, and the world moves instances through their lifecycle (Pending to InService,
 * Terminating to Terminated and gone) as EC2 would.
 */
public final class LocalAutoScaling implements AutoCloseable {

    /** One instance as the API would describe it now. */
    public record InstanceView(String id, String zone, String state, boolean protectedFromScaleIn) {}

    /** One request: the action and its parameters except Action and Version. */
    public record Request(String action, Map<String, String> params) {}

    private final FakeAutoScalingServer fake;

    public LocalAutoScaling() throws IOException {
        fake = new FakeAutoScalingServer();
        fake.now(Instant.now());
        beforeAnswer(request -> {});
    }

    public URI endpoint() {
        return fake.endpoint();
    }

    /** A group with desired 0 whose new instances start protected from scale-in, as AWS.md asks. */
    public void addGroup(String name, int min, int max) {
        synchronized (fake) {
            fake.addGroup(name, min, max, 0).newInstancesProtected = true;
        }
    }

    public List<InstanceView> instances(String group) {
        synchronized (fake) {
            return fake.group(group).instances.stream()
                    .map(i -> new InstanceView(i.id, i.zone, i.state, i.protectedFromScaleIn))
                    .toList();
        }
    }

    public int desired(String group) {
        synchronized (fake) {
            return fake.group(group).desired;
        }
    }

    /** Moves an instance to another lifecycle state (the world plays EC2). */
    public void setState(String instanceId, String state) {
        synchronized (fake) {
            FakeAutoScalingServer.Inst inst = fake.instance(instanceId);
            if (inst != null) {
                inst.state = state;
            }
        }
    }

    /** A Terminated instance leaves the group's description (on AWS it lingers for about an hour). */
    public void remove(String group, String instanceId) {
        synchronized (fake) {
            fake.group(group).instances.removeIf(i -> i.id.equals(instanceId));
        }
    }

    /** The next {@code times} calls of {@code action} are throttled (HTTP 400 {@code Throttling}, as AWS answers). */
    public void throttleNext(String action, int times) {
        fake.failNext(action, times, 400, "Throttling", "Rate exceeded");
    }

    /**
     * {@code hook} sees every request before it is answered, on the server's thread and outside its lock, so it may
     * call back into this object and change the world while the scaler waits for the answer.
     */
    public void beforeAnswer(Consumer<Request> hook) {
        fake.beforeAnswer(call -> {
            fake.now(Instant.now()); // activities carry real time: the scaler's registration timers run on it
            hook.accept(new Request(call.action(), call.params()));
        });
    }

    public List<Request> calls(String action) {
        return fake.calls(action).stream()
                .map(c -> new Request(c.action(), c.params()))
                .toList();
    }

    @Override
    public void close() {
        fake.close();
    }
}
