package io.powerloom.sequencer.bridge.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * CPU time spent over an interval, split by who spent it, for a load driver whose JVM holds both the bridge and
 * its load clients: each live Java thread's CPU time ({@link ThreadMXBean}) goes to the group its name maps to
 * (the bridge's event loops and Kafka threads, the clients' event loops…); what the process spent beyond its Java
 * threads (GC workers, JIT compilers, the VM thread, and threads that ended during the interval) is the group
 * {@value #JVM}, shared by everything in the JVM. The Kafka broker started by {@link LocalLoadBroker} is a child
 * process: its CPU time is the group {@value #BROKER}. The machine's whole CPU time ({@code /proc/stat}) and load
 * average tell how busy the rest of the machine was.
 */
final class CpuAccount {
    /** The JVM's own threads (GC, JIT, VM) and Java threads that ended during the interval. */
    static final String JVM = "jvm";
    /** Child processes of this JVM (the Kafka broker). */
    static final String BROKER = "broker";
    /** CPU time of the whole machine, every process (from {@code /proc/stat}; absent elsewhere). */
    static final String MACHINE = "machine";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Function<String, String> groupOfThread;
    private final Map<Long, Long> threadBase = new HashMap<>();
    private final long processBase;
    private final long childrenBase;
    private final long machineBase;
    private final long wallBase;
    private final double loadBase;
    private final long gcCountBase;
    private final long gcMillisBase;

    private CpuAccount(Function<String, String> groupOfThread) {
        this.groupOfThread = groupOfThread;
        if (THREADS.isThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id);
            if (t >= 0) {
                threadBase.put(id, t);
            }
        }
        this.processBase = processCpuNanos();
        this.childrenBase = childrenCpuNanos();
        this.machineBase = machineCpuNanos();
        this.wallBase = System.nanoTime();
        this.loadBase = loadAverage();
        this.gcCountBase = gc(true);
        this.gcMillisBase = gc(false);
    }

    /** Collections so far ({@code count}) or milliseconds spent in them, over all of the JVM's collectors. */
    private static long gc(boolean count) {
        long sum = 0;
        for (java.lang.management.GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            long v = count ? b.getCollectionCount() : b.getCollectionTime();
            sum += Math.max(0, v);
        }
        return sum;
    }

    /** Starts an interval; {@code groupOfThread} maps a Java thread's name to its group. */
    static CpuAccount start(Function<String, String> groupOfThread) {
        return new CpuAccount(groupOfThread);
    }

    /** What was spent since {@link #start}: nanoseconds of CPU by group, in a stable order. */
    Spent stop() {
        Map<String, Long> byGroup = new LinkedHashMap<>();
        long threadsTotal = 0;
        long[] ids = THREADS.getAllThreadIds();
        ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long t = THREADS.getThreadCpuTime(ids[i]);
            if (t < 0 || infos[i] == null) {
                continue;
            }
            long d = t - threadBase.getOrDefault(ids[i], 0L);
            threadsTotal += d;
            byGroup.merge(groupOfThread.apply(infos[i].getThreadName()), d, Long::sum);
        }
        long process = processCpuNanos() - processBase;
        byGroup.put(JVM, Math.max(0, process - threadsTotal));
        long children = childrenCpuNanos();
        if (children >= 0 && childrenBase >= 0) {
            byGroup.put(BROKER, children - childrenBase);
        }
        long machine = machineCpuNanos();
        if (machine >= 0 && machineBase >= 0) {
            byGroup.put(MACHINE, machine - machineBase);
        }
        return new Spent(
                byGroup,
                process,
                System.nanoTime() - wallBase,
                loadBase,
                loadAverage(),
                gc(true) - gcCountBase,
                gc(false) - gcMillisBase);
    }

    /**
     * CPU spent over one interval.
     *
     * @param nanosByGroup CPU nanoseconds per group (thread groups, named {@code owner:part} or {@code owner},
     *                     {@value #JVM}, {@value #BROKER}, {@value #MACHINE})
     * @param processNanos this JVM's CPU nanoseconds
     * @param wallNanos    the interval's length
     * @param gcCount      garbage collections in the interval (this JVM)
     * @param gcMillis     time the collectors report for them (pauses and concurrent work, wall clock)
     */
    record Spent(
            Map<String, Long> nanosByGroup,
            long processNanos,
            long wallNanos,
            double loadBefore,
            double loadAfter,
            long gcCount,
            long gcMillis) {
        /** Microseconds of CPU per item for every group whose owner (the part before {@code ':'}) is {@code owner}. */
        double microsPerOwner(String owner, long items) {
            long n = 0;
            boolean any = false;
            for (Map.Entry<String, Long> e : nanosByGroup.entrySet()) {
                if (owner(e.getKey()).equals(owner)) {
                    n += e.getValue();
                    any = true;
                }
            }
            return !any || items <= 0 ? Double.NaN : n / 1e3 / items;
        }

        /** Microseconds of CPU per item of this JVM and the broker together. */
        double totalMicrosPer(long items) {
            return (processNanos + nanosByGroup.getOrDefault(BROKER, 0L)) / 1e3 / Math.max(1, items);
        }

        private static String owner(String group) {
            int colon = group.indexOf(':');
            return colon < 0 ? group : group.substring(0, colon);
        }

        /** Microseconds of CPU per item of work for {@code group} (NaN when unknown). */
        double microsPer(String group, long items) {
            Long n = nanosByGroup.get(group);
            return n == null || items <= 0 ? Double.NaN : n / 1e3 / items;
        }

        /**
         * One line: µs of CPU per item for each group, this JVM and the broker together ({@code total}), the
         * machine's cores busy on average and the load average before and after.
         */
        String describe(long items) {
            StringBuilder b = new StringBuilder("CPU per submission:");
            long total = processNanos + nanosByGroup.getOrDefault(BROKER, 0L);
            Map<String, Long> owners = new LinkedHashMap<>();
            for (Map.Entry<String, Long> e : nanosByGroup.entrySet()) {
                if (!e.getKey().equals(MACHINE)) {
                    owners.merge(owner(e.getKey()), e.getValue(), Long::sum);
                }
            }
            for (Map.Entry<String, Long> e : owners.entrySet()) {
                b.append(String.format(Locale.ROOT, " %s=%.1fus", e.getKey(), e.getValue() / 1e3 / Math.max(1, items)));
            }
            b.append(" (");
            String sep = "";
            for (Map.Entry<String, Long> e : nanosByGroup.entrySet()) {
                if (e.getKey().indexOf(':') > 0) {
                    b.append(sep)
                            .append(String.format(Locale.ROOT, "%s %.1f", e.getKey(), microsPer(e.getKey(), items)));
                    sep = ", ";
                }
            }
            b.append(')');
            b.append(String.format(Locale.ROOT, " total=%.1fus", total / 1e3 / Math.max(1, items)));
            Long machine = nanosByGroup.get(MACHINE);
            if (machine != null) {
                b.append(String.format(
                        Locale.ROOT,
                        "; cores busy: ours %.2f, machine %.2f",
                        (double) total / wallNanos,
                        (double) machine / wallNanos));
            }
            b.append(String.format(Locale.ROOT, "; %d GCs, %d ms", gcCount, gcMillis));
            b.append(String.format(Locale.ROOT, "; load average %.1f -> %.1f", loadBefore, loadAfter));
            return b.toString();
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU time of this JVM's child processes and theirs, or -1 when there are none. */
    static long childrenCpuNanos() {
        long[] sum = {0};
        boolean[] any = {false};
        ProcessHandle.current()
                .descendants()
                .forEach(p -> p.info().totalCpuDuration().ifPresent(d -> {
                    sum[0] += d.toNanos();
                    any[0] = true;
                }));
        return any[0] ? sum[0] : -1;
    }

    /** CPU time of the whole machine (user + nice + system + irq + softirq + steal, all cores), or -1. */
    static long machineCpuNanos() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = cpu.trim().split("\\s+");
            long ticks = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                ticks += Long.parseLong(f[i]);
            }
            return ticks * 10_000_000L; // USER_HZ = 100 on Linux
        } catch (Exception e) {
            return -1;
        }
    }

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
