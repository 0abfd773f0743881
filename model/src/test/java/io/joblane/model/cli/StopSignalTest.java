package io.joblane.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;

/** SIGTERM raised in this JVM: while a StopSignal is open it only runs the stop (else it would end the test JVM). */
class StopSignalTest {

    @Test
    void sigtermRunsTheStopAndClosingPutsThePreviousHandlerBack() throws Exception {
        Semaphore outer = new Semaphore(0);
        Semaphore inner = new Semaphore(0);
        try (StopSignal first = StopSignal.onTerm(outer::release)) {
            try (StopSignal second = StopSignal.onTerm(inner::release)) {
                Signal.raise(new Signal("TERM"));
                assertThat(inner.tryAcquire(10, TimeUnit.SECONDS))
                        .as("the open handler ran")
                        .isTrue();
            }
            Signal.raise(new Signal("TERM"));
            assertThat(outer.tryAcquire(10, TimeUnit.SECONDS))
                    .as("the previous handler is back")
                    .isTrue();
            assertThat(inner.availablePermits()).isZero();
        }
    }
}
