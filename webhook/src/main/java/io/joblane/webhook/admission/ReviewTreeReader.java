package io.joblane.webhook.admission;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * Reads an AdmissionReview body into a Jackson tree that holds only what the webhook decides on: the review's
 * {@code kind}, {@code apiVersion} and the request fields {@link AdmissionCodec} checks, and the pod without its
 * {@code status}, {@code metadata.managedFields}, {@code spec.volumes}, and of each container only {@code name},
 * {@code resources} and {@code restartPolicy}. Everything else is still tokenized, so a syntax error, a nesting
 * deeper than allowed or trailing data is refused exactly as by {@code ObjectMapper.readTree}; it is only not built.
 * Kept values get the node types readTree gives them. A decision that starts reading a pruned field must be added
 * here: {@code ReviewTreeReaderTest} compares trees and answers with readTree's.
 */
final class ReviewTreeReader {
    /** The fields of one JSON object to build: {@code only} when not null, else all but {@code except}. */
    private record Shape(Set<String> only, Set<String> except, Map<String, Shape> children) {
        boolean keeps(String field) {
            return only != null ? only.contains(field) : !except.contains(field);
        }
    }

    private static final Shape CONTAINER = new Shape(Set.of("name", "resources", "restartPolicy"), null, Map.of());
    private static final Shape SPEC =
            new Shape(null, Set.of("volumes"), Map.of("containers", CONTAINER, "initContainers", CONTAINER));
    private static final Shape METADATA = new Shape(null, Set.of("managedFields"), Map.of());
    private static final Shape POD = new Shape(null, Set.of("status"), Map.of("metadata", METADATA, "spec", SPEC));
    private static final Shape REQUEST = new Shape(
            Set.of("uid", "kind", "operation", "namespace", "userInfo", "dryRun", "object"),
            null,
            Map.of("object", POD));
    static final Shape REVIEW = new Shape(Set.of("kind", "apiVersion", "request"), null, Map.of("request", REQUEST));

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Reads one number at the parser's position; trailing tokens are checked once, for the whole body. */
    private static final ObjectReader NUMBERS =
            AdmissionCodec.MAPPER.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ReviewTreeReader() {}

    /** The pruned tree, or {@link MissingNode} for a body without any value, as readTree answers. */
    static JsonNode read(byte[] body) throws IOException {
        return read(body, 0, body.length);
    }

    /** As {@link #read(byte[])}, for the review in {@code body[offset, offset + length)}. */
    static JsonNode read(byte[] body, int offset, int length) throws IOException {
        try (JsonParser parser = AdmissionCodec.MAPPER.createParser(body, offset, length)) {
            if (parser.nextToken() == null) {
                return MissingNode.getInstance();
            }
            JsonNode root = value(parser, REVIEW);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                // The message ObjectMapper.readTree gives with FAIL_ON_TRAILING_TOKENS.
                throw MismatchedInputException.from(
                        parser,
                        JsonNode.class,
                        String.format(
                                "Trailing token (of type %s) found after value (bound as %s): not allowed as per"
                                        + " `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`",
                                trailing, "`" + JsonNode.class.getName() + "`"));
            }
            return root;
        }
    }

    /**
     * The value starting at the parser's current token, built to {@code shape} (null: whole). Strings, booleans
     * and nulls are built here; numbers go to databind's node deserializer so their node types stay its own.
     */
    private static JsonNode value(JsonParser parser, Shape shape) throws IOException {
        return switch (parser.currentToken()) {
            case START_OBJECT -> object(parser, shape);
            case START_ARRAY -> array(parser, shape);
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> NUMBERS.readTree(parser);
        };
    }

    private static ObjectNode object(JsonParser parser, Shape shape) throws IOException {
        ObjectNode object = NODES.objectNode();
        for (String field = parser.nextFieldName(); field != null; field = parser.nextFieldName()) {
            parser.nextToken();
            if (shape == null || shape.keeps(field)) {
                // replace, as readTree does: the last of duplicate keys wins, in the first one's place.
                object.replace(
                        field,
                        value(parser, shape == null ? null : shape.children().get(field)));
            } else {
                parser.skipChildren();
            }
        }
        return object;
    }

    /** An array; at a pruned path (containers) each object element is pruned to the same shape. */
    private static ArrayNode array(JsonParser parser, Shape shape) throws IOException {
        ArrayNode array = NODES.arrayNode();
        for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
            array.add(value(parser, element == JsonToken.START_OBJECT ? shape : null));
        }
        return array;
    }
}
