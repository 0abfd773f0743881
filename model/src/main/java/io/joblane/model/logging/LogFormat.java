package io.joblane.model.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.encoder.Encoder;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up the one log line per event that every Joblane process writes to stdout: plain text for people,
 * or JSON lines for log pipelines. Called once from each {@code Main} before anything logs. Structured fields
 * ({@link LogFields}' MDC entries and SLF4J key-value pairs) become JSON fields, and {@code key=value} in text.
 */
public final class LogFormat {
    /** Text layout; MDC and key-value fields follow the message only when there are any. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level [%thread] %logger{0} - "
            + "%replace(%msg){'[\\r\\n]+', ' '}%replace( %mdc{}){'^ $', ''}%replace( %kvp{NONE}){'^ $', ''}"
            + " %replace(%ex{short}){'[\\r\\n]+', ' | '}%nopex%n";

    private static final String[] NOISY = {"io.netty", "io.vertx", "io.fabric8", "software.amazon", "okhttp3"};

    private LogFormat() {}

    public static void configure(boolean json, String level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        Encoder<ILoggingEvent> encoder = json ? jsonEncoder(context) : textEncoder(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("stdout");
        console.setEncoder(encoder);
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        root.addAppender(console);
        // Chatty libraries stay at WARN unless the root asks for DEBUG or finer.
        if (root.getLevel().isGreaterOrEqual(Level.INFO)) {
            for (String noisy : NOISY) {
                context.getLogger(noisy).setLevel(Level.WARN);
            }
        }
    }

    /**
     * One JSON object per line with the field names Joblane has always written (time, level, logger, thread, msg,
     * error), plus every MDC entry and key-value pair as a top-level field.
     */
    static Encoder<ILoggingEvent> jsonEncoder(Context context) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        LogstashFieldNames names = new LogstashFieldNames();
        names.setTimestamp("time");
        names.setMessage("msg");
        names.setLogger("logger");
        names.setThread("thread");
        names.setStackTrace("error");
        names.setVersion(LogstashFieldNames.IGNORE_FIELD_INDICATOR);
        names.setLevelValue(LogstashFieldNames.IGNORE_FIELD_INDICATOR);
        encoder.setFieldNames(names);
        encoder.setTimestampPattern("[ISO_INSTANT]");
        encoder.setIncludeContext(false);
        return encoder;
    }

    static Encoder<ILoggingEvent> textEncoder(Context context) {
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setContext(context);
        pattern.setPattern(TEXT_PATTERN);
        return pattern;
    }
}
