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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A local EC2 endpoint for tests, speaking the EC2 query protocol (form-encoded POST with {@code Version=2016-11-15},
 * lists as {@code Name.N}, XML answers with {@code item} lists and lower-camel names, errors as
 * {@code Response/Errors/Error}) for the two calls of a node template: DescribeInstanceTypes and
 * DescribeLaunchTemplateVersions. Records every call and lets a test script failures. JDK HTTP server, 127.0.0.1.
 */
final class FakeEc2Server implements AutoCloseable {

    static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

    record Call(String action, Map<String, String> params) {
        /** The values of an EC2 list parameter, e.g. {@code list("InstanceType")} for InstanceType.N. */
        List<String> list(String name) {
            List<String> values = new ArrayList<>();
            for (int n = 1; params.containsKey(name + "." + n); n++) {
                values.add(params.get(name + "." + n));
            }
            return values;
        }
    }

    /**
     * An instance type's figures as DescribeInstanceTypes answers them; {@code gpuMaker} null for none;
     * {@code architectures} its processor's {@code SupportedArchitectures} ({@code x86_64}, {@code arm64}, ...).
     */
    record Type(
            String name,
            int vcpus,
            long memoryMiB,
            int enis,
            int ipv4PerEni,
            String gpuMaker,
            int gpus,
            List<String> architectures) {
        /** An x86_64 type, as most are. */
        Type(String name, int vcpus, long memoryMiB, int enis, int ipv4PerEni, String gpuMaker, int gpus) {
            this(name, vcpus, memoryMiB, enis, ipv4PerEni, gpuMaker, gpus, List.of("x86_64"));
        }
    }

    private record ScriptedError(int status, String code, String message) {}

    private final HttpServer server;
    private final Map<String, Type> types = new LinkedHashMap<>();
    /** Instance type per launch template id and version ("$Latest", "$Default" or a number); null names none. */
    private final Map<String, String> launchTemplates = new HashMap<>();

    private final List<Call> calls = new ArrayList<>();
    private final Map<String, Deque<ScriptedError>> scripted = new HashMap<>();

    FakeEc2Server() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    synchronized void addType(Type type) {
        types.put(type.name(), type);
    }

    synchronized void addLaunchTemplate(String id, String version, String instanceType) {
        launchTemplates.put(id + "@" + version, instanceType);
    }

    synchronized void failNext(String action, int times, int status, String code, String message) {
        Deque<ScriptedError> queue = scripted.computeIfAbsent(action, a -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(new ScriptedError(status, code, message));
        }
    }

    synchronized List<Call> calls(String action) {
        return calls.stream().filter(c -> c.action().equals(action)).toList();
    }

    synchronized List<String> actions() {
        return calls.stream().map(Call::action).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> params = new LinkedHashMap<>();
            try (InputStream in = exchange.getRequestBody()) {
                for (String pair : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                    if (!pair.isEmpty()) {
                        int eq = pair.indexOf('=');
                        params.put(
                                URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                                eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    }
                }
            }
            String[] answer = answer(exchange.getRequestMethod(), params);
            byte[] bytes = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml;charset=UTF-8");
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
        Call call = new Call(action, Collections.unmodifiableMap(params));
        calls.add(call);
        if (!"POST".equals(method) || !"2016-11-15".equals(all.get("Version"))) {
            return error(400, "InvalidAction", "expected POST with Version=2016-11-15");
        }
        Deque<ScriptedError> queue = scripted.get(action);
        if (queue != null && !queue.isEmpty()) {
            ScriptedError e = queue.poll();
            return error(e.status(), e.code(), e.message());
        }
        return switch (action) {
            case "DescribeInstanceTypes" -> describeTypes(call);
            case "DescribeLaunchTemplateVersions" -> describeVersions(call);
            default -> error(400, "InvalidAction", "The action " + action + " is not valid for this web service.");
        };
    }

    private String[] describeTypes(Call call) {
        List<String> names = call.list("InstanceType");
        if (names.size() > 100) {
            return error(400, "InvalidParameterValue", "at most 100 instance types per call");
        }
        StringBuilder xml = new StringBuilder("<instanceTypeSet>");
        for (String name : names) {
            Type t = types.get(name);
            if (t == null) {
                return error(
                        400,
                        "InvalidInstanceType",
                        "The following supplied instance types do not exist: [" + name + "]");
            }
            xml.append("<item>")
                    .append(el("instanceType", t.name()))
                    .append("<vCpuInfo>")
                    .append(el("defaultVCpus", t.vcpus()))
                    .append("</vCpuInfo>")
                    .append("<memoryInfo>")
                    .append(el("sizeInMiB", t.memoryMiB()))
                    .append("</memoryInfo>")
                    .append("<processorInfo><supportedArchitectures>");
            t.architectures().forEach(a -> xml.append(el("item", a)));
            xml.append("</supportedArchitectures>")
                    .append(el("sustainedClockSpeedInGhz", "3.1"))
                    .append("</processorInfo>")
                    .append("<networkInfo>")
                    .append(el("maximumNetworkInterfaces", t.enis()))
                    .append(el("ipv4AddressesPerInterface", t.ipv4PerEni()))
                    .append(el("defaultNetworkCardIndex", 0))
                    .append("<networkCards><item>")
                    .append(el("networkCardIndex", 0))
                    .append(el("maximumNetworkInterfaces", t.enis()))
                    .append("</item></networkCards>")
                    .append("</networkInfo>");
            if (t.gpuMaker() != null) {
                xml.append("<gpuInfo><gpus><item>")
                        .append(el("name", "T4"))
                        .append(el("manufacturer", t.gpuMaker()))
                        .append(el("count", t.gpus()))
                        .append("</item></gpus></gpuInfo>");
            }
            xml.append("</item>");
        }
        xml.append("</instanceTypeSet>");
        return ok("DescribeInstanceTypes", xml.toString());
    }

    private String[] describeVersions(Call call) {
        String id = call.params().get("LaunchTemplateId");
        List<String> versions = call.list("LaunchTemplateVersion");
        StringBuilder xml = new StringBuilder("<launchTemplateVersionSet>");
        for (String version : versions) {
            String key = id + "@" + version;
            if (!launchTemplates.containsKey(key)) {
                return error(
                        400,
                        "InvalidLaunchTemplateId.NotFound",
                        "The specified launch template, with template ID " + id + ", does not exist.");
            }
            xml.append("<item>")
                    .append(el("launchTemplateId", id))
                    .append(el("launchTemplateName", "joblane"))
                    .append(el("versionNumber", 1))
                    .append("<launchTemplateData>");
            String type = launchTemplates.get(key);
            if (type != null) {
                xml.append(el("instanceType", type));
            }
            xml.append("</launchTemplateData></item>");
        }
        xml.append("</launchTemplateVersionSet>");
        return ok("DescribeLaunchTemplateVersions", xml.toString());
    }

    private static String[] ok(String action, String body) {
        return new String[] {
            "200",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action + "Response xmlns=\"" + NS + "\"><requestId>"
                    + UUID.randomUUID() + "</requestId>" + body + "</" + action + "Response>"
        };
    }

    private static String[] error(int status, String code, String message) {
        return new String[] {
            String.valueOf(status),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors>"
                    + "<Error><Code>" + escape(code) + "</Code><Message>" + escape(message) + "</Message></Error>"
                    + "</Errors><RequestID>" + UUID.randomUUID() + "</RequestID></Response>"
        };
    }

    private static String el(String name, Object value) {
        return "<" + name + ">" + escape(String.valueOf(value)) + "</" + name + ">";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
