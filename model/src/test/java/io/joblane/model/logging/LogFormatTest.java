package io.joblane.model.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogFormatTest {

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @Test
    void aJsonLineCarriesTheScopedFieldsAsJsonFields() throws Exception {
        String line = log(LogFormat::jsonEncoder, logger -> {
            try (LogFields.Scope fields = LogFields.with(LogFields.GROUP, "gpu")
                    .and(LogFields.NODE, "ip-10-0-0-1")
                    .and(LogFields.INSTANCE, "i-0abc")
                    .and(LogFields.ACTION, "Terminate")) {
                logger.info("terminating \"{}\"", "i-0abc");
            }
        });
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("group").asText()).isEqualTo("gpu");
        assertThat(json.path("node").asText()).isEqualTo("ip-10-0-0-1");
        assertThat(json.path("instance").asText()).isEqualTo("i-0abc");
        assertThat(json.path("action").asText()).isEqualTo("Terminate");
        assertThat(json.path("msg").asText()).isEqualTo("terminating \"i-0abc\"");
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("logger").asText()).isEqualTo("probe");
        assertThat(Instant.parse(json.path("time").asText())).isNotNull();
        assertThat(json.has("@version")).as("no logstash-only fields").isFalse();
        assertThat(line).endsWith("}\n").containsOnlyOnce("\n");
    }

    @Test
    void aJsonLineCarriesSlf4jKeyValuePairsAndTheErrorAsFields() throws Exception {
        String line = log(
                LogFormat::jsonEncoder,
                logger -> logger.atWarn()
                        .addKeyValue(LogFields.GROUP, "cpu")
                        .setCause(new IllegalStateException("boom"))
                        .log("scan failed"));
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("group").asText()).isEqualTo("cpu");
        assertThat(json.path("error").asText()).contains("IllegalStateException: boom");
    }

    @Test
    void closingAScopeRestoresTheOuterFields() {
        try (LogFields.Scope group = LogFields.with(LogFields.GROUP, "gpu")) {
            try (LogFields.Scope inner = LogFields.with(LogFields.GROUP, "other")
                    .and(LogFields.NODE, "n1")
                    .and(LogFields.INSTANCE, null)) {
                assertThat(MDC.get(LogFields.GROUP)).isEqualTo("other");
                assertThat(MDC.get(LogFields.INSTANCE)).isNull();
            }
            assertThat(MDC.get(LogFields.GROUP)).isEqualTo("gpu");
            assertThat(MDC.get(LogFields.NODE)).isNull();
        }
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void aTextLineEndsWithTheFieldsAsKeyValuesAndWithoutThemEndsAtTheMessage() {
        String with = log(LogFormat::textEncoder, logger -> {
            try (LogFields.Scope fields = LogFields.with(LogFields.GROUP, "gpu")) {
                logger.info("scaling up");
            }
        });
        String without = log(LogFormat::textEncoder, logger -> logger.info("scaling up"));
        assertThat(with).endsWith(" - scaling up group=gpu \n");
        assertThat(without).endsWith(" - scaling up \n");
    }

    private static String log(Function<LoggerContext, Encoder<ILoggingEvent>> encoderFor, Consumer<Logger> body) {
        // The global context: its MDC adapter is the one org.slf4j.MDC writes to.
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Encoder<ILoggingEvent> encoder = encoderFor.apply(context);
        encoder.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        Logger logger = context.getLogger("probe");
        logger.setAdditive(false);
        logger.addAppender(appender);
        try {
            body.accept(logger);
        } finally {
            logger.detachAppender(appender);
            appender.stop();
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
