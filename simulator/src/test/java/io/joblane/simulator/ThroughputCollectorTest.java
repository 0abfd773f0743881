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

    @Test
    void javaJarOnTheDefaultCollectorRunsAgainOnParallelKeepingTheUsersJvmOptionsAndArguments() {
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME, List.of("-Xmx2g", "-Dx=y"), JAR.toString(), JAR, G1, Map.of(), ARGS))
                .contains(List.of(
                        "/opt/jdk/bin/java",
                        "-XX:+UseParallelGC",
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
                        JAVA_HOME, List.of(), relative.toString(), JAR, G1, Map.of(), ARGS))
                .isPresent();
    }

    @Test
    void aJvmTheUserTunedIsLeftAsItIs() {
        for (String tuning :
                List.of("-XX:+UseG1GC", "-XX:StartFlightRecording", "-agentlib:jdwp=x", "-javaagent:a.jar")) {
            assertThat(ThroughputCollector.relaunchCommand(
                            JAVA_HOME, List.of(tuning), JAR.toString(), JAR, G1, Map.of(), ARGS))
                    .as(tuning)
                    .isEmpty();
        }
        for (String variable : List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS")) {
            assertThat(ThroughputCollector.relaunchCommand(
                            JAVA_HOME, List.of(), JAR.toString(), JAR, G1, Map.of(variable, "-Xmx1g"), ARGS))
                    .as(variable)
                    .isEmpty();
        }
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME, List.of(), JAR.toString(), JAR, G1, Map.of("JAVA_TOOL_OPTIONS", " "), ARGS))
                .as("blank is unset")
                .isPresent();
    }

    @Test
    void anotherCollectorOrAnotherLauncherRunsHere() {
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME, List.of(), JAR.toString(), JAR, List.of("Copy", "MarkSweepCompact"), Map.of(), ARGS))
                .as("the JVM's pick on a small machine")
                .isEmpty();
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME,
                        List.of(),
                        "/work/simulator/target/classes:/m2/picocli.jar",
                        JAR,
                        G1,
                        Map.of(),
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
                        ARGS))
                .as("classes from a directory (tests)")
                .isEmpty();
        assertThat(ThroughputCollector.relaunchCommand(JAVA_HOME, List.of(), JAR.toString(), null, G1, Map.of(), ARGS))
                .isEmpty();
    }

    @Test
    void theTimingLineNamesTheCollectorThisJvmRuns() {
        assertThat(ThroughputCollector.collectorName()).isIn("G1", "Parallel", "Serial");
    }
}
