package io.joblane.simulator;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.File;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.jar.JarFile;

/**
 * A simulation is a batch computation: the JVM's throughput collector (Parallel) runs it about 12% faster than the
 * default G1, which spends its CPU on concurrent work and costlier write barriers to keep pauses short (measured in
 * simulator/README.md). A jar cannot choose its collector, so {@code java -jar} on the default collector runs the
 * same jar once more with it, passing on only options known to mean the same in a second JVM (heap and stack sizes,
 * plain system properties, assertions, module options). Any other option (a collector, logging, JMX, an agent) or
 * JVM options from the environment mean the user tuned this JVM: it simulates itself, {@code java -XX:+UseG1GC -jar}
 * keeps G1. The second JVM stops when the first one goes, even killed outright. It also gets huge pages where Linux
 * gives them on request, and C2 settings for a long batch run ({@link #COMPILER_FLAGS}).
 */
final class ThroughputCollector {
    static final String FLAG = "-XX:+UseParallelGC";
    /**
     * Heap in 2 MiB pages: the planner walks thousands of small objects per pass, and with 4 KiB pages many of those
     * reads also miss the TLB (about 7% of the CPU on the whole of RICC, measured in simulator/README.md).
     */
    static final String HUGE_PAGES_FLAG = "-XX:+UseTransparentHugePages";
    /**
     * C2's inlining limits, below HotSpot's defaults (325 bytecodes for a hot callee, 2,500 bytes of compiled code on
     * x64): the planner's methods inlined whole trees of thousands of bytecodes, which C2 spent a third of the
     * process's CPU compiling and compiling again; with these it compiles about half as long, and the simulation runs
     * no slower side by side (measured in simulator/README.md, the thirtieth round). Then the tier-4 thresholds, ten
     * times HotSpot's (5,000 calls, or 600 once calls and loop turns pass 15,000; 40,000 turns for a loop on the
     * stack): on two cores C2 competes with the simulating threads, and methods only lukewarm in a run of minutes stay
     * in C1 code; all twelve policies over RICC ran about 6% faster in alternating pairs, thirty times was slower (the
     * thirty-third round).
     */
    static final List<String> COMPILER_FLAGS = List.of(
            "-XX:FreqInlineSize=100",
            "-XX:InlineSmallCode=1000",
            "-XX:Tier4InvocationThreshold=50000",
            "-XX:Tier4MinInvocationThreshold=6000",
            "-XX:Tier4CompileThreshold=150000",
            "-XX:Tier4BackEdgeThreshold=400000");
    /** Linux's transparent huge page mode, e.g. {@code always [madvise] never}, the chosen one in brackets. */
    private static final Path HUGE_PAGES_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    /** The first JVM's pid, set on the second one: it stops when that process goes. */
    static final String PARENT_PROPERTY = "joblane.simulator.parent";

    /** The young collector's bean name when the JVM runs G1. */
    static final String G1_YOUNG = "G1 Young Generation";
    /** The launcher's and the JVM's own option variables: set, the user chose this JVM's options. */
    static final List<String> TUNING_ENVIRONMENT = List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS");
    /** Options that mean the same in the second JVM; a JMX port, a log file or an agent would be taken twice. */
    private static final List<String> PASSED_ON_PREFIXES = List.of(
            "-Xmx",
            "-Xms",
            "-Xss",
            "-Xmn",
            "-ea",
            "-da",
            "-esa",
            "-dsa",
            "-enableassertions",
            "-disableassertions",
            "--add-opens",
            "--add-exports",
            "--add-modules",
            "--add-reads",
            "--enable-preview",
            "--enable-native-access");

    private ThroughputCollector() {}

    /**
     * The command that runs {@code ownJar} again on the throughput collector, or empty when this JVM should run the
     * simulation itself: it was not started as {@code java -jar ownJar} ({@code ownJar} null, see {@link #ownJar}), it
     * does not run the default G1, or the user tuned it. {@code hugePagesMode}: Linux's transparent huge page mode
     * ({@link #hugePagesMode}), null elsewhere; only {@code madvise} needs the JVM to ask for them ({@code always}
     * gives them unasked, with {@code never} a JVM may print a warning on stderr for the flag). {@code compilerFlags}:
     * options for the second JVM's compiler ({@link #compilerFlags}), after the collector's. Both are asked only for
     * a command: the second JVM and a tuned one do not read the kernel's file or probe their options.
     */
    static Optional<List<String>> relaunchCommand(
            Path javaHome,
            List<String> jvmArgs,
            Path ownJar,
            List<String> collectors,
            Map<String, String> env,
            long parentPid,
            String[] args,
            Supplier<String> hugePagesMode,
            Supplier<List<String>> compilerFlags) {
        if (ownJar == null) {
            return Optional.empty();
        }
        if (!collectors.contains(G1_YOUNG)) {
            return Optional.empty(); // a collector chosen, or the JVM's pick on a small machine (Serial)
        }
        boolean tuned = !jvmArgs.stream().allMatch(ThroughputCollector::passedOn)
                || TUNING_ENVIRONMENT.stream()
                        .anyMatch(v -> !env.getOrDefault(v, "").isBlank());
        if (tuned) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.add(FLAG);
        String pagesMode = hugePagesMode.get();
        if (pagesMode != null && pagesMode.contains("[madvise]")) {
            command.add(HUGE_PAGES_FLAG);
        }
        command.addAll(compilerFlags.get());
        command.add("-D" + PARENT_PROPERTY + "=" + parentPid);
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(ownJar.toString());
        command.addAll(Arrays.asList(args));
        return Optional.of(command);
    }

