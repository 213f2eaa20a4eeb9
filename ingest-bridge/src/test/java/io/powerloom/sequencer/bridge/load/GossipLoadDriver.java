package io.powerloom.sequencer.bridge.load;

import io.powerloom.sequencer.bridge.BridgeConfig;
import io.powerloom.sequencer.bridge.IngestBridge;
import io.powerloom.sequencer.bridge.gossip.GossipSettings;
import io.powerloom.sequencer.bridge.gossip.GossipSource;
import io.powerloom.sequencer.libp2p.pubsub.GossipSubParams;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Load driver for the gossipsub path: starts an in-process {@link IngestBridge} with {@code gossip.enabled} against a
 * real Kafka broker and, in a JVM of their own ({@link GossipLoadPublishers}), {@code --publishers} GossipSub publisher
 * nodes, each with its own Ed25519 key and one connection to the bridge. The publishers sign ahead (EIP-712 inside,
 * StrictSign outside), then publish the snapshotters' envelope on {@code {prefix}/all} as fast as the bridge takes
 * them: at most {@code --max-outstanding} published but not yet acknowledged by Kafka ({@code acks=all}). Reports
 * submissions/s acknowledged, the CPU time per submission of the bridge's JVM (the bridge, its Kafka producer and
 * this driver's bookkeeping) and of the publishers' JVM, and the machine's load average, ending with one
 * {@code SUMMARY} line.
 *
 * <pre>
 * java -cp … io.powerloom.sequencer.bridge.load.GossipLoadDriver --bootstrap 127.0.0.1:9092 --publishers 8 \
 *      --submissions 300000
 * </pre>
 * {@code LocalGossipLoad} ({@code mvn -pl ingest-bridge -am -Pgossip-load verify}) starts a local broker, creates the
 * topics and runs this driver. Publisher and bridge share the machine: the figure includes the publishers' signing.
 * Like every load driver it lives in test sources, so it never ships in the bridge's jar or image.
 */
public final class GossipLoadDriver {
    private GossipLoadDriver() {}

