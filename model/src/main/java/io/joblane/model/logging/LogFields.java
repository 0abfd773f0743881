package io.joblane.model.logging;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.MDC;

/**
 * The structured fields of Joblane's log lines, held in the SLF4J MDC for the duration of a piece of work (as the
 * Java Operator SDK's {@code MDCUtils} does for a reconcile) so every line logged inside carries them: as JSON fields
 * with {@code --log-format json}, as {@code key=value} in text. Per thread, like the MDC itself.
 *
 * <pre>{@code
 * try (LogFields.Scope fields = LogFields.with(LogFields.GROUP, group).and(LogFields.NODE, node)) {
 *     LOG.info("draining");   // {"msg":"draining","group":"gpu","node":"ip-10-0-0-1",...}
 * }
 * }</pre>
 */
public final class LogFields {
    /** The node group's name. */
    public static final String GROUP = "group";
    /** The Kubernetes node's name. */
    public static final String NODE = "node";
    /** The cloud instance id. */
    public static final String INSTANCE = "instance";
    /** The kind of plan action being executed, e.g. {@code Terminate}. */
    public static final String ACTION = "action";

    private LogFields() {}

    /** Puts one field (skipped when {@code value} is null) until the returned scope is closed. */
    public static Scope with(String key, String value) {
        return new Scope().and(key, value);
    }

    /** Fields put by {@link #with}; closing restores what each key held before, so scopes nest. */
    public static final class Scope implements AutoCloseable {
        private final List<String> keys = new ArrayList<>(4);
        private final List<String> previous = new ArrayList<>(4);

        private Scope() {}

        /** Also puts this field (skipped when {@code value} is null) until the scope is closed. */
        public Scope and(String key, String value) {
            if (value != null) {
                keys.add(key);
                previous.add(MDC.get(key));
                MDC.put(key, value);
            }
            return this;
        }

        @Override
        public void close() {
            for (int i = keys.size() - 1; i >= 0; i--) {
                if (previous.get(i) == null) {
                    MDC.remove(keys.get(i));
                } else {
                    MDC.put(keys.get(i), previous.get(i));
                }
            }
            keys.clear();
            previous.clear();
        }
    }
}
