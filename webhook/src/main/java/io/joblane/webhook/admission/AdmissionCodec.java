package io.joblane.webhook.admission;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Reads an {@code admission.k8s.io} AdmissionReview from raw bytes and writes the answer, on a Jackson tree so
 * the pod is never bound to a typed model (a tree of only the fields decided on, see {@link ReviewTreeReader}).
 * Refuses anything else with a reason for a 400. Thread-safe.
 */
public final class AdmissionCodec {
    public static final String V1 = "admission.k8s.io/v1";
    /** Still accepted: same shape as v1, answered in the version it came in. */
    public static final String V1BETA1 = "admission.k8s.io/v1beta1";
    /** Deeper than any Pod; keeps a hostile body from costing stack or memory. */
    public static final int MAX_NESTING_DEPTH = 128;

    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private AdmissionCodec() {}

    /** How the body becomes a tree; tests compare {@link ReviewTreeReader} with a plain readTree. */
    @FunctionalInterface
    interface TreeReader {
        JsonNode read(byte[] body, int offset, int length) throws IOException;
    }

    public static AdmissionRequest decode(byte[] body) throws BadRequestException {
        return decode(body, 0, body.length, ReviewTreeReader::read);
    }

    /**
     * The review in {@code body[offset, offset + length)}, then its request, then the pod; the first fault found is
     * the 400 reason.
     */
    static AdmissionRequest decode(byte[] body, int offset, int length, TreeReader reader) throws BadRequestException {
        JsonNode root = parse(body, offset, length, reader);
        String apiVersion = reviewVersion(root);
        JsonNode request = request(root);
        String uid = uid(request);
        requireCorePod(request);
        String operation = operation(request);
        JsonNode object = object(request, operation);
        String namespace = namespace(request, object);
        String username = username(request);
        boolean dryRun = dryRun(request);
        return new AdmissionRequest(apiVersion, uid, operation, namespace, username, dryRun, object);
    }

