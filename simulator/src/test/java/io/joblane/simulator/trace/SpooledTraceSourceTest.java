package io.joblane.simulator.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpooledTraceSourceTest {
    @TempDir
    Path dir;

    /** Rows from a list, with the counts a file reader reports at its end; counts the opens. */
    private static final class ListSource implements TraceSource {
        final List<TraceJob> rows;
        final long badLines;
        final String firstBadLine;
        final long skippedRows;
        /** Throw from next() at this row (-1: never). */
        int failAt = -1;

        int opens;

        ListSource(List<TraceJob> rows, long badLines, String firstBadLine, long skippedRows) {
            this.rows = rows;
            this.badLines = badLines;
            this.firstBadLine = firstBadLine;
            this.skippedRows = skippedRows;
        }

        @Override
        public TraceReader open() {
            opens++;
            return new TraceReader() {
                int at;

                @Override
                public TraceJob next() throws TraceFormatException {
                    if (at == failAt) {
                        throw new TraceFormatException(at, "broken");
                    }
                    return at < rows.size() ? rows.get(at++) : null;
                }

                @Override
                public long badLines() {
                    return at >= rows.size() ? badLines : 0;
                }

                @Override
                public String firstBadLine() {
                    return at >= rows.size() ? firstBadLine : null;
                }

                @Override
                public long skippedRows() {
                    return at >= rows.size() ? skippedRows : 0;
                }

                @Override
                public void close() {}
            };
        }

        @Override
        public String describe() {
            return "list";
        }
    }

    /** Files in the copy's directory: none once a copy is complete (its name removed) or given up. */
    private long filesLeft() throws IOException {
        try (var files = Files.list(dir)) {
            return files.count();
        }
    }

    private static List<TraceJob> readAll(TraceReader reader) throws Exception {
        List<TraceJob> jobs = new ArrayList<>();
        try (reader) {
            for (TraceJob j = reader.next(); j != null; j = reader.next()) {
                jobs.add(j);
            }
            assertThat(reader.next()).as("after the end").isNull();
        }
        return jobs;
    }

    /** Rows of every shape the readers make: extremes, falling lines and times, null and repeated strings. */
    private static List<TraceJob> randomRows(long seed, int n) {
        Random r = new Random(seed);
        String[] families = {"", "alice", "bob", "ünïcødé-😀", "x".repeat(300)};
        String[] zones = {"", "zone-a", "zone-b"};
        long[] extremes = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, 1L << 40};
        List<TraceJob> rows = new ArrayList<>();
        long line = 1;
        long submit = 0;
        for (int k = 0; k < n; k++) {
            line += r.nextInt(5) == 0 ? -r.nextInt(3) : 1 + r.nextInt(3);
            submit += r.nextInt(10) == 0 ? -r.nextInt(1000) : r.nextInt(100_000);
            rows.add(new TraceJob(
                    line,
                    r.nextInt(50) == 0 ? extremes[r.nextInt(extremes.length)] : submit,
                    r.nextInt(50) == 0 ? extremes[r.nextInt(extremes.length)] : r.nextInt(86_400_000),
                    r.nextInt(32_000),
                    r.nextInt(20) == 0 ? extremes[r.nextInt(extremes.length)] : r.nextLong() >>> 20,
                    r.nextInt(9),
                    r.nextInt(20) == 0 ? Integer.MIN_VALUE + r.nextInt(3) : 1 + r.nextInt(64),
                    r.nextInt(4) == 0 ? null : "group-" + r.nextInt(3),
                    r.nextInt(3) == 0 ? 0 : r.nextInt(100_000_000),
                    families[r.nextInt(families.length)] + (r.nextBoolean() ? "" : r.nextInt(100)),
                    zones[r.nextInt(zones.length)]));
        }
        return rows;
    }

    @Test
    void laterReadsGetTheFirstCompleteReadsRowsAndCountsFromTheCopy() throws Exception {
        for (long seed = 1; seed <= 20; seed++) {
            List<TraceJob> rows = randomRows(seed, 2_000);
            ListSource file = new ListSource(rows, 3, "line 7: bad", 5);
            SpooledTraceSource source = new SpooledTraceSource(file, dir);

            assertThat(readAll(source.open())).containsExactlyElementsOf(rows);
            assertThat(source.copied()).as("seed " + seed).isTrue();
            assertThat(filesLeft())
                    .as("the copy's name removed, its mapping kept")
                    .isZero();
            for (int again = 0; again < 2; again++) {
                TraceReader copy = source.open();
                assertThat(readAll(copy)).as("seed " + seed).containsExactlyElementsOf(rows);
                assertThat(copy.badLines()).isEqualTo(3);
                assertThat(copy.firstBadLine()).isEqualTo("line 7: bad");
                assertThat(copy.skippedRows()).isEqualTo(5);
            }
            assertThat(file.opens).as("the file read once").isEqualTo(1);
        }
    }

    @Test
    void anEmptyTraceAndOneWithoutBadLinesAreCopiedToo() throws Exception {
        ListSource file = new ListSource(List.of(), 0, null, 0);
        SpooledTraceSource source = new SpooledTraceSource(file, dir);
        assertThat(readAll(source.open())).isEmpty();
        TraceReader copy = source.open();
        assertThat(readAll(copy)).isEmpty();
        assertThat(copy.firstBadLine()).isNull();
        assertThat(file.opens).isEqualTo(1);
    }

    @Test
    void stringsBeyondTheTableAreWrittenWhole() throws Exception {
        List<TraceJob> rows = new ArrayList<>();
        for (int k = 0; k < SpooledTraceSource.MAX_TABLE + 500; k++) {
            rows.add(new TraceJob(k + 1, k, 1000, 500, 1000, 0, 1, "g", 0, "family-" + k, ""));
        }
        rows.add(new TraceJob(rows.size() + 1, 0, 1000, 500, 1000, 0, 1, "g", 0, "family-3", "")); // in the table
        ListSource file = new ListSource(rows, 0, null, 0);
        SpooledTraceSource source = new SpooledTraceSource(file, dir);
        readAll(source.open());
        assertThat(readAll(source.open())).containsExactlyElementsOf(rows);
        assertThat(file.opens).isEqualTo(1);
    }

    @Test
    void aReadClosedBeforeItsEndLeavesNoCopyAndTheNextCompleteReadWritesIt() throws Exception {
        List<TraceJob> rows = randomRows(7, 100);
        ListSource file = new ListSource(rows, 0, null, 0);
        SpooledTraceSource source = new SpooledTraceSource(file, dir);
        try (TraceReader first = source.open()) {
            first.next(); // static sizing's tries stop at the first wait
        }
        assertThat(source.copied()).isFalse();
        assertThat(filesLeft()).as("the partial copy deleted").isZero();

        assertThat(readAll(source.open())).containsExactlyElementsOf(rows);
        assertThat(file.opens).as("read from the file again").isEqualTo(2);
        assertThat(source.copied()).isTrue();
        assertThat(readAll(source.open())).containsExactlyElementsOf(rows);
        assertThat(file.opens).as("then from the copy").isEqualTo(2);
    }

    @Test
    void readsOpenedWhileTheCopyIsWrittenGoToTheFile() throws Exception {
        List<TraceJob> rows = randomRows(11, 300);
        ListSource file = new ListSource(rows, 0, null, 0);
        SpooledTraceSource source = new SpooledTraceSource(file, dir);
        TraceReader writing = source.open();
        writing.next();
        TraceReader meanwhile = source.open();
        assertThat(filesLeft()).as("one copy being written").isEqualTo(1);
        assertThat(readAll(meanwhile)).containsExactlyElementsOf(rows);
        assertThat(file.opens).isEqualTo(2);
        List<TraceJob> rest = readAll(writing);
        assertThat(rest).hasSize(rows.size() - 1);
        assertThat(readAll(source.open())).containsExactlyElementsOf(rows);
        assertThat(file.opens).as("the copy serves the third read").isEqualTo(2);
    }

    @Test
    void aBadRowStopsTheReadAsBeforeAndLeavesNoCopy() throws Exception {
        List<TraceJob> rows = randomRows(3, 50);
        ListSource file = new ListSource(rows, 0, null, 0);
        file.failAt = 20;
        SpooledTraceSource source = new SpooledTraceSource(file, dir);
        assertThatThrownBy(() -> readAll(source.open()))
                .isInstanceOf(TraceFormatException.class)
                .hasMessage("line 20: broken");
        assertThat(source.copied()).isFalse();
        assertThat(filesLeft()).isZero();
        file.failAt = -1; // the row reads now (as with skip-bad-lines): the next complete read writes the copy
        assertThat(readAll(source.open())).containsExactlyElementsOf(rows);
        assertThat(source.copied()).isTrue();
        assertThat(file.opens).isEqualTo(2);
    }

    /** Reads of the copy at once (the pool's two threads), each at its own place; an interrupt closes nothing. */
    @Test
    void readsOfTheCopyInterleavedEachGetEveryRowEvenWhenInterrupted() throws Exception {
        List<TraceJob> rows = randomRows(13, 3_000);
        ListSource file = new ListSource(rows, 0, null, 0);
        SpooledTraceSource source = new SpooledTraceSource(file, dir);
        readAll(source.open());
        List<TraceJob> first = new ArrayList<>();
        List<TraceJob> second = new ArrayList<>();
        try (TraceReader a = source.open();
                TraceReader b = source.open()) {
            Thread.currentThread().interrupt();
            for (TraceJob j = a.next(); j != null; j = a.next()) {
                first.add(j);
                TraceJob k = first.size() % 3 == 0 ? null : b.next(); // b lags behind a
                if (k != null) {
                    second.add(k);
                }
            }
            for (TraceJob k = b.next(); k != null; k = b.next()) {
                second.add(k);
            }
        } finally {
            Thread.interrupted();
        }
        assertThat(first).containsExactlyElementsOf(rows);
        assertThat(second).containsExactlyElementsOf(rows);
        assertThat(readAll(source.open())).containsExactlyElementsOf(rows);
        assertThat(file.opens).isEqualTo(1);
    }

    @Test
    void whenTheCopyCannotBeWrittenEveryReadGoesToTheFile() throws Exception {
        List<TraceJob> rows = randomRows(5, 200);
        ListSource file = new ListSource(rows, 0, null, 0);
        SpooledTraceSource source = new SpooledTraceSource(file, dir.resolve("missing"));
        assertThat(readAll(source.open())).containsExactlyElementsOf(rows);
        assertThat(readAll(source.open())).containsExactlyElementsOf(rows);
        assertThat(file.opens).isEqualTo(2);

        // A family too long for the copy's string form: the copy is given up, the rows still come whole.
        List<TraceJob> longOnes = new ArrayList<>(rows);
        longOnes.add(new TraceJob(999, 5, 1000, 500, 1000, 0, 1, "g", 0, "f".repeat(70_000), ""));
        ListSource longFile = new ListSource(longOnes, 0, null, 0);
        SpooledTraceSource longSource = new SpooledTraceSource(longFile, dir);
        assertThat(readAll(longSource.open())).containsExactlyElementsOf(longOnes);
        assertThat(longSource.copied()).isFalse();
        assertThat(filesLeft()).isZero();
        assertThat(readAll(longSource.open())).containsExactlyElementsOf(longOnes);
        assertThat(longFile.opens).isEqualTo(2);
    }
}
