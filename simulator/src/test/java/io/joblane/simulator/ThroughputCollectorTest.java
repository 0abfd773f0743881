package io.joblane.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThroughputCollectorTest {
    private static final Path JAVA_HOME = Path.of("/opt/jdk");
    private static final Path JAR = Path.of("/work/simulator/target/joblane-simulator.jar");
    private static final List<String> G1 = List.of(ThroughputCollector.G1_YOUNG, "G1 Old Generation");
    private static final String[] ARGS = {"--trace", "t.csv", "--timing"};
    private static final long PID = 4242;

    @Test
    void javaJarOnTheDefaultCollectorRunsAgainOnParallelKeepingTheUsersJvmOptionsAndArguments() {
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME, List.of("-Xmx2g", "-Dx=y"), JAR, G1, Map.of(), PID, ARGS, () -> null, List::of))
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

    /** The compiler's flags go to the second JVM after the collector's, before the jar. */
    @Test
    void theSecondJvmGetsTheCompilerSettingsAfterTheCollector() {
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME,
                        List.of("-Xmx2g"),
                        JAR,
                        G1,
                        Map.of(),
                        PID,
                        ARGS,
                        () -> "always [madvise] never\n",
                        () -> ThroughputCollector.COMPILER_FLAGS))
                .hasValueSatisfying(command -> assertThat(command)
                        .containsSubsequence(java.util.stream.Stream.of(
                                        List.of("-XX:+UseParallelGC", "-XX:+UseTransparentHugePages"),
                                        ThroughputCollector.COMPILER_FLAGS, // their values: the test below
                                        List.of("-Xmx2g", "-jar"))
                                .flatMap(List::stream)
                                .toList()));
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME,
                        List.of("-XX:+UseG1GC"),
                        JAR,
                        G1,
                        Map.of(),
                        PID,
                        ARGS,
                        ThroughputCollectorTest::notAsked,
                        ThroughputCollectorTest::notAsked))
                .as("a JVM the user tuned simulates itself, with its own compiler settings, probing nothing")
                .isEmpty();
    }

    /** A probe that must not run: the JVM simulates itself, so nothing is read for a command. */
    private static <T> T notAsked() {
        throw new AssertionError("probed for a JVM that is not started");
    }

    /** A HotSpot server VM (C2) has every option; a JVM without them gets none, rather than failing to start. */
    @Test
    void compilerSettingsOnlyWhereThisJvmHasThem() {
        List<String> flags = ThroughputCollector.compilerFlags();
        assertThat(flags).isIn(ThroughputCollector.COMPILER_FLAGS, List.of());
        if (System.getProperty("java.vm.name", "").contains("Server VM")) {
            assertThat(flags)
                    .containsExactly(
                            "-XX:FreqInlineSize=100",
                            "-XX:InlineSmallCode=1000",
                            "-XX:Tier4InvocationThreshold=50000",
                            "-XX:Tier4MinInvocationThreshold=6000",
                            "-XX:Tier4CompileThreshold=150000",
                            "-XX:Tier4BackEdgeThreshold=400000");
        }
    }

    @Test
    void hugePagesAreAskedForOnlyWhereLinuxGivesThemOnRequest() {
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME, List.of(), JAR, G1, Map.of(), PID, ARGS, () -> "always [madvise] never\n", List::of))
                .hasValueSatisfying(command -> assertThat(command)
                        .containsSubsequence("-XX:+UseParallelGC", "-XX:+UseTransparentHugePages", "-jar"));
        for (String mode : List.of("[always] madvise never\n", "always madvise [never]\n")) {
            assertThat(ThroughputCollector.relaunchCommand(
                            JAVA_HOME, List.of(), JAR, G1, Map.of(), PID, ARGS, () -> mode, List::of))
                    .as(mode)
                    .hasValueSatisfying(command -> assertThat(command).doesNotContain("-XX:+UseTransparentHugePages"));
        }
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
                            JAVA_HOME, List.of(tuning), JAR, G1, Map.of(), PID, ARGS, () -> null, List::of))
                    .as(tuning)
                    .isEmpty();
        }
        for (String variable : ThroughputCollector.TUNING_ENVIRONMENT) {
            assertThat(ThroughputCollector.relaunchCommand(
                            JAVA_HOME, List.of(), JAR, G1, Map.of(variable, "-Xmx1g"), PID, ARGS, () -> null, List::of))
                    .as(variable)
                    .isEmpty();
        }
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME,
                        List.of(),
                        JAR,
                        G1,
                        Map.of("JAVA_TOOL_OPTIONS", " "),
                        PID,
                        ARGS,
                        () -> null,
                        List::of))
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
                        JAVA_HOME, options, JAR, G1, Map.of(), PID, ARGS, () -> null, List::of))
                .hasValueSatisfying(command -> assertThat(command).containsSubsequence(options));
    }

    @Test
    void anotherCollectorOrAnotherLauncherRunsHere() {
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME,
                        List.of(),
                        JAR,
                        List.of("Copy", "MarkSweepCompact"),
                        Map.of(),
                        PID,
                        ARGS,
                        () -> null,
                        List::of))
                .as("the JVM's pick on a small machine")
                .isEmpty();
        assertThat(ThroughputCollector.relaunchCommand(
                        JAVA_HOME, List.of(), null, G1, Map.of(), PID, ARGS, () -> null, List::of))
                .as("not started from our jar")
                .isEmpty();
    }

    @Test
    void ourJarIsTheOnlyClassPathEntryAndHoldsTheSimulator(@TempDir Path dir) throws Exception {
        Path ours = jar(dir.resolve("joblane-simulator.jar"), "io/joblane/simulator/ThroughputCollector.class");
        Path booter = jar(dir.resolve("surefirebooter.jar"), "org/apache/maven/surefire/booter/ForkedBooter.class");
        assertThat(ThroughputCollector.ownJar(ours.toString())).isEqualTo(ours);
        assertThat(ThroughputCollector.ownJar(booter.toString()))
                .as("a test's booter")
                .isNull();
        assertThat(ThroughputCollector.ownJar(ours + File.pathSeparator + booter))
                .as("several entries")
                .isNull();
        assertThat(ThroughputCollector.ownJar(dir.toString()))
                .as("classes from a directory")
                .isNull();
        assertThat(ThroughputCollector.ownJar(null)).isNull();
    }

    private static Path jar(Path path, String entry) throws Exception {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(path))) {
            out.putNextEntry(new JarEntry(entry));
            out.closeEntry();
        }
        return path;
    }

    @Test
    void theTimingLineNamesTheCollectorThisJvmRuns() {
        assertThat(ThroughputCollector.collectorName()).isIn("G1", "Parallel", "Serial");
    }
}
