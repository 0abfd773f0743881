package io.joblane.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The built jar as users run it, {@code java -jar}: the collector it simulates on and the exit codes it returns. */
class SimulatorJarIT {
    private static final Path JAR = Path.of(System.getProperty("joblane.simulatorJar", "target/joblane-simulator.jar"));
    private static final Path TRACE = Path.of("../examples/traces/example.csv");
    private static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private record Run(int exitCode, String out) {}

    private static Run java(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(List.of(args));
        ProcessBuilder builder = untuned(command).redirectErrorStream(true);
        Path out = Files.createTempFile("simulate", ".out");
        Process process = builder.redirectOutput(out.toFile()).start();
        try {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("ended").isTrue();
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            stop(process);
            Files.delete(out);
        }
    }

    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static ProcessBuilder untuned(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        for (String variable : ThroughputCollector.TUNING_ENVIRONMENT) {
            builder.environment().remove(variable);
        }
        return builder;
    }

    /** What {@code java -jar} picks on this machine: G1 on a server-class one, which the jar trades for Parallel. */
    private static String expectedByDefault() {
        // This JVM tells the machine's default only when no environment variable chose for it.
        org.junit.jupiter.api.Assumptions.assumeTrue(
                ThroughputCollector.TUNING_ENVIRONMENT.stream()
                        .allMatch(v -> System.getenv().getOrDefault(v, "").isBlank()),
                "JVM options in the environment");
        boolean g1 = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .anyMatch(gc -> gc.getName().equals(ThroughputCollector.G1_YOUNG));
        return g1 ? "(Parallel GC)" : "(Serial GC)";
    }

    @Test
    void onTheDefaultCollectorTheJarSimulatesOnTheThroughputOne() throws Exception {
        Run run = java(
                "-Xmx256m", "-jar", JAR.toString(), "--trace", TRACE.toString(), "--policies", "static", "--timing");
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).contains("static").contains(expectedByDefault());
        java.util.regex.Matcher limit =
                java.util.regex.Pattern.compile("limit (\\d+) MiB").matcher(run.out());
        assertThat(limit.find()).as(run.out()).isTrue();
        assertThat(Integer.parseInt(limit.group(1))).as("-Xmx kept").isBetween(200, 256);
    }

    @Test
    void aCollectorTheUserChoseIsKept() throws Exception {
        Run run = java(
                "-XX:+UseSerialGC",
                "-jar",
                JAR.toString(),
                "--trace",
                TRACE.toString(),
                "--policies",
                "static",
                "--timing");
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).contains("(Serial GC)");
    }

    @Test
    void theSimulatingJvmStopsWhenTheFirstIsKilledOutright() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                expectedByDefault().equals("(Parallel GC)"), "no relaunch where the default is not G1");
        Process first = untuned(
                        List.of(JAVA, "-jar", JAR.toString(), "--synthetic", "400000", "--synthetic-days", "28"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        java.util.concurrent.atomic.AtomicReference<ProcessHandle> simulating =
                new java.util.concurrent.atomic.AtomicReference<>();
        try {
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> first.descendants().findAny().isPresent());
            simulating.set(first.descendants().findFirst().orElseThrow());
            first.destroyForcibly(); // SIGKILL: no shutdown hook runs
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> !simulating.get().isAlive());
        } finally {
            stop(first);
            if (simulating.get() != null) {
                simulating.get().destroyForcibly(); // an orphan, when the behaviour under test failed
            }
        }
    }

    @Test
    void aUsageErrorKeepsItsExitCodeThroughTheRelaunch() throws Exception {
        Run run = java("-jar", JAR.toString(), "--trace", TRACE.toString(), "--policies", "no-such-policy");
        assertThat(run.exitCode()).as(run.out()).isEqualTo(2);
        assertThat(run.out()).contains("no-such-policy");
    }
}
