package io.joblane.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.InvalidConfigException;
import io.joblane.model.config.JoblaneConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test fixtures: the test node-group file, JSON written with single quotes, resources and public captures. */
public final class TestData {
    public static final ObjectMapper JSON = new ObjectMapper();
    /** Public AdmissionReview captures, copied into the project with their source (admission/public/SOURCE.md). */
    public static final String PUBLIC_FIXTURES = "admission/public/";

    private TestData() {}

    public static JoblaneConfig groups() {
        return config(resource("config/groups.yaml"));
    }

    public static JoblaneConfig config(String yaml) {
        try {
            return ConfigLoader.parse(yaml, "test");
        } catch (InvalidConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses JSON written with ' instead of " so tests stay readable. */
    public static JsonNode json(String singleQuoted) {
        try {
            return JSON.readTree(singleQuoted.replace('\'', '"'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String resource(String name) {
        try (InputStream in = TestData.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A public AdmissionReview capture, byte for byte. */
    public static byte[] publicCapture(String fixture) {
        return resource(PUBLIC_FIXTURES + fixture).getBytes(StandardCharsets.UTF_8);
    }
}
