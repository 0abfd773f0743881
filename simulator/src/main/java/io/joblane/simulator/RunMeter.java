package io.joblane.simulator;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Measures one {@code joblane-simulator --timing} run for the benchmark: wall time, CPU time (of the simulating
 * threads, as the simulator counts it, and of the process), the largest heap still in use right after a garbage
 * collection (on G1 close to the live set, which must not grow with the trace; on the parallel collector its young
 * collections leave the old generation's garbage, so it reads higher) and after a full one, and the collector. GC
 * notifications arrive on a JMX thread, hence the atomics.
 */
final class RunMeter implements AutoCloseable {
    private final long startNanos = System.nanoTime();
    private final long startProcessCpu = processCpuNanos();
    private final AtomicLong maxLiveAfterGc = new AtomicLong();
    /**
     * The same after full collections only: the parallel collector empties its old generation only then, so after
     * its young collections the heap still holds the garbage promoted since (G1 rarely runs a full one).
     */
    private final AtomicLong maxLiveAfterFullGc = new AtomicLong();

    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onGc;
    private final Set<String> heapPools = new HashSet<>();

    RunMeter() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    private void onGc(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e :
                info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        maxLiveAfterGc.accumulateAndGet(used, Math::max);
        if ("end of major GC".equals(info.getGcAction())) {
            maxLiveAfterFullGc.accumulateAndGet(used, Math::max);
        }
    }

    /**
     * One line: wall seconds, CPU seconds of the threads that simulated ({@code simulatingCpuSeconds}, from the
     * simulator) and of the whole process (JIT and GC threads included), largest live heap after a GC, heap limit.
     */
    String summary(double simulatingCpuSeconds) {
        double wall = (System.nanoTime() - startNanos) / 1e9;
        long process = processCpuNanos();
        String processCpu = process < 0 || startProcessCpu < 0
                ? ""
                : String.format(Locale.ROOT, ", %.1f s CPU (process)", (process - startProcessCpu) / 1e9);
        return String.format(
                Locale.ROOT,
                "timing: %.1f s wall, %.1f s CPU (simulating threads)%s; heap: max live after GC %s, limit %.0f MiB (%s GC)%n",
                wall,
                simulatingCpuSeconds,
                processCpu,
                heapAfterGc(),
                Runtime.getRuntime().maxMemory() / 1048576.0,
                ThroughputCollector.collectorName());
    }

    /** The largest heap after any collection, and after a full one when one ran. */
    private String heapAfterGc() {
        long live = maxLiveAfterGc.get();
        if (live == 0) {
            return "n/a (no GC ran)";
        }
        long full = maxLiveAfterFullGc.get();
        String any = String.format(Locale.ROOT, "%.1f MiB", live / 1048576.0);
        return full == 0 ? any : any + String.format(Locale.ROOT, " (after a full GC %.1f MiB)", full / 1048576.0);
    }

    /** The process's CPU time, or -1 where the JVM does not tell it. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : -1;
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // Already gone: nothing to undo.
            }
        }
    }
}