    /**
     * Runs this jar again on the throughput collector when {@link #relaunchCommand} says so, with the terminal and
     * streams inherited, and returns its exit code; empty when this JVM should run the simulation itself (also when
     * the new JVM cannot be started: then it runs here, slower, after a warning).
     */
    static OptionalInt relaunchIfDefault(String[] args) {
        Optional<List<String>> command = relaunchCommand(
                Path.of(System.getProperty("java.home")),
                ManagementFactory.getRuntimeMXBean().getInputArguments(),
                ownJar(System.getProperty("java.class.path")),
                collectorNames(),
                System.getenv(),
                ProcessHandle.current().pid(),
                args,
                ThroughputCollector::hugePagesMode,
                ThroughputCollector::compilerFlags);
        if (command.isEmpty()) {
            return OptionalInt.empty();
        }
        Process child;
        try {
            child = new ProcessBuilder(command.get()).inheritIO().start();
        } catch (IOException e) {
            System.err.println("warning: cannot start a JVM with " + FLAG + " (" + e.getMessage()
                    + "); simulating on the default collector");
            return OptionalInt.empty();
        }
        // Stopped by a signal meant for this process (a timeout, a supervisor): the child stops too, before this exits.
        Thread stopChild = new Thread(() -> stop(child), "stop-simulation");
        Runtime.getRuntime().addShutdownHook(stopChild);
        try {
            int code = child.waitFor();
            try {
                Runtime.getRuntime().removeShutdownHook(stopChild);
            } catch (IllegalStateException shuttingDown) {
                // A signal is stopping this JVM (its exit status is the signal's): no stack trace for it.
            }
            return OptionalInt.of(code);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(child);
            return OptionalInt.of(1);
        }
    }

    /**
     * {@link #COMPILER_FLAGS} when this JVM has them all (the second JVM runs the same {@code java}); none on a JVM
     * without C2, which would refuse to start with them.
     */
    static List<String> compilerFlags() {
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotSpot == null) {
                return List.of();
            }
            for (String flag : COMPILER_FLAGS) {
                hotSpot.getVMOption(flag.substring("-XX:".length(), flag.indexOf('=')));
            }
            return COMPILER_FLAGS;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            return List.of(); // no such option here, or a runtime image without the jdk.management module
        }
    }

    /** Linux's transparent huge page mode as the kernel shows it, or null (another system, or unreadable). */
    static String hugePagesMode() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return null; // the flag exists on Linux builds only: elsewhere the JVM would not start
        }
        try {
            return Files.readString(HUGE_PAGES_MODE);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void stop(Process child) {
        child.destroy();
        try {
            child.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A JVM option the second JVM takes as the first did: sizes, assertions, modules, plain system properties. */
    static boolean passedOn(String option) {
        if (option.startsWith("-D")) {
            return !option.startsWith("-Dcom.sun.management.") && !option.startsWith("-D" + PARENT_PROPERTY + "=");
        }
        return PASSED_ON_PREFIXES.stream().anyMatch(option::startsWith);
    }

    /**
     * In the second JVM: stops it when the first one goes (killed outright, its shutdown hook cannot stop this one),
     * so no simulation runs on without anyone to read it.
     */
    static void stopWithParent() {
        String parent = System.getProperty(PARENT_PROPERTY);
        if (parent == null) {
            return;
        }
        Optional<ProcessHandle> handle;
        try {
            handle = ProcessHandle.of(Long.parseLong(parent));
        } catch (NumberFormatException e) {
            return;
        }
        if (handle.isEmpty()) {
            Runtime.getRuntime().halt(1);
        }
        handle.get().onExit().thenRun(() -> Runtime.getRuntime().halt(1));
    }

    /** The garbage collector this JVM runs, as the {@code --timing} line names it. */
    static String collectorName() {
        List<String> names = collectorNames();
        if (names.contains(G1_YOUNG)) {
            return "G1";
        }
        if (names.contains("PS Scavenge")) {
            return "Parallel";
        }
        if (names.contains("Copy")) {
            return "Serial";
        }
        return String.join("/", names);
    }

    private static List<String> collectorNames() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName)
                .toList();
    }

    /**
     * The jar on the class path when it is the only entry and holds this class, as with {@code java -jar}; null for
     * tests, IDEs and class paths of several entries.
     */
    static Path ownJar(String classPath) {
        if (classPath == null || classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
            return null;
        }
        try (JarFile jar = new JarFile(classPath)) {
            String entry = ThroughputCollector.class.getName().replace('.', '/') + ".class";
            return jar.getEntry(entry) != null ? Path.of(classPath) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
