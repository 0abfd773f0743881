package io.joblane.scaler.loop;

import io.joblane.model.logging.LogFields;
import io.joblane.scaler.plan.PlanAction;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;

/**
 * The log fields of one plan action while the loop executes it: group, action (the record's simple name) and, when
 * the action names them, node ({@code node()}) and instance ({@code instanceId()}). Read from the record components
 * so an action type added later gets its fields without a new branch here.
 */
final class ActionLogFields {
    private static final ClassValue<Accessors> ACCESSORS = new ClassValue<>() {
        @Override
        protected Accessors computeValue(Class<?> type) {
            return new Accessors(accessor(type, "node"), accessor(type, "instanceId"));
        }
    };

    private ActionLogFields() {}

    /** Puts the action's fields in the MDC until the scope is closed. */
    static LogFields.Scope scope(String group, PlanAction action) {
        Accessors accessors = ACCESSORS.get(action.getClass());
        return LogFields.with(LogFields.GROUP, group)
                .and(LogFields.ACTION, action.getClass().getSimpleName())
                .and(LogFields.NODE, accessors.read(accessors.node, action))
                .and(LogFields.INSTANCE, accessors.read(accessors.instance, action));
    }

    private static Method accessor(Class<?> type, String name) {
        if (!type.isRecord()) {
            return null;
        }
        for (RecordComponent component : type.getRecordComponents()) {
            if (component.getName().equals(name) && component.getType() == String.class) {
                return component.getAccessor();
            }
        }
        return null;
    }

    private record Accessors(Method node, Method instance) {
        String read(Method accessor, PlanAction action) {
            if (accessor == null) {
                return null;
            }
            try {
                return (String) accessor.invoke(action);
            } catch (ReflectiveOperationException e) {
                return null; // a log field is not worth failing an action for
            }
        }
    }
}
