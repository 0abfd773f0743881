package io.joblane.simulator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScanGridTest {
    private static final long MIN = 60_000;

    /** Scans every 7 s from 0: a recheck due at 5:00 happens at the scan of 5:01, the next is due at 10:01. */
    @Test
    void aRecheckOffTheGridHappensAtTheNextScanAndCountsFromIt() {
        ScanGrid grid = new ScanGrid();
        grid.start(0);
        grid.every(7_000);

        assertThat(grid.rechecked(5 * MIN, 5 * MIN, 5 * MIN, true))
                .as("no scan at 5:00: not yet rechecked")
                .isEqualTo(5 * MIN);
        assertThat(grid.rechecked(5 * MIN, 5 * MIN, 5 * MIN + 1_000, false))
                .as("the scan at 5:01 has not run yet")
                .isEqualTo(5 * MIN);
        assertThat(grid.rechecked(5 * MIN, 5 * MIN, 5 * MIN + 1_000, true)).isEqualTo(10 * MIN + 1_000);
        assertThat(grid.rechecked(5 * MIN, 5 * MIN, 11 * MIN + 40_000, false))
                .as("rechecked at 5:01 and 10:02 (the first scan at or after 10:01)")
                .isEqualTo(15 * MIN + 2_000);
    }

    @Test
    void aNodeNeverFoundUnremovableHasNoRecheck() {
        ScanGrid grid = new ScanGrid();
        grid.start(3_000);
        grid.every(10_000);
        assertThat(grid.rechecked(-1, 5 * MIN, 60 * MIN, true)).isEqualTo(-1);
        assertThat(grid.known()).isTrue();
        assertThat(new ScanGrid().known()).as("no interval given").isFalse();
    }

    @Test
    void catchingUpWithoutAGridIsABug() {
        ScanGrid unknown = new ScanGrid();
        assertThat(unknown.rechecked(-1, 5 * MIN, 60 * MIN, true))
                .as("nothing to catch up")
                .isEqualTo(-1);
        assertThatThrownBy(() -> unknown.rechecked(5 * MIN, 5 * MIN, 60 * MIN, true))
                .isInstanceOf(IllegalStateException.class);
    }
}