    /** What a run measured. */
    public record Result(
            long submissions,
            long accepted,
            long rejected,
            long dropped,
            int publishers,
            double seconds,
            double rate,
            double steadyRate,
            double bridgeCpuMicrosPerSubmission,
            double publishersCpuMicrosPerSubmission,
            double brokerCpuMicrosPerSubmission,
            double loadStart,
            double loadEnd) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "submissions=%d accepted=%d rejected=%d dropped=%d publishers=%d "
                            + "seconds=%.2f rate=%.0f/s steadyRate=%.0f/s bridgeCpu=%.1fus/submission "
                            + "publishersCpu=%.1fus/submission brokerCpu=%.1fus/submission load=%.1f->%.1f",
                    submissions,
                    accepted,
                    rejected,
                    dropped,
                    publishers,
                    seconds,
                    rate,
                    steadyRate,
                    bridgeCpuMicrosPerSubmission,
                    publishersCpuMicrosPerSubmission,
                    brokerCpuMicrosPerSubmission,
                    loadStart,
                    loadEnd);
        }

        /** The one line to compare runs by. */
        public String summary() {
            return String.format(
                    Locale.ROOT,
                    "SUMMARY gossip load: %.0f submissions/s acknowledged (steady %.0f/s), "
                            + "bridge JVM CPU %.1f us/submission, publishers JVM CPU %.1f us/submission, broker %s, load "
                            + "average %.1f -> %.1f, %d of %d acknowledged",
                    rate,
                    steadyRate,
                    bridgeCpuMicrosPerSubmission,
                    publishersCpuMicrosPerSubmission,
                    Double.isNaN(brokerCpuMicrosPerSubmission)
                            ? "not our child"
                            : String.format(Locale.ROOT, "JVM CPU %.1f us/submission", brokerCpuMicrosPerSubmission),
                    loadStart,
                    loadEnd,
                    accepted,
                    submissions);
        }
    }

    /** {@code distinct} snapshotters' envelopes, each with one signed submission. */
    static List<byte[]> envelopes(int distinct) throws InterruptedException {
        List<byte[]> jsons = SignedSubmissions.generate(
                distinct, Math.min(distinct, 5000), Runtime.getRuntime().availableProcessors());
        List<byte[]> envelopes = new ArrayList<>();
        for (byte[] j : jsons) {
            envelopes.add(("{\"epoch_id\":1,\"submissions\":[" + new String(j, StandardCharsets.UTF_8)
                            + "],\"snapshotter_id\":\"load\",\"signature\":null}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return envelopes;
    }

    public static Result run(
            String bootstrap,
            int publishers,
            long submissions,
            long warmup,
            int distinct,
            int maxOutstanding,
            Map<String, String> bridgeOverrides,
            String publisherJvm)
            throws Exception {
        if (maxOutstanding >= GossipSubParams.powerloom().maxPendingWrites()) {
            // one publisher may hold all of them, and its queue to the bridge drops beyond maxPendingWrites RPCs
            throw new IllegalArgumentException("--max-outstanding must be below the router's per-peer queue of "
                    + GossipSubParams.powerloom().maxPendingWrites());
        }
        Path work = Files.createTempDirectory("gossip-load");
        Map<String, String> cfg = new HashMap<>();
        cfg.put("bridge.id", "gossip-load-bridge");
        cfg.put("kafka.bootstrap.servers", bootstrap);
        cfg.put("libp2p.listen", "/ip4/127.0.0.1/tcp/0");
        cfg.put("libp2p.identity.key.file", work.resolve("identity.key").toString());
        cfg.put("http.listen", "127.0.0.1:0");
        cfg.put("gossip.enabled", "true");
        cfg.putAll(bridgeOverrides);
        BridgeConfig config = BridgeConfig.of(cfg);
        String topic = GossipSettings.from(config).submissionsTopic();

        try (IngestBridge bridge = IngestBridge.start(config)) {
            String target = bridge.host().listenAddresses().get(0);
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(List.of(publisherJvm.trim().split("\\s+")));
            cmd.addAll(List.of(
                    "-cp",
                    System.getProperty("java.class.path"),
                    GossipLoadPublishers.class.getName(),
                    "--target",
                    target,
                    "--topic",
                    topic,
                    "--publishers",
                    Integer.toString(publishers),
                    "--messages",
                    Long.toString(warmup + submissions),
                    "--distinct",
                    Integer.toString(distinct)));
            Process child = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread out = new Thread(
                    () -> {
                        try (BufferedReader r = new BufferedReader(
                                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                            for (String l; (l = r.readLine()) != null; ) {
                                lines.add(l);
                            }
                        } catch (IOException ignored) {
                            // the publishers ended
                        }
                    },
                    "publishers-stdout");
            out.setDaemon(true);
            out.start();
            try (Writer toChild = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
                long signStart = System.nanoTime();
                expect(lines, "READY", Duration.ofMinutes(5));
                System.out.printf(
                        Locale.ROOT,
                        "publishers (own JVM) connected and signed %d messages in %.1f s%n",
                        warmup + submissions,
                        (System.nanoTime() - signStart) / 1e9);
                GossipSource source = bridge.gossipSource();
                if (warmup > 0) {
                    System.out.println("WARMUP "
                            + push(toChild, lines, publishers, warmup, maxOutstanding, source, bridge, child.pid()));
                }
                return push(toChild, lines, publishers, submissions, maxOutstanding, source, bridge, child.pid());
            } finally {
                if (!child.waitFor(10, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            }
        }
    }

    private static String expect(BlockingQueue<String> lines, String tag, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String l = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (l == null) {
                throw new IllegalStateException("publishers printed no " + tag + " within " + timeout);
            }
            if (l.startsWith(tag)) {
                return l;
            }
            System.out.println("publishers: " + l);
        }
    }

    private static void send(Writer w, String line) throws IOException {
        w.write(line);
        w.write('\n');
        w.flush();
    }

    private static Result push(
            Writer toChild,
            BlockingQueue<String> lines,
            int publishers,
            long total,
            int maxOutstanding,
            GossipSource source,
            IngestBridge bridge,
            long publishersPid)
            throws Exception {
        long base = source.accepted.sum();
        long brokerBase = otherChildrenCpuNanos(publishersPid);
        long rejectedBase = bridge.metrics().rejectedTotal();
        double loadStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long cpuBase = GossipLoadPublishers.processCpuNanos();
        long start = System.nanoTime();
        send(toChild, "PUSH " + total);
        long t10 = 0;
        long t90 = 0;
        long deadline = start + TimeUnit.MINUTES.toNanos(5);
        long accepted;
        long lastReport = start;
        long lastLimit = -1;
        while ((accepted = source.accepted.sum() - base) < total) {
            long now = System.nanoTime();
            if (now > deadline) {
                System.out.printf("timeout: %d of %d acknowledged%n", accepted, total);
                break;
            }
            long limit = accepted + maxOutstanding;
            if (limit != lastLimit) {
                send(toChild, "LIMIT " + limit);
                lastLimit = limit;
            }
            if (t10 == 0 && accepted >= total / 10) {
                t10 = now;
            }
            if (t90 == 0 && accepted >= total * 9 / 10) {
                t90 = now;
            }
            if (now - lastReport > 1_000_000_000L) {
                lastReport = now;
                System.out.printf(
                        Locale.ROOT,
                        "  %5.1fs acked=%d in-flight=%d paused=%d bridge %s%n",
                        (now - start) / 1e9,
                        accepted,
                        source.inFlight(),
                        bridge.metrics().pausedStreams.get(),
                        bridge.gossip().stats());
            }
            Thread.sleep(1);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpu = GossipLoadPublishers.processCpuNanos() - cpuBase;
        long broker = brokerBase < 0 ? -1 : otherChildrenCpuNanos(publishersPid) - brokerBase;
        double loadEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        send(toChild, "LIMIT " + Long.MAX_VALUE);
        send(toChild, "END");
        String[] pushed = expect(lines, "PUSHED", Duration.ofSeconds(30)).split(" ");
        long childCpu = Long.parseLong(pushed[2]);
        long dropped = Long.parseLong(pushed[3]);
        double steady = (t10 > 0 && t90 > t10) ? (total * 0.8) / ((t90 - t10) / 1e9) : Double.NaN;
        double per = Math.max(1, accepted) * 1e3;
        return new Result(
                total,
                accepted,
                bridge.metrics().rejectedTotal() - rejectedBase,
                dropped,
                publishers,
                seconds,
                accepted / seconds,
                steady,
                cpu / per,
                childCpu / per,
                broker < 0 ? Double.NaN : broker / per,
                loadStart,
                loadEnd);
    }

    /**
     * CPU time of this JVM's other child processes (the Kafka broker when {@code LocalGossipLoad} started it), or -1
     * when there are none.
     */
    private static long otherChildrenCpuNanos(long publishersPid) {
        long[] sum = {0};
        boolean[] any = {false};
        ProcessHandle.current()
                .children()
                .filter(p -> p.pid() != publishersPid)
                .forEach(p -> p.info().totalCpuDuration().ifPresent(d -> {
                    sum[0] += d.toNanos();
                    any[0] = true;
                }));
        return any[0] ? sum[0] : -1;
    }

    /** {@code --name value} pairs; {@code --bridge key=value} becomes {@code bridge:key}. */
    public static Map<String, String> parseArgs(List<String> args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < args.size(); i += 2) {
            if (args.get(i).equals("--bridge")) {
                String[] kv = args.get(i + 1).split("=", 2);
                m.put("bridge:" + kv[0], kv[1]);
            } else {
                m.put(args.get(i).substring(2), args.get(i + 1));
            }
        }
        return m;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> m = parseArgs(List.of(args));
        if (!m.containsKey("bootstrap")) {
            System.err.println("usage: GossipLoadDriver --bootstrap host:port [--publishers 8] [--submissions 300000] "
                    + "[--warmup 50000] [--distinct 20000] [--max-outstanding 4000] [--publisher-jvm '-Xmx2g'] "
                    + "[--bridge key=value ...]");
            System.exit(2);
        }
        Result r = run(m);
        System.out.println("RESULT " + r);
        System.out.println(r.summary());
        System.exit(r.accepted() == r.submissions() ? 0 : 1);
    }

    /** Runs with the driver's options ({@code bootstrap}, {@code publishers}, …; {@code bridge.*} overrides). */
    public static Result run(Map<String, String> m) throws Exception {
        Map<String, String> bridge = new HashMap<>();
        m.forEach((k, v) -> {
            if (k.startsWith("bridge:")) {
                bridge.put(k.substring(7), v);
            }
        });
        return run(
                m.get("bootstrap"),
                Integer.parseInt(m.getOrDefault("publishers", "8")),
                Long.parseLong(m.getOrDefault("submissions", "300000")),
                Long.parseLong(m.getOrDefault("warmup", "50000")),
                Integer.parseInt(m.getOrDefault("distinct", "20000")),
                Integer.parseInt(m.getOrDefault("max-outstanding", "4000")),
                bridge,
                m.getOrDefault("publisher-jvm", "-Xmx2g -XX:+UseParallelGC"));
    }
}
