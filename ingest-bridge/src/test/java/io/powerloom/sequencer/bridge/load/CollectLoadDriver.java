package io.powerloom.sequencer.bridge.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.powerloom.sequencer.bridge.BridgeConfig;
import io.powerloom.sequencer.bridge.IngestBridge;
import io.powerloom.sequencer.bridge.collect.CollectProtocolHandler;
import io.powerloom.sequencer.bridge.ops.BridgeMetrics;
import io.powerloom.sequencer.bridge.ops.LatencyHistogram;
import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.Libp2pHost;
import io.powerloom.sequencer.libp2p.OutboundStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load driver for the {@code /collect} path: pre-signs submissions (EIP-712, secp256k1), starts an in-process
 * {@link IngestBridge} against a real Kafka broker, opens many concurrent libp2p streams over a few
 * connections (Noise + yamux, exactly as local collectors do), pushes the submissions as fast as the bridge
 * takes them (its backpressure throttles the writers), and reports submissions/s acknowledged by Kafka
 * ({@code acks=all}) and the bridge's send-to-ack produce latency.
 *
 * <pre>
 * java -cp … io.powerloom.sequencer.bridge.load.CollectLoadDriver --bootstrap 127.0.0.1:9092 \
 *      --streams 1000 --connections 4 --submissions 500000
 * </pre>
 * The topics must exist ({@code --topic}, {@code --rejects-topic}); {@code LocalCollectLoad}
 * ({@code mvn -pl ingest-bridge -am -Pload verify}) starts a local broker, creates them and runs this driver. Like
 * every load driver it lives in test sources, so it never ships in the bridge's jar or image.
 *
 * <p>{@code --mode go} runs the load as Powerloom's go-libp2p local collectors do: {@code --collectors} direct
 * connections (one per collector, spread over {@code --client-hosts} client hosts), each with a pool of
 * {@code --streams-per-collector} (100) {@code /collect} streams opened lazily (yamux SYN at once; multistream
 * header, protocol and the first submission in one later write, see
 * {@link io.powerloom.sequencer.libp2p.Connection#openStreamLazy}), one submission per write. The pools are held
 * open before the push, and the JVM's heap is reported after opening them and after the push (bridge and client
 * share the JVM: the figure bounds the bridge's).
 */
public final class CollectLoadDriver {
    private CollectLoadDriver() {}

    /** Command-line options. */
    public record Options(
            String bootstrap,
            String topic,
            String rejectsTopic,
            int connections,
            int streams,
            long submissions,
            long warmup,
            int distinct,
            int slots,
            int perWrite,
            int maxOutstanding,
            Duration timeout,
            boolean progress,
            Map<String, String> bridgeOverrides,
            boolean goMode,
            int streamsPerCollector,
            int clientHosts) {
        /** Parses {@code --name value} pairs; unknown names are an error. */
        public static Options parse(String[] args) {
            Map<String, String> m = new HashMap<>();
            Map<String, String> bridge = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --name value, got " + args[i]);
                }
                String name = args[i].substring(2);
                String value = args[++i];
                if (name.equals("bridge")) { // --bridge key=value: any BridgeConfig key
                    int eq = value.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--bridge expects key=value, got " + value);
                    }
                    bridge.put(value.substring(0, eq), value.substring(eq + 1));
                } else {
                    m.put(name, value);
                }
            }
            String mode = req(m, "mode", "pooled");
            if (!mode.equals("pooled") && !mode.equals("go")) {
                throw new IllegalArgumentException("--mode is pooled or go, got " + mode);
            }
            boolean go = mode.equals("go");
            int perCollector = num(m, "streams-per-collector", 100);
            int collectors = go ? num(m, "collectors", 2000) : 0;
            int connections = go ? collectors : num(m, "connections", 4);
            int streams = go ? collectors * perCollector : num(m, "streams", 1000);
            Options o = new Options(
                    req(m, "bootstrap", null),
                    req(m, "topic", "submissions"),
                    req(m, "rejects-topic", "submissions-rejected"),
                    connections,
                    streams,
                    Long.parseLong(req(m, "submissions", "200000")),
                    Long.parseLong(req(m, "warmup", "50000")),
                    num(m, "distinct", 20000),
                    num(m, "slots", 5000),
                    num(m, "per-write", go ? 1 : 4),
                    num(m, "max-outstanding", 20000),
                    Duration.ofSeconds(num(m, "timeout-seconds", 300)),
                    Boolean.parseBoolean(req(m, "progress", "true")),
                    bridge,
                    go,
                    perCollector,
                    num(m, "client-hosts", go ? 8 : 1));
            if (!m.isEmpty()) {
                throw new IllegalArgumentException("unknown options: " + m.keySet());
            }
            return o;
        }

        private static String req(Map<String, String> m, String key, String dflt) {
            String v = m.remove(key);
            if (v == null && dflt == null) {
                throw new IllegalArgumentException("--" + key + " is required");
            }
            return v == null ? dflt : v;
        }

        private static int num(Map<String, String> m, String key, int dflt) {
            return Integer.parseInt(req(m, key, Integer.toString(dflt)));
        }
    }

    /**
     * What a run measured.
     *
     * @param rate         acknowledged submissions per second over the whole push (first write to last ack)
     * @param steadyRate   acknowledged submissions per second between 10 % and 90 % of the total
     * @param p50Ms        median send-to-ack latency in the bridge's producer, whole run
     * @param p99Ms        99th percentile of it, whole run (includes JIT warm-up)
     * @param steadyP50Ms  median after the first 10 % were acknowledged
     * @param steadyP99Ms  99th percentile after the first 10 % were acknowledged
     * @param bridgeCpuMicros CPU time per acknowledged submission of the bridge's threads (event loops, Kafka
     *                        sender and producer I/O, flow control; see {@link #threadGroup})
     * @param driverCpuMicros the same for the load clients' threads (their libp2p hosts, the writers' loop)
     * @param jvmCpuMicros    the same for what the shared JVM spent outside Java threads (GC, JIT)
     * @param brokerCpuMicros the same for the Kafka broker's process (NaN when it is not a child process)
     * @param totalCpuMicros  the JVM and the broker together
     * @param loadBefore      the machine's load average when the push started
     */
    public record Result(
            long submissions,
            long accepted,
            long rejected,
            int streams,
            int connections,
            double seconds,
            double rate,
            double steadyRate,
            double p50Ms,
            double p99Ms,
            double steadyP50Ms,
            double steadyP99Ms,
            double signSeconds,
            long maxInFlight,
            double bridgeCpuMicros,
            double driverCpuMicros,
            double jvmCpuMicros,
            double brokerCpuMicros,
            double totalCpuMicros,
            double loadBefore,
            double loadAfter) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "submissions=%d accepted=%d rejected=%d streams=%d connections=%d seconds=%.2f "
                            + "rate=%.0f/s steadyRate=%.0f/s p50=%.2fms p99=%.2fms steadyP50=%.2fms "
                            + "steadyP99=%.2fms signing=%.1fs maxInFlight=%d cpuUsPerSubmission[bridge=%.1f "
                            + "driver=%.1f jvm=%.1f broker=%.1f total=%.1f] load=%.1f->%.1f",
                    submissions,
                    accepted,
                    rejected,
                    streams,
                    connections,
                    seconds,
                    rate,
                    steadyRate,
                    p50Ms,
                    p99Ms,
                    steadyP50Ms,
                    steadyP99Ms,
                    signSeconds,
                    maxInFlight,
                    bridgeCpuMicros,
                    driverCpuMicros,
                    jvmCpuMicros,
                    brokerCpuMicros,
                    totalCpuMicros,
                    loadBefore,
                    loadAfter);
        }
    }

    /** Runs the load as {@code options} say and returns the figures. */
    public static Result run(Options o) throws Exception {
        long signStart = System.nanoTime();
        List<byte[]> jsons = SignedSubmissions.generate(
                o.distinct(), o.slots(), Runtime.getRuntime().availableProcessors());
        double signSeconds = (System.nanoTime() - signStart) / 1e9;
        System.out.printf(Locale.ROOT, "signed %d distinct submissions in %.1f s%n", jsons.size(), signSeconds);

        Path work = Files.createTempDirectory("collect-load");
        Map<String, String> cfg = new HashMap<>();
        cfg.put("bridge.id", "load-bridge");
        cfg.put("kafka.bootstrap.servers", o.bootstrap());
        cfg.put("kafka.topic.submissions", o.topic());
        cfg.put("kafka.topic.rejects", o.rejectsTopic());
        cfg.put("libp2p.listen", "/ip4/127.0.0.1/tcp/0");
        cfg.put("libp2p.identity.key.file", work.resolve("identity.key").toString());
        cfg.put("http.listen", "127.0.0.1:0");
        cfg.put("collect.max.streams.per.peer", Integer.toString(o.streams() + 16));
        cfg.put("collect.max.streams", Integer.toString(o.streams() + 16));
        // every client dials from 127.0.0.1: the per-IP caps must let all of them in
        cfg.put("collect.max.streams.per.ip", Integer.toString(o.streams() + 16));
        cfg.put("libp2p.max.connections.per.ip", Integer.toString(o.connections() + 16));
        cfg.put("libp2p.max.pending.handshakes.per.ip", Integer.toString(Math.max(16, o.connections())));
        cfg.put("libp2p.max.connections", Integer.toString(Math.max(10_000, o.connections() + 16)));
        cfg.putAll(o.bridgeOverrides());
        BridgeConfig config = BridgeConfig.of(cfg);

        List<Libp2pHost> clients = new ArrayList<>();
        try (IngestBridge bridge = IngestBridge.start(config)) {
            for (int h = 0; h < o.clientHosts(); h++) {
                Libp2pHost client = Libp2pHost.builder()
                        .maxStreamsPerConnection(o.goMode() ? o.streamsPerCollector() + 16 : o.streams() + 16)
                        .build();
                clients.add(client);
                client.start().get(30, TimeUnit.SECONDS);
            }
            String target = bridge.host().listenAddresses().get(0);
            List<Connection> connections = new ArrayList<>();
            for (int c = 0; c < o.connections(); c++) {
                connections.add(dialWithRetry(clients.get(c % clients.size()), target));
            }
            List<CompletableFuture<OutboundStream>> opening = new ArrayList<>();
            for (int s = 0; s < o.streams(); s++) {
                if (o.goMode()) { // collector c's pool: streams c*100 .. c*100+99 on connection c
                    opening.add(connections
                            .get(s / o.streamsPerCollector())
                            .openStreamLazy(
                                    CollectProtocolHandler.PROTOCOL,
                                    io.powerloom.sequencer.libp2p.StreamHandler.DISCARD));
                } else {
                    opening.add(connections.get(s % connections.size()).openStream(CollectProtocolHandler.PROTOCOL));
                }
            }
            List<OutboundStream> streams = new ArrayList<>();
            for (CompletableFuture<OutboundStream> f : opening) {
                streams.add(f.get(60, TimeUnit.SECONDS));
            }
            System.out.printf(
                    Locale.ROOT,
                    "%d streams open over %d connections to %s%s%n",
                    streams.size(),
                    connections.size(),
                    target,
                    o.goMode() ? " (go collectors: lazy pools, nothing sent yet)" : "");
            if (o.goMode()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (bridge.host().stats().openStreams() < streams.size() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                System.out.printf(
                        Locale.ROOT,
                        "bridge holds %d streams; %s%n",
                        bridge.host().stats().openStreams(),
                        heap());
            }

            BridgeMetrics metrics = bridge.metrics();
            String bridgeLoops = eventLoopPrefix(bridge.host().peerId().toString());
            java.util.function.Function<String, String> groups = name -> threadGroup(name, bridgeLoops);
            if (o.warmup() > 0) {
                Result w = push(
                        o, o.warmup(), streams, jsons, metrics, connections.size(), signSeconds, "warm-up", groups);
                System.out.println("WARMUP " + w);
            }
            Result r = push(
                    o, o.submissions(), streams, jsons, metrics, connections.size(), signSeconds, "measured", groups);
            System.out.printf(
                    Locale.ROOT,
                    "after the push: bridge holds %d streams; %s%n",
                    bridge.host().stats().openStreams(),
                    heap());
            if (o.goMode()) {
                System.out.println(histogram(25));
            }
            for (OutboundStream s : streams) {
                s.close();
            }
            return r;
        } finally {
            clients.forEach(Libp2pHost::close);
        }
    }

    /** The name prefix of a libp2p host's event-loop threads ({@code HostCore}: the peer ID's last 6 characters). */
    private static String eventLoopPrefix(String peerId) {
        return "libp2p-" + peerId.substring(Math.max(0, peerId.length() - 6)) + "-";
    }

    /**
     * Whose a thread of this JVM is, by name: {@code bridge:io} (the bridge host's event loops), {@code bridge:send}
     * (the Kafka sender thread), {@code bridge:producer} (the Kafka producer's I/O thread), {@code bridge:other}
     * (flow control, heartbeats, HTTP), {@code driver:clients} (the load clients' libp2p hosts), {@code driver:main}
     * (the push loop and anything else).
     */
    static String threadGroup(String name, String bridgeLoops) {
        if (name.startsWith(bridgeLoops)) {
            return "bridge:io";
        }
        if (name.startsWith("kafka-send-")) {
            return "bridge:send";
        }
        if (name.startsWith("kafka-producer-network-thread")) {
            return "bridge:producer";
        }
        if (name.equals("collect-flow-control") || name.equals("heartbeat-emitter") || name.startsWith("ops-http")) {
            return "bridge:other";
        }
        if (name.startsWith("libp2p-")) {
            return "driver:clients";
        }
        return "driver:main";
    }

    /**
     * The {@code top} largest classes of live objects (jcmd's {@code GC.class_histogram}), to tell the bridge's
     * share of the heap from the load client's.
     */
    private static String histogram(int top) {
        try {
            javax.management.ObjectName name =
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand");
            String h = (String) java.lang.management.ManagementFactory.getPlatformMBeanServer()
                    .invoke(name, "gcClassHistogram", new Object[] {null}, new String[] {String[].class.getName()});
            String[] lines = h.split("\n");
            StringBuilder out = new StringBuilder("live objects by class (largest first):\n");
            for (int i = 0; i < Math.min(lines.length, top + 3); i++) {
                out.append(lines[i]).append('\n');
            }
            out.append(lines[lines.length - 1]);
            return out.toString();
        } catch (Exception e) {
            return "class histogram unavailable: " + e;
        }
    }

    /** Used heap after a full GC (the bridge's and the load client's: they share this JVM). */
    private static String heap() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return String.format(
                Locale.ROOT,
                "JVM heap used after GC %d MiB (max %d MiB)",
                (rt.totalMemory() - rt.freeMemory()) >> 20,
                rt.maxMemory() >> 20);
    }

    /** One push of {@code total} submissions spread over the streams; waits until Kafka acknowledged them all. */
    private static Result push(
            Options o,
            long total,
            List<OutboundStream> streams,
            List<byte[]> jsons,
            BridgeMetrics metrics,
            int connections,
            double signSeconds,
            String label,
            java.util.function.Function<String, String> threadGroups)
            throws Exception {
        long base = metrics.accepted.sum();
        AtomicLong written = new AtomicLong();
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        Outstanding outstanding = new Outstanding(o.maxOutstanding(), written, () -> metrics.accepted.sum() - base);
        CpuAccount cpu = CpuAccount.start(threadGroups);
        long start = System.nanoTime();
        for (int s = 0; s < streams.size(); s++) {
            long quota = total / streams.size() + (s < total % streams.size() ? 1 : 0);
            writers.add(new StreamWriter(streams.get(s), jsons, quota, o.perWrite(), s, written, outstanding).start());
        }
        long deadline = start + o.timeout().toNanos();
        long t10 = 0;
        long t90 = 0;
        long maxInFlight = 0;
        long lastReport = start;
        long lastAccepted = 0;
        LatencyHistogram.Snapshot atStart = metrics.produceLatency.snapshot();
        LatencyHistogram.Snapshot lastSnapshot = atStart;
        long rejectedBefore = metrics.rejectedTotal();
        System.out.printf(Locale.ROOT, "%s push of %d submissions%n", label, total);
        LatencyHistogram.Snapshot atT10 = null;
        // one look per loop instead of one per writer (go mode has a writer per stream: hundreds of thousands)
        java.util.concurrent.atomic.AtomicReference<Throwable> writerFailure =
                new java.util.concurrent.atomic.AtomicReference<>();
        for (CompletableFuture<Void> w : writers) {
            w.whenComplete((v, e) -> {
                if (e != null) {
                    writerFailure.compareAndSet(null, e);
                }
            });
        }
        long accepted;
        while ((accepted = metrics.accepted.sum() - base) < total) {
            long now = System.nanoTime();
            if (now > deadline) {
                System.out.printf("timeout: %d of %d acknowledged, %d written%n", accepted, total, written.get());
                break;
            }
            if (t10 == 0 && accepted >= total / 10) {
                t10 = now;
                atT10 = metrics.produceLatency.snapshot();
            }
            if (t90 == 0 && accepted >= total * 9 / 10) {
                t90 = now;
            }
            maxInFlight = Math.max(maxInFlight, metrics.inFlight.get());
            outstanding.resumeParked();
            if (o.progress() && (now - lastReport) > 1_000_000_000L) {
                lastReport = now;
                LatencyHistogram.Snapshot snap = metrics.produceLatency.snapshot();
                LatencyHistogram.Snapshot second = snap.minus(lastSnapshot);
                lastSnapshot = snap;
                System.out.printf(
                        Locale.ROOT,
                        "  %5.1fs acked=%d (+%d) in-flight=%d paused-streams=%d "
                                + "p50=%.1fms p99=%.1fms (this second)%n",
                        (now - start) / 1e9,
                        accepted,
                        accepted - lastAccepted,
                        metrics.inFlight.get(),
                        metrics.pausedStreams.get(),
                        second.quantileMillis(0.5),
                        second.quantileMillis(0.99));
                lastAccepted = accepted;
            }
            if (writerFailure.get() != null) {
                throw new IllegalStateException("a writer failed", writerFailure.get());
            }
            Thread.sleep(1);
        }
        long end = System.nanoTime();
        CpuAccount.Spent spent = cpu.stop();
        System.out.println(label + " " + spent.describe(accepted));
        double seconds = (end - start) / 1e9;
        double steady = (t10 > 0 && t90 > t10) ? (total * 0.8) / ((t90 - t10) / 1e9) : Double.NaN;
        LatencyHistogram.Snapshot now = metrics.produceLatency.snapshot();
        LatencyHistogram.Snapshot whole = now.minus(atStart);
        LatencyHistogram.Snapshot after = atT10 == null ? null : now.minus(atT10);
        return new Result(
                total,
                accepted,
                metrics.rejectedTotal() - rejectedBefore,
                streams.size(),
                connections,
                seconds,
                accepted / seconds,
                steady,
                whole.quantileMillis(0.5),
                whole.quantileMillis(0.99),
                after == null ? Double.NaN : after.quantileMillis(0.5),
                after == null ? Double.NaN : after.quantileMillis(0.99),
                signSeconds,
                maxInFlight,
                spent.microsPerOwner("bridge", accepted),
                spent.microsPerOwner("driver", accepted),
                spent.microsPer(CpuAccount.JVM, accepted),
                spent.microsPer(CpuAccount.BROKER, accepted),
                spent.totalMicrosPer(accepted),
                spent.loadBefore(),
                spent.loadAfter());
    }

    /**
     * Bounds the submissions written but not yet acknowledged by Kafka (a closed-loop load): a writer that finds
     * the bound reached parks until the monitor loop sees acknowledgements. Without it the client would queue up
     * to one yamux window per stream (1,000 streams × 256 KiB) in this JVM and measure its own GC.
     */
    private static final class Outstanding {
        private final int max;
        private final AtomicLong written;
        private final java.util.function.LongSupplier acked;
        private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> parked =
                new java.util.concurrent.ConcurrentLinkedQueue<>();

        Outstanding(int max, AtomicLong written, java.util.function.LongSupplier acked) {
            this.max = max;
            this.written = written;
            this.acked = acked;
        }

        boolean full() {
            return written.get() - acked.getAsLong() >= max;
        }

        void park(Runnable resume) {
            parked.add(resume);
        }

        void resumeParked() {
            Runnable r;
            while (!full() && (r = parked.poll()) != null) {
                r.run();
            }
        }
    }

    /** Dials, trying up to three times (a failed handshake is reported and retried, not hidden). */
    private static Connection dialWithRetry(Libp2pHost client, String target) throws Exception {
        Exception last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return client.dial(target).get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                last = e;
                System.out.println("dial attempt " + attempt + " failed: " + e.getCause());
            }
        }
        throw last;
    }

    /** Writes one stream's share: {@code perWrite} submissions per write, the next write when the last one is taken. */
    private static final class StreamWriter {
        private final OutboundStream stream;
        private final List<byte[]> jsons;
        private final long quota;
        private final int perWrite;
        private final AtomicLong written;
        private final Outstanding outstanding;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private long sent;
        private int cursor;

        StreamWriter(
                OutboundStream stream,
                List<byte[]> jsons,
                long quota,
                int perWrite,
                int offset,
                AtomicLong written,
                Outstanding outstanding) {
            this.outstanding = outstanding;
            this.stream = stream;
            this.jsons = jsons;
            this.quota = quota;
            this.perWrite = perWrite;
            this.written = written;
            this.cursor = (offset * 7919) % jsons.size();
        }

        CompletableFuture<Void> start() {
            next();
            return done;
        }

        private void next() {
            if (sent >= quota) {
                done.complete(null);
                return;
            }
            if (outstanding.full()) {
                outstanding.park(this::next);
                return;
            }
            int n = (int) Math.min(perWrite, quota - sent);
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer(n * 640);
            for (int i = 0; i < n; i++) {
                buf.writeCharSequence(randomUuid(), StandardCharsets.US_ASCII);
                buf.writeBytes(jsons.get(cursor));
                cursor = (cursor + 1) % jsons.size();
            }
            sent += n;
            written.addAndGet(n);
            stream.write(buf).whenComplete((v, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                } else {
                    next();
                }
            });
        }

        private static String randomUuid() {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
            long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
            return new java.util.UUID(msb, lsb).toString();
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: CollectLoadDriver --bootstrap host:port [--topic submissions] "
                    + "[--rejects-topic submissions-rejected] [--streams 1000] [--connections 4] "
                    + "[--submissions 200000] [--warmup 50000] [--distinct 20000] [--slots 5000] [--per-write 4] [--max-outstanding 20000] "
                    + "[--timeout-seconds 300] [--progress true] [--bridge key=value ...] "
                    + "[--mode pooled|go] [--collectors 2000] [--streams-per-collector 100] [--client-hosts 8]");
            System.exit(2);
            return;
        }
        Result r = run(o);
        System.out.println("RESULT " + r);
        System.exit(r.accepted() == r.submissions() ? 0 : 1);
    }
}
