package io.powerloom.sequencer.bridge.load;

import io.powerloom.sequencer.bridge.BridgeConfig;
import io.powerloom.sequencer.bridge.IngestBridge;
import io.powerloom.sequencer.bridge.gossip.GossipSettings;
import io.powerloom.sequencer.bridge.gossip.GossipSource;
import io.powerloom.sequencer.libp2p.Libp2pHost;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.libp2p.crypto.PrivateKey;
import io.powerloom.sequencer.libp2p.pubsub.GossipSub;
import io.powerloom.sequencer.libp2p.pubsub.GossipSubParams;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load driver for the gossipsub path: pre-signs submissions (EIP-712), wraps each in the snapshotters' envelope,
 * starts an in-process {@link IngestBridge} with {@code gossip.enabled} against a real Kafka broker, starts
 * {@code --publishers} GossipSub publisher nodes (this repository's router, StrictSign with their own Ed25519
 * keys, one libp2p connection each to the bridge), publishes on {@code {prefix}/all} as fast as the bridge takes
 * them (at most {@code --max-outstanding} published but not yet acknowledged by Kafka), and reports submissions/s
 * acknowledged ({@code acks=all}).
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
    public record Result(long submissions, long accepted, long rejected, long dropped, int publishers,
                         double seconds, double rate, double steadyRate) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "submissions=%d accepted=%d rejected=%d dropped=%d publishers=%d "
                    + "seconds=%.2f rate=%.0f/s steadyRate=%.0f/s", submissions, accepted, rejected, dropped,
                    publishers, seconds, rate, steadyRate);
        }
    }

    public static Result run(String bootstrap, int publishers, long submissions, long warmup, int distinct,
                             int maxOutstanding, Map<String, String> bridgeOverrides) throws Exception {
        if (maxOutstanding >= GossipSubParams.powerloom().maxPendingWrites()) {
            // one publisher may hold all of them, and its queue to the bridge drops beyond maxPendingWrites RPCs
            throw new IllegalArgumentException("--max-outstanding must be below the router's per-peer queue of "
                    + GossipSubParams.powerloom().maxPendingWrites());
        }
        List<byte[]> jsons = SignedSubmissions.generate(distinct, Math.min(distinct, 5000),
                Runtime.getRuntime().availableProcessors());
        List<byte[]> envelopes = new ArrayList<>();
        for (byte[] j : jsons) {
            envelopes.add(("{\"epoch_id\":1,\"submissions\":[" + new String(j, StandardCharsets.UTF_8)
                    + "],\"snapshotter_id\":\"load\",\"signature\":null}").getBytes(StandardCharsets.UTF_8));
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

        List<Libp2pHost> hosts = new ArrayList<>();
        List<GossipSub> routers = new ArrayList<>();
        try (IngestBridge bridge = IngestBridge.start(config)) {
            String target = bridge.host().listenAddresses().get(0);
            for (int p = 0; p < publishers; p++) {
                PrivateKey key = Keys.generateEd25519();
                GossipSub g = new GossipSub(key, GossipSubParams.powerloom());
                Libp2pHost h = g.install(Libp2pHost.builder().identity(key).eventLoopThreads(1)).build();
                h.start().get(30, TimeUnit.SECONDS);
                g.start(h);
                hosts.add(h);
                routers.add(g);
                g.connect(target).get(30, TimeUnit.SECONDS);
            }
            for (GossipSub g : routers) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!g.topicPeers(topic).get().contains(bridge.host().peerId())) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("publisher never saw the bridge's subscription");
                    }
                    Thread.sleep(20);
                }
            }
            GossipSource source = bridge.gossipSource();
            // the publishers sign ahead, as they would on their own machines: the run measures the bridge
            long signStart = System.nanoTime();
            List<List<GossipSub.Prepared>> prepared = new ArrayList<>();
            for (int p = 0; p < routers.size(); p++) {
                long quota = (warmup + submissions) / routers.size() + 1;
                List<GossipSub.Prepared> mine = new ArrayList<>();
                for (long i = 0; i < quota; i++) {
                    mine.add(routers.get(p).prepare(topic, envelopes.get((int) ((p * 7919L + i) % envelopes.size()))));
                }
                prepared.add(mine);
            }
            System.out.printf(Locale.ROOT, "publishers signed %d messages in %.1f s%n",
                    prepared.stream().mapToLong(List::size).sum(), (System.nanoTime() - signStart) / 1e9);
            if (warmup > 0) {
                System.out.println("WARMUP " + push(routers, prepared, 0, warmup, maxOutstanding, source, bridge));
            }
            return push(routers, prepared, warmup / routers.size() + 1, submissions, maxOutstanding, source, bridge);
        } finally {
            routers.forEach(GossipSub::close);
            hosts.forEach(Libp2pHost::close);
        }
    }

    private static Result push(List<GossipSub> routers, List<List<GossipSub.Prepared>> prepared, long from, long total,
                               int maxOutstanding, GossipSource source, IngestBridge bridge) throws Exception {
        long base = source.accepted.sum();
        long rejectedBase = bridge.metrics().rejectedTotal();
        long droppedBase = routers.stream().mapToLong(g -> g.stats().dropped()).sum();
        AtomicLong published = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int p = 0; p < routers.size(); p++) {
            GossipSub g = routers.get(p);
            long quota = total / routers.size() + (p < total % routers.size() ? 1 : 0);
            List<GossipSub.Prepared> mine = prepared.get(p);
            Thread t = new Thread(() -> {
                for (long i = 0; i < quota; i++) {
                    while (published.get() - (source.accepted.sum() - base) >= maxOutstanding) {
                        Thread.onSpinWait();
                        try {
                            Thread.sleep(0, 200_000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    g.publish(mine.get((int) (from + i)));
                    published.incrementAndGet();
                }
            }, "gossip-publisher-" + p);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        long t10 = 0;
        long t90 = 0;
        long deadline = start + TimeUnit.MINUTES.toNanos(5);
        long accepted;
        long lastReport = start;
        while ((accepted = source.accepted.sum() - base) < total) {
            long now = System.nanoTime();
            if (now > deadline) {
                System.out.printf("timeout: %d of %d acknowledged%n", accepted, total);
                break;
            }
            if (t10 == 0 && accepted >= total / 10) {
                t10 = now;
            }
            if (t90 == 0 && accepted >= total * 9 / 10) {
                t90 = now;
            }
            if (now - lastReport > 1_000_000_000L) {
                lastReport = now;
                System.out.printf(Locale.ROOT, "  %5.1fs acked=%d published=%d in-flight=%d paused=%d bridge %s; "
                                + "publishers dropped %d%n", (now - start) / 1e9, accepted, published.get(),
                        source.inFlight(), bridge.metrics().pausedStreams.get(), bridge.gossip().stats(),
                        routers.stream().mapToLong(g -> g.stats().dropped()).sum());
            }
            Thread.sleep(2);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        for (Thread t : threads) {
            t.interrupt();
        }
        double steady = (t10 > 0 && t90 > t10) ? (total * 0.8) / ((t90 - t10) / 1e9) : Double.NaN;
        long dropped = routers.stream().mapToLong(g -> g.stats().dropped()).sum() - droppedBase;
        return new Result(total, accepted, bridge.metrics().rejectedTotal() - rejectedBase, dropped, routers.size(),
                seconds, accepted / seconds, steady);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> m = new HashMap<>();
        Map<String, String> bridge = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--bridge")) {
                String[] kv = args[i + 1].split("=", 2);
                bridge.put(kv[0], kv[1]);
            } else {
                m.put(args[i].substring(2), args[i + 1]);
            }
        }
        if (!m.containsKey("bootstrap")) {
            System.err.println("usage: GossipLoadDriver --bootstrap host:port [--publishers 8] [--submissions 300000] "
                    + "[--warmup 50000] [--distinct 20000] [--max-outstanding 4000] [--bridge key=value ...]");
            System.exit(2);
        }
        Result r = run(m.get("bootstrap"), Integer.parseInt(m.getOrDefault("publishers", "8")),
                Long.parseLong(m.getOrDefault("submissions", "300000")), Long.parseLong(m.getOrDefault("warmup", "50000")),
                Integer.parseInt(m.getOrDefault("distinct", "20000")),
                Integer.parseInt(m.getOrDefault("max-outstanding", "4000")), bridge);
        System.out.println("RESULT " + r);
        System.exit(r.accepted() == r.submissions() ? 0 : 1);
    }
}
