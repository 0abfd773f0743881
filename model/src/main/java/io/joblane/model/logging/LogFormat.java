package io.joblane.model.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up the one log line per event that every Joblane process writes to stdout: plain text for people,
 * or JSON lines for log pipelines. Called once from each {@code Main} before anything logs.
 */
public final class LogFormat {
    private LogFormat() {
    }

    public static void configure(boolean json, String level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        Encoder<ILoggingEvent> encoder;
        if (json) {
            JsonLinesEncoder jsonEncoder = new JsonLinesEncoder();
            jsonEncoder.setContext(context);
            encoder = jsonEncoder;
        } else {
            PatternLayoutEncoder pattern = new PatternLayoutEncoder();
            pattern.setContext(context);
            pattern.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level [%thread] %logger{0} - %replace(%msg){'[\\r\\n]+', ' '}"
                    + " %replace(%ex{short}){'[\\r\\n]+', ' | '}%nopex%n");
            encoder = pattern;
        }
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
            for (String noisy : new String[] {"io.netty", "io.vertx", "io.fabric8", "software.amazon", "okhttp3"}) {
                context.getLogger(noisy).setLevel(Level.WARN);
            }
        }
    }
}
