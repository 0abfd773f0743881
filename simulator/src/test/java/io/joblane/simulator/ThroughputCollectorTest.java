package io.joblane.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThroughputCollectorTest {
    private static final Path JAVA_HOME = Path.of("/opt/jdk");
    private static final Path JAR = Path.of("/work/simulator/target/joblane-simulator.jar");
    private static final List<String> G1 = List.of("G1 Young Generation", "G1 Old Generation");
    private static final String[] ARGS = {"--trace", "t.csv", "--timing"};
    private static final long PID = 4242;

    @Test
    void javaJarOnTheDefaultCollectorRunsAgainOnParallelKeepingTheUsersJvmOptionsAndArguments() {
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME, List.of("-Xmx2g", "-Dx=y"), JAR.toString(), JAR, G1, Map.of(), PID, ARGS))
                .contains(List.of(
                        "/opt/jdk/bin/java",
                        "-XX:+UseParallelGC",
                        "-Djoblane.simulator.parent=4242",
                        "-Xmx2g",
                        "-Dx=y",
                        "-jar",
                        JAR.toString(),
                        "--trace",
                        "t.csv",
                        "--timing"));
    }

    @Test
    void aJarNamedRelativelyIsStillOurs() {
        Path relative = Path.of("").toAbsolutePath().relativize(JAR);
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME, List.of(), relative.toString(), JAR, G1, Map.of(), PID, ARGS))
                .isPresent();
    }

    @Test
    void aJvmTheUserTunedIsLeftAsItIs() {
        for (String tuning : List.of(
                "-XX:+UseG1GC",
                "-XX:StartFlightRecording",
                "-agentlib:jdwp=x",
                "-javaagent:a.jar",
                "-Xrunhprof",
                // taken twice they would clash: a JMX port, a GC log file
                "-Dcom.sun.management.jmxremote.port=9417",
                "-Xlog:gc:file=gc.log",
                "-verbose:gc",
                "-Xint")) {
            assertThat(ThroughputCollector.relaunchCommand(
                            JAVA_HOME, List.of(tuning), JAR.toString(), JAR, G1, Map.of(), PID, ARGS))
                    .as(tuning)
                    .isEmpty();
        }
        for (String variable : List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS")) {
            assertThat(ThroughputCollector.relaunchCommand(
                            JAVA_HOME, List.of(), JAR.toString(), JAR, G1, Map.of(variable, "-Xmx1g"), PID, ARGS))
                    .as(variable)
                    .isEmpty();
        }
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME, List.of(), JAR.toString(), JAR, G1, Map.of("JAVA_TOOL_OPTIONS", " "), PID, ARGS))
                .as("blank is unset")
                .isPresent();
    }

    @Test
    void sizesPropertiesAssertionsAndModuleOptionsArePassedOn() {
        List<String> options = List.of(
                "-Xmx2g",
                "-Xms1g",
                "-Xss4m",
                "-Dlog.level=debug",
                "-ea",
                "--add-opens=java.base/java.lang=ALL-UNNAMED");
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME, options, JAR.toString(), JAR, G1, Map.of(), PID, ARGS))
                .hasValueSatisfying(command -> assertThat(command).containsSubsequence(options));
    }

    @Test
    void anotherCollectorOrAnotherLauncherRunsHere() {
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME,
                        List.of(),
                        JAR.toString(),
                        JAR,
                        List.of("Copy", "MarkSweepCompact"),
                        Map.of(),
                        PID,
                        ARGS))
                .as("the JVM's pick on a small machine")
                .isEmpty();
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME,
                        List.of(),
                        "/work/simulator/target/classes:/m2/picocli.jar",
                        JAR,
                        G1,
                        Map.of(),
                        PID,
                        ARGS))
                .as("a class path of several entries")
                .isEmpty();
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME,
                        List.of(),
                        "/tmp/surefirebooter.jar",
                        Path.of("/work/simulator/target/classes"),
                        G1,
                        Map.of(),
                        PID,
                        ARGS))
                .as("classes from a directory (tests)")
                .isEmpty();
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME, List.of(), JAR.toString(), null, G1, Map.of(), PID, ARGS))
                .isEmpty();
    }

    @Test
    void theTimingLineNamesTheCollectorThisJvmRuns() {
        assertThat(ThroughputCollector.collectorName()).isIn("G1", "Parallel", "Serial");
    }
}