    private static JsonNode parse(byte[] body, int offset, int length, TreeReader reader) throws BadRequestException {
        JsonNode root;
        try {
            root = reader.read(body, offset, length);
        } catch (JacksonException e) {
            throw new BadRequestException("body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequestException("body is not valid JSON: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new BadRequestException("body is empty");
        }
        if (!root.isObject()) {
            throw new BadRequestException("body is not a JSON object");
        }
        return root;
    }

    /** The review's apiVersion, after its kind. */
    private static String reviewVersion(JsonNode root) throws BadRequestException {
        String kind = text(root, "kind", "kind");
        if (!"AdmissionReview".equals(kind)) {
            throw new BadRequestException("kind must be AdmissionReview, not " + quoted(kind));
        }
        String apiVersion = text(root, "apiVersion", "apiVersion");
        if (apiVersion == null) {
            throw new BadRequestException("apiVersion is missing (expected " + V1 + ")");
        }
        if (!V1.equals(apiVersion) && !V1BETA1.equals(apiVersion)) {
            throw new BadRequestException(
                    "apiVersion " + quoted(apiVersion) + " is not supported (expected " + V1 + ")");
        }
        return apiVersion;
    }

    private static JsonNode request(JsonNode root) throws BadRequestException {
        JsonNode request = root.get("request");
        if (request == null || request.isNull()) {
            throw new BadRequestException("request is missing");
        }
        if (!request.isObject()) {
            throw new BadRequestException("request must be an object");
        }
        return request;
    }

    private static String uid(JsonNode request) throws BadRequestException {
        String uid = text(request, "uid", "request.uid");
        if (uid == null || uid.isEmpty()) {
            throw new BadRequestException("request.uid is missing");
        }
        return uid;
    }

    private static void requireCorePod(JsonNode request) throws BadRequestException {
        JsonNode resourceKind = request.get("kind");
        if (resourceKind == null || !resourceKind.isObject()) {
            throw new BadRequestException("request.kind is missing or not an object");
        }
        String group = text(resourceKind, "group", "request.kind.group");
        String resource = text(resourceKind, "kind", "request.kind.kind");
        boolean core = group == null || group.isEmpty();
        if (!"Pod".equals(resource) || !core) {
            throw new BadRequestException(
                    "request.kind must be a core Pod, not " + (core ? "" : group + "/") + quoted(resource));
        }
    }

    private static String operation(JsonNode request) throws BadRequestException {
        String operation = text(request, "operation", "request.operation");
        if (operation == null || operation.isEmpty()) {
            throw new BadRequestException("request.operation is missing");
        }
        return operation;
    }

    /** The pod: required for CREATE and UPDATE, null when absent (DELETE, CONNECT). */
    private static JsonNode object(JsonNode request, String operation) throws BadRequestException {
        JsonNode object = request.get("object");
        boolean absent = object == null || object.isNull();
        if (absent && ("CREATE".equals(operation) || "UPDATE".equals(operation))) {
            throw new BadRequestException("request.object is missing");
        }
        if (absent) {
            return object;
        }
        if (!object.isObject()) {
            throw new BadRequestException("request.object must be an object");
        }
        String objectKind = text(object, "kind", "request.object.kind");
        if (objectKind != null && !"Pod".equals(objectKind)) {
            throw new BadRequestException("request.object.kind must be Pod, not " + quoted(objectKind));
        }
        return object;
    }

    /** The request's namespace, else the pod's own (older API servers), else empty. */
    private static String namespace(JsonNode request, JsonNode object) throws BadRequestException {
        String namespace = text(request, "namespace", "request.namespace");
        if ((namespace == null || namespace.isEmpty())
                && object != null
                && object.path("metadata").isObject()) {
            namespace = text(object.get("metadata"), "namespace", "request.object.metadata.namespace");
        }
        return namespace == null ? "" : namespace;
    }

    private static String username(JsonNode request) throws BadRequestException {
        JsonNode userInfo = request.get("userInfo");
        if (userInfo == null || userInfo.isNull()) {
            return "";
        }
        if (!userInfo.isObject()) {
            throw new BadRequestException("request.userInfo must be an object");
        }
        String username = text(userInfo, "username", "request.userInfo.username");
        return username == null ? "" : username;
    }

    private static boolean dryRun(JsonNode request) throws BadRequestException {
        JsonNode dryRun = request.get("dryRun");
        if (dryRun == null || dryRun.isNull()) {
            return false;
        }
        if (!dryRun.isBoolean()) {
            throw new BadRequestException("request.dryRun must be a boolean");
        }
        return dryRun.asBoolean();
    }

    /**
     * An allowed answer; {@code patch} is sent only when it has operations. Written field by field rather than
     * built as a tree first; the bytes are the same as the tree's would be.
     */
    public static byte[] allowed(AdmissionRequest request, ArrayNode patch, List<String> warnings) {
        try {
            return MAPPER.writeValueAsBytes(
                    new AllowedAnswer(request, patch.isEmpty() ? null : write(patch), warnings));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes itself through the mapper, so the output buffers are the mapper's recycled ones. */
    private record AllowedAnswer(AdmissionRequest request, byte[] patch, List<String> warnings)
            implements JsonSerializable {
        @Override
        public void serialize(JsonGenerator json, SerializerProvider provider) throws IOException {
            json.writeStartObject();
            json.writeStringField("apiVersion", request.apiVersion());
            json.writeStringField("kind", "AdmissionReview");
            json.writeObjectFieldStart("response");
            json.writeStringField("uid", request.uid());
            json.writeBooleanField("allowed", true);
            if (patch != null) {
                json.writeStringField("patchType", "JSONPatch");
                // Jackson's default base64 is RFC 4648 with padding and no line breaks, as the API server reads.
                json.writeBinaryField("patch", patch);
            }
            if (!warnings.isEmpty()) {
                json.writeArrayFieldStart("warnings");
                for (String warning : warnings) {
                    json.writeString(warning);
                }
                json.writeEndArray();
            }
            json.writeEndObject();
            json.writeEndObject();
        }

        @Override
        public void serializeWithType(JsonGenerator json, SerializerProvider provider, TypeSerializer types)
                throws IOException {
            serialize(json, provider);
        }
    }

    /**
     * A denial: {@code allowed: false} with a Status whose message the API server returns to the creator (for a Job
     * pod, the Job controller's FailedCreate event, seen in {@code kubectl describe job}).
     */
    public static byte[] denied(AdmissionRequest request, String message, List<String> warnings) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("apiVersion", request.apiVersion());
        root.put("kind", "AdmissionReview");
        ObjectNode response = root.putObject("response");
        response.put("uid", request.uid());
        response.put("allowed", false);
        ObjectNode status = response.putObject("status");
        status.put("code", 400);
        status.put("reason", "BadRequest");
        status.put("message", message);
        if (!warnings.isEmpty()) {
            ArrayNode list = response.putArray("warnings");
            warnings.forEach(list::add);
        }
        return write(root);
    }

    /** A Kubernetes-style Status body for an HTTP error, e.g. 400 BadRequest. */
    public static byte[] error(int code, String reason, String message) {
        ObjectNode status = MAPPER.createObjectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.put("status", "Failure");
        status.put("code", code);
        status.put("reason", reason);
        status.put("message", message);
        return write(status);
    }

    /** The patch as the JSON text inside the base64, for tests and logs. */
    public static String patchText(ArrayNode patch) {
        return new String(write(patch), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode parent, String field, String path) throws BadRequestException {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new BadRequestException(path + " must be a string");
        }
        return node.textValue();
    }

    private static String quoted(String value) {
        if (value == null) {
            return "(none)";
        }
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return "\"" + shown + "\"";
    }
}
