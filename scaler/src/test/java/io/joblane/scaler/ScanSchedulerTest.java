package io.joblane.scaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ScanSchedulerTest {

    // Guards against a scan per informer event: a burst of changes during a scan must yield one follow-up scan.
    @Test
    void changesDuringAScanAreCoalescedIntoOneFollowUpScan() throws Exception {
        AtomicInteger scans = new AtomicInteger();
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        ScanScheduler scheduler = new ScanScheduler(
                () -> {
                    if (scans.incrementAndGet() == 1) {
                        firstStarted.countDown();
                        await().atMost(Duration.ofSeconds(30)).until(() -> releaseFirst.getCount() == 0);
                    }
                },
                () -> Duration.ofHours(1),
                Duration.ofMillis(50),
                Duration.ofMillis(100));
        try {
            scheduler.start();
            assertThat(firstStarted.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 50; i++) {
                scheduler.trigger();
            }
            releaseFirst.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> scans.get() == 2);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> scans.get() == 2);
        } finally {
            scheduler.close();
        }
    }

    @Test
    void closeWaitsForTheScanInProgressAndStopsScheduling() throws Exception {
        AtomicInteger scans = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        ScanScheduler scheduler = new ScanScheduler(
                () -> {
                    scans.incrementAndGet();
                    started.countDown();
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    finished.incrementAndGet();
                },
                () -> Duration.ofMillis(1),
                Duration.ZERO,
                Duration.ZERO);
        scheduler.start();
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        scheduler.close();
        int after = scans.get();
        assertThat(finished.get()).isEqualTo(after);
        scheduler.trigger();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> scans.get() == after);
    }
}
