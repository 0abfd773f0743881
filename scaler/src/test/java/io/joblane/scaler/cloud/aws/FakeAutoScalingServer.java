package io.joblane.scaler.cloud.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A local EC2 Auto Scaling endpoint for tests: speaks the query protocol (form-encoded POST, XML answers and
 * {@code ErrorResponse} errors in the documented shapes), keeps groups and instances in memory, records every
 * call, and lets a test script failures per action. Served by the JDK's HTTP server on 127.0.0.1, port 0.
 */
final class FakeAutoScalingServer implements AutoCloseable {

    static final String NS = "http://autoscaling.amazonaws.com/doc/2011-01-01/";

    /** One recorded request: the action and its parameters except Action and Version, in request order. */
    record Call(String action, Map<String, String> params) {
        /** The values of a list parameter, e.g. {@code members("InstanceIds")} for InstanceIds.member.N. */
        List<String> members(String name) {
            List<String> values = new ArrayList<>();
            for (int n = 1; params.containsKey(name + ".member." + n); n++) {
                values.add(params.get(name + ".member." + n));
            }
            return values;
        }

        String param(String name) {
            return params.get(name);
        }
    }

    static final class Inst {
        final String id;
        final String zone;
        String state;
        String health = "Healthy";
        boolean protectedFromScaleIn;
        String weightedCapacity;

        Inst(String id, String zone, String state, boolean protectedFromScaleIn) {
            this.id = id;
            this.zone = zone;
            this.state = state;
            this.protectedFromScaleIn = protectedFromScaleIn;
        }
    }

    record Activity(String id, String description, String statusCode, String statusMessage, Instant start) {}

    static final class Group {
        final String name;
        int min;
        int max;
        int desired;
        final List<Inst> instances = new ArrayList<>();
        final Set<String> suspended = new LinkedHashSet<>();
        /** Newest first, as the API answers. */
        final Deque<Activity> activities = new ArrayDeque<>();

        boolean newInstancesProtected;
        String desiredCapacityType;
        /** The group's tags, e.g. cluster-autoscaler's node-template ones. */
        final Map<String, String> tags = new LinkedHashMap<>();
        /** The launch template the group names (top level, or in its MixedInstancesPolicy); null for none. */
        String launchTemplateId = "lt-0123456789abcdef0";

        String launchTemplateVersion = "$Latest";
        /** Non-empty: the group has a MixedInstancesPolicy with these instance-type overrides, in order. */
        final List<String> mixedTypes = new ArrayList<>();

        String launchConfigurationName;
        /** The group's AvailabilityZones; its instances start in them in turn. */
        final List<String> zones = new ArrayList<>(List.of("us-east-1a", "us-east-1b", "us-east-1c"));

        Group(String name, int min, int max, int desired) {
            this.name = name;
            this.min = min;
            this.max = max;
            this.desired = desired;
        }
    }

    private record ScriptedError(int status, String type, String code, String message) {}

    private final HttpServer server;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, Deque<ScriptedError>> scripted = new HashMap<>();
    private final Map<String, java.time.Duration> delays = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger(0x1000);
    /** Server-side page size for DescribeAutoScalingGroups, below MaxRecords to force pagination in tests. */
    private int describePageSize = 100;
    /** When set, raising desired launches instances in Pending with a Successful activity. */
    private boolean launchOnScaleOut = true;

    private Instant now = Instant.parse("2026-11-27T20:00:00Z");
    /** Runs before each request is answered, outside the lock: a test acts "while the call is in flight". */
    private volatile Consumer<Call> beforeAnswer = call -> {};

    FakeAutoScalingServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    // ---- test set-up and inspection ----

    synchronized Group addGroup(String name, int min, int max, int desired) {
        Group g = new Group(name, min, max, desired);
        groups.put(name, g);
        return g;
    }

    synchronized Inst addInstance(String group, String state, boolean protectedFromScaleIn) {
        String id = String.format("i-%017x", ids.incrementAndGet());
        Group g = groups.get(group);
        Inst inst = new Inst(id, g.zones.get(g.instances.size() % g.zones.size()), state, protectedFromScaleIn);
        g.instances.add(inst);
        return inst;
    }

    synchronized void addActivity(
            String group, String description, String statusCode, String statusMessage, Instant start) {
        groups.get(group)
                .activities
                .addFirst(new Activity(UUID.randomUUID().toString(), description, statusCode, statusMessage, start));
    }

