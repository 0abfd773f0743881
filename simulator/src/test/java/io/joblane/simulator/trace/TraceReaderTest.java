package io.joblane.simulator.trace;

import static io.joblane.model.Quantity.GI;
import static io.joblane.model.Quantity.MI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceReaderTest {

    private static List<TraceJob> readAll(TraceReader reader) throws Exception {
        List<TraceJob> jobs = new ArrayList<>();
        for (TraceJob j = reader.next(); j != null; j = reader.next()) {
            jobs.add(j);
        }
        return jobs;
    }

    private static BufferedReader text(String s) {
        return new BufferedReader(new StringReader(s));
    }

    @Test
    void csvReadsColumnsByHeaderNameWithQuantitiesAndDefaults() throws Exception {
        String csv = """
                # a comment
                group,memory,cpu,duration,submit,count,gpu
                batch,512Mi,500m,60,0,,
                batch,4Gi,2,3600.5,10,3,1

                gpu,1Gi,1,5,20,1,0
                """;
        List<TraceJob> jobs = readAll(new CsvTraceReader(text(csv), false, null));
        assertThat(jobs).hasSize(3);
        assertThat(jobs.get(0)).isEqualTo(new TraceJob(3, 0, 60_000, 500, 512 * MI, 0, 1, "batch"));
        assertThat(jobs.get(1)).isEqualTo(new TraceJob(4, 10_000, 3_600_500, 2000, 4 * GI, 1, 3, "batch"));
        assertThat(jobs.get(2).line()).isEqualTo(6);
    }

    @Test
    void csvGroupFilterSkipsOtherGroupsByRule() throws Exception {
        String csv = "submit,duration,cpu,memory,group\n0,1,1,1Gi,a\n1,1,1,1Gi,b\n";
        CsvTraceReader reader = new CsvTraceReader(text(csv), false, "b");
        assertThat(readAll(reader)).extracting(TraceJob::group).containsExactly("b");
        assertThat(reader.skippedRows()).isEqualTo(1);
    }

    @Test
    void csvBadLineNamesItsLineNumberAndField() throws Exception {
        String csv = "submit,duration,cpu,memory\n0,60,1,1Gi\n5,60,lots,1Gi\n";
        CsvTraceReader reader = new CsvTraceReader(text(csv), false, null);
        reader.next();
        assertThatThrownBy(reader::next)
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("cpu");
    }

    @Test
    void csvSkipBadLinesCarriesOnAndCountsThem() throws Exception {
        String csv = """
                submit,duration,cpu,memory
                0,60,1,1Gi
                5,60,1
                6,-1,1,1Gi
                7,60,1,1Gi
                3,60,1,1Gi
                8,60,1,2Gi
                """;
        CsvTraceReader reader = new CsvTraceReader(text(csv), true, null);
        assertThat(readAll(reader)).extracting(TraceJob::line).containsExactly(2L, 5L, 7L);
        assertThat(reader.badLines()).isEqualTo(3);
        assertThat(reader.firstBadLineError().line()).isEqualTo(3);
        assertThat(reader.firstBadLine()).startsWith("line 3: ");
    }

    @Test
    void csvOutOfOrderSubmitIsABadLine() throws Exception {
        CsvTraceReader reader =
                new CsvTraceReader(text("submit,duration,cpu,memory\n10,1,1,1Gi\n5,1,1,1Gi\n"), false, null);
        reader.next();
        assertThatThrownBy(reader::next).hasMessageContaining("line 3").hasMessageContaining("sort");
    }

    @Test
    void csvHeaderAfterAByteOrderMarkIsRead() throws Exception {
        CsvTraceReader reader = new CsvTraceReader(text("\uFEFFsubmit,duration,cpu,memory\n0,1,1,1Gi\n"), false, null);
        assertThat(readAll(reader)).hasSize(1);
    }

    @Test
    void csvHeaderWithoutRequiredColumnIsRefused() {
        assertThatThrownBy(() -> new CsvTraceReader(text("submit,duration,cpu\n0,1,1\n"), false, null))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("memory");
    }

    @Test
    void swfMapsProcessorsToCoresAndMemoryPerProcessorWithDefaults() throws Exception {
        String swf = """
                ; Version: 2.2
                ; MaxProcs: 100
                   15   599850 192180   3477    4     -1    -1    4  53940    -1  1  12  12  -1 -1 -1 -1 -1
                   16   600022  11940   2488   25     -1  1024   25   3600  2048  1  13  13  -1 -1 -1 -1 -1
                   17   600100     -1     -1    2     -1    -1    2   3600    -1  0  13  13  -1 -1 -1 -1 -1
                   18   600200      0     10   -1     -1   512    3    100    -1  1  13  13  -1 -1 -1 -1 -1
                """;
        SwfTraceReader reader = new SwfTraceReader(text(swf), false, 16, 2 * GI);
        List<TraceJob> jobs = readAll(reader);
        assertThat(jobs).hasSize(3);
        // 4 processors, no memory fields: the documented default per core; requested time (field 9) is the deadline
        // and the user (field 12) the family.
        assertThat(jobs.get(0))
                .isEqualTo(new TraceJob(3, 599_850_000, 3_477_000, 4000, 8 * GI, 0, 1, "", 53_940_000, "user-12"));
        // 25 processors on 16-core nodes: 2 pods of 13 cores; requested memory (2048 KB) wins over used.
        assertThat(jobs.get(1))
                .isEqualTo(new TraceJob(
                        4, 600_022_000, 2_488_000, 13_000, 13 * 2048 * 1024_000L, 0, 2, "", 3_600_000, "user-13"));
        // Allocated processors unknown: requested processors; used memory when none requested.
        assertThat(jobs.get(2))
                .isEqualTo(
                        new TraceJob(6, 600_200_000, 10_000, 3000, 3 * 512 * 1024_000L, 0, 1, "", 100_000, "user-13"));
        assertThat(reader.skippedRows()).isEqualTo(1);
    }

    /** A user's Jobs share one family name, for small and large user numbers; no user (0, -1) is no family. */
    @Test
    void swfGivesEachUserOneFamilyName() throws Exception {
        String swf = """
                    1   0  0  60  1  -1  -1  1  100  -1  1      300  1  -1 -1 -1 -1 -1
                    2   1  0  60  1  -1  -1  1  100  -1  1   700000  1  -1 -1 -1 -1 -1
                    3   2  0  60  1  -1  -1  1  100  -1  1      300  1  -1 -1 -1 -1 -1
                    4   3  0  60  1  -1  -1  1  100  -1  1   700000  1  -1 -1 -1 -1 -1
                    5   4  0  60  1  -1  -1  1  100  -1  1       12  1  -1 -1 -1 -1 -1
                    6   5  0  60  1  -1  -1  1  100  -1  1       -1  1  -1 -1 -1 -1 -1
                    7   6  0  60  1  -1  -1  1  100  -1  1        0  1  -1 -1 -1 -1 -1
                """;
        List<TraceJob> jobs = readAll(new SwfTraceReader(text(swf), false, 16, 2 * GI));
        assertThat(jobs)
                .extracting(TraceJob::family)
                .containsExactly("user-300", "user-700000", "user-300", "user-700000", "user-12", "", "");
        assertThat(jobs.get(2).family()).isSameAs(jobs.get(0).family());
        assertThat(jobs.get(3).family()).isSameAs(jobs.get(1).family());
    }

    @Test
    void csvReadsTheOptionalDeadlineAndFamilyColumns() throws Exception {
        List<TraceJob> jobs = readAll(new CsvTraceReader(
                text("submit,duration,cpu,memory,deadline,family\n0,60,1,1Gi,600,nightly\n5,60,1,1Gi,,\n"),
                false,
                null));
        assertThat(jobs.get(0).deadlineMillis()).isEqualTo(600_000);
        assertThat(jobs.get(0).family()).isEqualTo("nightly");
        assertThat(jobs.get(1).deadlineMillis()).isZero();
        assertThat(jobs.get(1).family()).isEmpty();
    }

    @Test
    void swfShortLineIsReportedWithItsNumber() throws Exception {
        SwfTraceReader reader = new SwfTraceReader(text("; c\n1 2 3\n"), false, 16, GI);
        assertThatThrownBy(reader::next).hasMessageContaining("line 2").hasMessageContaining("18");
    }

    @Test
    void alibabaMapsLifetimeAndRequestsAndSkipsNeverScheduledPods() throws Exception {
        String csv = """
                name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time
                openb-pod-0000,12000,16384,1,460,,LS,Running,0,1000,10
                openb-pod-0001,6000,12288,0,0,,BE,Pending,5,100,
                openb-pod-0002,6000,12288,2,1000,,LS,Succeeded,7,107,8
                openb-pod-0003,6000,12288,2,1000,,LS,Succeeded,9,1,8
                """;
        AlibabaTraceReader reader = new AlibabaTraceReader(text(csv), true);
        List<TraceJob> jobs = readAll(reader);
        assertThat(jobs)
                .containsExactly(
                        new TraceJob(2, 0, 990_000, 12_000, 16 * GI, 1, 1, ""),
                        new TraceJob(4, 7_000, 99_000, 6000, 12 * GI, 2, 1, ""));
        assertThat(reader.skippedRows()).isEqualTo(1);
        assertThat(reader.badLines()).isEqualTo(1);
    }

    @Test
    void realTracesParseWithoutBadLines() throws Exception {
        java.nio.file.Path swf = java.nio.file.Path.of("../../shared/traces/pwa-kth-sp2-1996/KTH-SP2-1996-2.1-cln.swf");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(swf), "../shared not beside the repo");
        assertThat(TraceFormat.detect(swf)).isEqualTo(TraceFormat.SWF);
        try (TraceReader reader =
                TraceSource.file(swf, TraceFormat.SWF, false, null, 16, 2 * GI).open()) {
            assertThat(readAll(reader)).hasSize(27_992);
        }
        java.nio.file.Path ali =
                java.nio.file.Path.of("../../shared/traces/alibaba-gpu-v2023-k8s-pods/openb_pod_list_default.csv");
        assertThat(TraceFormat.detect(ali)).isEqualTo(TraceFormat.ALIBABA);
        try (TraceReader reader =
                TraceSource.file(ali, TraceFormat.ALIBABA, false, null, 16, GI).open()) {
            assertThat(readAll(reader).size() + reader.skippedRows()).isEqualTo(8152);
        }
    }
}
