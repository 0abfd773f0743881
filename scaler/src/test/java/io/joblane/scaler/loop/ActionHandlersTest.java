package io.joblane.scaler.loop;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class ActionHandlersTest {

    @Test
    void everyPlanActionTypeHasAHandler() {
        // Guards against a new PlanAction type that the loop would silently never execute.
        assertThatCode(() -> Class.forName(
                        ActionHandlers.class.getName(), true, getClass().getClassLoader()))
                .doesNotThrowAnyException();
    }
}