    synchronized Group group(String name) {
        return groups.get(name);
    }

    synchronized Inst instance(String id) {
        return groups.values().stream()
                .flatMap(g -> g.instances.stream())
                .filter(i -> i.id.equals(id))
                .findFirst()
                .orElse(null);
    }

    /** The next {@code times} calls of {@code action} fail with this error before the model is touched. */
    synchronized void failNext(String action, int times, int status, String code, String message) {
        Deque<ScriptedError> queue = scripted.computeIfAbsent(action, a -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(new ScriptedError(status, status >= 500 ? "Receiver" : "Sender", code, message));
        }
    }

    /** Every call of {@code action} is answered only after {@code delay} (it acts at once: a slow answer). */
    void delay(String action, java.time.Duration delay) {
        delays.put(action, delay);
    }

    synchronized void describePageSize(int size) {
        this.describePageSize = size;
    }

    synchronized void launchOnScaleOut(boolean launch) {
        this.launchOnScaleOut = launch;
    }

    synchronized void now(Instant now) {
        this.now = now;
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized List<Call> calls(String action) {
        return calls.stream().filter(c -> c.action().equals(action)).toList();
    }

    /** Actions in call order, e.g. to assert that protection is lifted before termination. */
    synchronized List<String> actions() {
        return calls.stream().map(Call::action).toList();
    }

    synchronized void clearCalls() {
        calls.clear();
    }

    /** {@code hook} sees every request before it is answered (scripted failures included), on the server's thread. */
    void beforeAnswer(Consumer<Call> hook) {
        this.beforeAnswer = hook;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---- protocol ----

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> params = new LinkedHashMap<>();
            try (InputStream in = exchange.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                for (String pair : body.split("&")) {
                    if (pair.isEmpty()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    params.put(key, value);
                }
            }
            Map<String, String> hookParams = new LinkedHashMap<>(params);
            hookParams.remove("Action");
            hookParams.remove("Version");
            beforeAnswer.accept(
                    new Call(params.getOrDefault("Action", ""), java.util.Collections.unmodifiableMap(hookParams)));
            String[] answer = answer(exchange.getRequestMethod(), params);
            java.time.Duration delay = delays.get(params.getOrDefault("Action", ""));
            if (delay != null) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] bytes = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.getResponseHeaders().add("x-amzn-RequestId", requestId());
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private synchronized String[] answer(String method, Map<String, String> all) {
        String action = all.getOrDefault("Action", "");
        Map<String, String> params = new LinkedHashMap<>(all);
        params.remove("Action");
        params.remove("Version");
        Call call = new Call(action, java.util.Collections.unmodifiableMap(params));
        calls.add(call);
        if (!"POST".equals(method) || !"2011-01-01".equals(all.get("Version"))) {
            return error(400, "Sender", "InvalidAction", "expected POST with Version=2011-01-01");
        }
        Deque<ScriptedError> queue = scripted.get(action);
        if (queue != null && !queue.isEmpty()) {
            ScriptedError e = queue.poll();
            return error(e.status(), e.type(), e.code(), e.message());
        }
        try {
            return switch (action) {
                case "DescribeAutoScalingGroups" -> describeGroups(call);
                case "DescribeScalingActivities" -> describeActivities(call);
                case "SetDesiredCapacity" -> setDesired(call);
                case "SetInstanceProtection" -> setProtection(call);
                case "TerminateInstanceInAutoScalingGroup" -> terminate(call);
                case "SuspendProcesses" -> suspend(call);
                default -> error(400, "Sender", "InvalidAction", "The action " + action + " is not valid");
            };
        } catch (Validation v) {
            return error(400, "Sender", "ValidationError", v.getMessage());
        }
    }

    private static final class Validation extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Validation(String message) {
            super(message);
        }
    }

    private Group requireGroup(String name) {
        Group g = groups.get(name);
        if (g == null) {
            throw new Validation("AutoScalingGroup name not found - AutoScalingGroup " + name + " not found");
        }
        return g;
    }

    private String[] describeGroups(Call call) {
        List<String> names = call.members("AutoScalingGroupNames");
        int maxRecords = call.param("MaxRecords") == null ? 50 : Integer.parseInt(call.param("MaxRecords"));
        if (maxRecords < 1 || maxRecords > 100) {
            throw new Validation("MaxRecords must be between 1 and 100");
        }
        for (int n = 0; n < names.size(); n++) {
            if (names.get(n).isEmpty() || names.get(n).length() > 1600) {
                throw new Validation("1 validation error detected: Value at 'autoScalingGroupNames." + (n + 1)
                        + ".member' failed to satisfy constraint: Member must have length between 1 and 1600");
            }
        }
        if (names.size() > Math.max(50, maxRecords)) {
            throw new Validation("The number of group names (" + names.size() + ") exceeds the limit");
        }
        List<Group> matching = groups.values().stream()
                .filter(g -> names.isEmpty() || names.contains(g.name))
                .toList();
        int start = 0;
        String token = call.param("NextToken");
        if (token != null) {
            start = Integer.parseInt(token.substring("tok-".length()));
        }
        int pageSize = Math.min(maxRecords, describePageSize);
        int end = Math.min(matching.size(), start + pageSize);
        StringBuilder xml = new StringBuilder("<AutoScalingGroups>");
        for (Group g : matching.subList(start, end)) {
            xml.append("<member>")
                    .append(el("AutoScalingGroupName", g.name))
                    .append(el(
                            "AutoScalingGroupARN",
                            "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:"
                                    + "00000000-0000-0000-0000-000000000000:autoScalingGroupName/" + g.name))
                    .append(launchXml(g))
                    .append(el("MinSize", g.min))
                    .append(el("MaxSize", g.max))
                    .append(el("DesiredCapacity", g.desired))
                    .append(el("DefaultCooldown", 300))
                    .append("<AvailabilityZones>"
                            + g.zones.stream()
                                    .map(z -> "<member>" + z + "</member>")
                                    .collect(java.util.stream.Collectors.joining())
                            + "</AvailabilityZones>")
                    .append("<LoadBalancerNames/><TargetGroupARNs/>")
                    .append(el("HealthCheckType", "EC2"))
                    .append(el("HealthCheckGracePeriod", 300))
                    .append("<Instances>");
            for (Inst i : g.instances) {
                xml.append("<member>")
                        .append(el("InstanceId", i.id))
                        .append(el("InstanceType", "m5.4xlarge"))
                        .append(el("AvailabilityZone", i.zone))
                        .append(el("LifecycleState", i.state))
                        .append(el("HealthStatus", i.health))
                        .append("<LaunchTemplate>")
                        .append(el("LaunchTemplateId", "lt-0123456789abcdef0"))
                        .append(el("LaunchTemplateName", "joblane"))
                        .append(el("Version", "1"))
                        .append("</LaunchTemplate>")
                        .append(el("ProtectedFromScaleIn", i.protectedFromScaleIn));
                if (i.weightedCapacity != null) {
                    xml.append(el("WeightedCapacity", i.weightedCapacity));
                }
                xml.append("</member>");
            }
            xml.append("</Instances>")
                    .append(el("CreatedTime", "2026-01-01T00:00:00.000Z"))
                    .append("<SuspendedProcesses>");
            for (String p : g.suspended) {
                xml.append("<member>")
                        .append(el("ProcessName", p))
                        .append(el("SuspensionReason", "User suspended at 2026-11-27T19:00:00Z"))
                        .append("</member>");
            }
            xml.append("</SuspendedProcesses>")
                    .append(el("VPCZoneIdentifier", "subnet-1,subnet-2,subnet-3"))
                    .append("<EnabledMetrics/>")
                    .append(tagsXml(g))
                    .append("<TerminationPolicies><member>Default</member></TerminationPolicies>")
                    .append(el("NewInstancesProtectedFromScaleIn", g.newInstancesProtected));
            if (g.desiredCapacityType != null) {
                xml.append(el("DesiredCapacityType", g.desiredCapacityType));
            }
            xml.append("</member>");
        }
        xml.append("</AutoScalingGroups>");
        if (end < matching.size()) {
            xml.append(el("NextToken", "tok-" + end));
        }
        return ok("DescribeAutoScalingGroups", xml.toString());
    }

    /** LaunchTemplate, MixedInstancesPolicy or LaunchConfigurationName, as the group is set up. */
    private static String launchXml(Group g) {
        if (g.launchConfigurationName != null) {
            return el("LaunchConfigurationName", g.launchConfigurationName);
        }
        String spec = el("LaunchTemplateId", g.launchTemplateId)
                + el("LaunchTemplateName", "joblane")
                + el("Version", g.launchTemplateVersion);
        if (g.mixedTypes.isEmpty()) {
            return "<LaunchTemplate>" + spec + "</LaunchTemplate>";
        }
        StringBuilder xml = new StringBuilder("<MixedInstancesPolicy><LaunchTemplate><LaunchTemplateSpecification>")
                .append(spec)
                .append("</LaunchTemplateSpecification><Overrides>");
        g.mixedTypes.forEach(
                t -> xml.append("<member>").append(el("InstanceType", t)).append("</member>"));
        return xml.append("</Overrides></LaunchTemplate><InstancesDistribution>")
                .append(el("OnDemandAllocationStrategy", "prioritized"))
                .append(el("OnDemandBaseCapacity", 0))
                .append(el("OnDemandPercentageAboveBaseCapacity", 0))
                .append(el("SpotAllocationStrategy", "price-capacity-optimized"))
                .append("</InstancesDistribution></MixedInstancesPolicy>")
                .toString();
    }

    private static String tagsXml(Group g) {
        StringBuilder xml = new StringBuilder("<Tags>");
        g.tags.forEach((k, v) -> xml.append("<member>")
                .append(el("ResourceId", g.name))
                .append(el("ResourceType", "auto-scaling-group"))
                .append(el("Key", k))
                .append(el("Value", v))
                .append(el("PropagateAtLaunch", false))
                .append("</member>"));
        return xml.append("</Tags>").toString();
    }

    private String[] describeActivities(Call call) {
        Group g = requireGroup(call.param("AutoScalingGroupName"));
        int maxRecords = call.param("MaxRecords") == null ? 100 : Integer.parseInt(call.param("MaxRecords"));
        StringBuilder xml = new StringBuilder("<Activities>");
        g.activities.stream()
                .limit(maxRecords)
                .forEach(a -> xml.append("<member>").append(activityXml(g, a)).append("</member>"));
        xml.append("</Activities>");
        return ok("DescribeScalingActivities", xml.toString());
    }

    private String[] setDesired(Call call) {
        Group g = requireGroup(call.param("AutoScalingGroupName"));
        int desired = Integer.parseInt(call.param("DesiredCapacity"));
        if (desired > g.max) {
            throw new Validation("New SetDesiredCapacity value " + desired + " is above max value " + g.max
                    + " for the AutoScalingGroup.");
        }
        if (desired < g.min) {
            throw new Validation("New SetDesiredCapacity value " + desired + " is below min value " + g.min
                    + " for the AutoScalingGroup.");
        }
        int launches = desired - g.desired;
        g.desired = desired;
        // As AWS: below the instances that exist the group scales in, choosing victims among unprotected instances
        // (newest first here); protected ones are never picked, desired simply stays below them.
        List<Inst> live = g.instances.stream()
                .filter(i -> i.state.startsWith("Pending") || i.state.equals("InService"))
                .toList();
        int excess = live.size() - desired;
        for (int n = live.size() - 1; n >= 0 && excess > 0; n--) {
            Inst victim = live.get(n);
            if (!victim.protectedFromScaleIn) {
                victim.state = "Terminating";
                addActivity(g.name, "Terminating EC2 instance: " + victim.id, "InProgress", null, now);
                excess--;
            }
        }
        if (launchOnScaleOut) {
            for (int n = 0; n < launches; n++) {
                Inst inst = addInstance(g.name, "Pending", g.newInstancesProtected);
                addActivity(g.name, "Launching a new EC2 instance: " + inst.id, "Successful", null, now);
            }
        }
        return ok("SetDesiredCapacity", "");
    }

    private String[] setProtection(Call call) {
        Group g = requireGroup(call.param("AutoScalingGroupName"));
        List<String> ids = call.members("InstanceIds");
        if (ids.isEmpty() || ids.size() > 50) {
            throw new Validation("InstanceIds must hold 1 to 50 ids, not " + ids.size());
        }
        boolean protect = Boolean.parseBoolean(call.param("ProtectedFromScaleIn"));
        List<Inst> targets = new ArrayList<>();
        for (String id : ids) {
            Inst inst = g.instances.stream()
                    .filter(i -> i.id.equals(id))
                    .findFirst()
                    .orElseThrow(() -> new Validation(
                            "The instance " + id + " is not part of Auto Scaling group " + g.name + "."));
            if (!Set.of("InService", "EnteringStandby", "Standby").contains(inst.state)) {
                throw new Validation("The instance " + id + " is not in InService or EnteringStandby or Standby.");
            }
            targets.add(inst);
        }
        targets.forEach(i -> i.protectedFromScaleIn = protect);
        return ok("SetInstanceProtection", "");
    }

    private String[] terminate(Call call) {
        String id = call.param("InstanceId");
        boolean decrement = Boolean.parseBoolean(call.param("ShouldDecrementDesiredCapacity"));
        Group g = groups.values().stream()
                .filter(x -> x.instances.stream().anyMatch(i -> i.id.equals(id)))
                .findFirst()
                .orElseThrow(() ->
                        new Validation("Instance Id not found - No managed instance found for instance ID: " + id));
        Inst inst =
                g.instances.stream().filter(i -> i.id.equals(id)).findFirst().orElseThrow();
        if (decrement && g.desired <= g.min) {
            throw new Validation("Currently, desiredCapacity " + g.desired + " is equal to min size " + g.min
                    + " and can not be decremented");
        }
        if (decrement) {
            g.desired--;
        }
        inst.state = "Terminating";
        Activity activity =
                new Activity(UUID.randomUUID().toString(), "Terminating EC2 instance: " + id, "InProgress", null, now);
        g.activities.addFirst(activity);
        return ok("TerminateInstanceInAutoScalingGroup", "<Activity>" + activityXml(g, activity) + "</Activity>");
    }

    private String[] suspend(Call call) {
        Group g = requireGroup(call.param("AutoScalingGroupName"));
        List<String> processes = call.members("ScalingProcesses");
        if (processes.isEmpty()) {
            processes = List.of(
                    "Launch",
                    "Terminate",
                    "AddToLoadBalancer",
                    "AlarmNotification",
                    "AZRebalance",
                    "HealthCheck",
                    "InstanceRefresh",
                    "ReplaceUnhealthy",
                    "ScheduledActions");
        }
        g.suspended.addAll(processes);
        return ok("SuspendProcesses", "");
    }

    private static String activityXml(Group g, Activity a) {
        StringBuilder xml = new StringBuilder()
                .append(el("ActivityId", a.id()))
                .append(el("AutoScalingGroupName", g.name))
                .append(el("Description", a.description()))
                .append(el(
                        "Cause",
                        "At " + a.start() + " an instance was started in response to a difference "
                                + "between desired and actual capacity."))
                .append(el("StartTime", a.start().toString()));
        if (!"InProgress".equals(a.statusCode())) {
            xml.append(el("EndTime", a.start().plusSeconds(5).toString()));
        }
        xml.append(el("StatusCode", a.statusCode()));
        if (a.statusMessage() != null) {
            xml.append(el("StatusMessage", a.statusMessage()));
        }
        return xml.append(el("Progress", "InProgress".equals(a.statusCode()) ? 0 : 100))
                .append(el("Details", "{\"Subnet ID\":\"subnet-1\",\"Availability Zone\":\"us-east-1a\"}"))
                .toString();
    }

    private static String[] ok(String action, String resultBody) {
        String result = resultBody.isEmpty() ? "" : "<" + action + "Result>" + resultBody + "</" + action + "Result>";
        return new String[] {
            "200",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action + "Response xmlns=\""
                    + NS + "\">" + result + "<ResponseMetadata><RequestId>" + requestId()
                    + "</RequestId></ResponseMetadata></" + action + "Response>"
        };
    }

    private static String[] error(int status, String type, String code, String message) {
        return new String[] {
            String.valueOf(status),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse "
                    + "xmlns=\"" + NS + "\"><Error><Type>" + type + "</Type><Code>" + escape(code) + "</Code><Message>"
                    + escape(message) + "</Message></Error><RequestId>" + requestId() + "</RequestId></ErrorResponse>"
        };
    }

    private static String el(String name, Object value) {
        return "<" + name + ">" + escape(String.valueOf(value)) + "</" + name + ">";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String requestId() {
        return UUID.randomUUID().toString();
    }
}
