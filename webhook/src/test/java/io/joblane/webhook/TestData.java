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
import java.nio.file.Files;
import java.nio.file.Path;

/** Test fixtures: the test node-group file, JSON written with single quotes, resource and shared files. */
public final class TestData {
    public static final ObjectMapper JSON = new ObjectMapper();
    /** The team's read-only fixtures, seen from the module directory (surefire's working directory). */
    public static final Path SHARED_FIXTURES = Path.of("../../shared/fixtures");

    private TestData() {
    }

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

    public static byte[] shared(String fixture) {
        try {
            return Files.readAllBytes(SHARED_FIXTURES.resolve(fixture));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
