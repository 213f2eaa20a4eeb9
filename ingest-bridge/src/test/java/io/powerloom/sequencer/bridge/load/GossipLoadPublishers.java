package io.powerloom.sequencer.bridge.load;

import io.powerloom.sequencer.libp2p.Libp2pHost;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.libp2p.crypto.PrivateKey;
import io.powerloom.sequencer.libp2p.pubsub.GossipSub;
import io.powerloom.sequencer.libp2p.pubsub.GossipSubParams;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gossipsub publishers of {@link GossipLoadDriver}, in a JVM of their own so that the bridge's JVM does only the
 * bridge's work. {@code --publishers} GossipSub nodes (this repository's router with go-libp2p-pubsub's wire
 * behaviour: StrictSign with their own Ed25519 keys, flood publish, one RPC per message), each with one connection to
 * {@code --target}, sign {@code --messages} envelopes ahead and then publish on command. Driven by lines on stdin:
 * <ul>
 *   <li>{@code PUSH n} starts publishing the next {@code n} prepared messages, spread over the publishers;</li>
 *   <li>{@code LIMIT k}: at most {@code k} of the current push may be published so far (the driver's closed loop:
 *       acknowledged by Kafka plus the outstanding bound);</li>
 *   <li>{@code END} closes a push; end of input stops the process.</li>
 * </ul>
 * Prints {@code READY}, then per push {@code PUSHED <published> <cpu-ns of this JVM during the push> <dropped>}.
 */
public final class GossipLoadPublishers {
    private GossipLoadPublishers() {}

    private static volatile long limit;

    public static void main(String[] args) throws Exception {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            m.put(args[i].substring(2), args[i + 1]);
        }
        String target = m.get("target");
        String topic = m.get("topic");
        int publishers = Integer.parseInt(m.getOrDefault("publishers", "8"));
        long messages = Long.parseLong(m.get("messages"));
        int distinct = Integer.parseInt(m.getOrDefault("distinct", "20000"));
        List<byte[]> envelopes = GossipLoadDriver.envelopes(distinct);
        PeerId bridge = PeerId.fromString(target.substring(target.lastIndexOf('/') + 1));

        List<Libp2pHost> hosts = new ArrayList<>();
        List<GossipSub> routers = new ArrayList<>();
        try {
            for (int p = 0; p < publishers; p++) {
                PrivateKey key = Keys.generateEd25519();
                GossipSub g = new GossipSub(key, GossipSubParams.powerloom());
                Libp2pHost h = g.install(Libp2pHost.builder().identity(key).eventLoopThreads(1))
                        .build();
                h.start().get(30, TimeUnit.SECONDS);
                g.start(h);
                hosts.add(h);
                routers.add(g);
                g.connect(target).get(30, TimeUnit.SECONDS);
            }
            for (GossipSub g : routers) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!g.topicPeers(topic).get().contains(bridge)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("publisher never saw the bridge's subscription");
                    }
                    Thread.sleep(20);
                }
            }
            List<List<GossipSub.Prepared>> prepared = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                long quota = messages / publishers + 1;
                List<GossipSub.Prepared> mine = new ArrayList<>();
                for (long i = 0; i < quota; i++) {
                    mine.add(routers.get(p).prepare(topic, envelopes.get((int) ((p * 7919L + i) % envelopes.size()))));
                }
                prepared.add(mine);
            }
            System.out.println("READY");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            long[] next = new long[publishers];
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("PUSH ")) {
                    long total = Long.parseLong(line.substring(5).trim());
                    limit = 0;
                    push(routers, prepared, next, total, in);
                }
            }
        } finally {
            routers.forEach(GossipSub::close);
            hosts.forEach(Libp2pHost::close);
        }
        System.exit(0);
    }

    /** Publishes {@code total} messages while reading LIMIT lines; prints PUSHED when all are published. */
    private static void push(
            List<GossipSub> routers,
            List<List<GossipSub.Prepared>> prepared,
            long[] next,
            long total,
            BufferedReader in)
            throws Exception {
        long droppedBase = routers.stream().mapToLong(g -> g.stats().dropped()).sum();
        long cpuBase = processCpuNanos();
        AtomicLong published = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < routers.size(); p++) {
            GossipSub g = routers.get(p);
            List<GossipSub.Prepared> mine = prepared.get(p);
            long quota = total / routers.size() + (p < total % routers.size() ? 1 : 0);
            int index = p;
            Thread t = new Thread(
                    () -> {
                        for (long i = 0; i < quota; i++) {
                            while (published.get() >= limit) {
                                try {
                                    Thread.sleep(0, 200_000);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                            published.incrementAndGet();
                            g.publish(mine.get((int) (next[index]++ % mine.size())));
                        }
                    },
                    "gossip-publisher-" + p);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        Thread reader = Thread.currentThread();
        // the driver's LIMIT lines arrive while the publisher threads run
        Thread limits = new Thread(
                () -> {
                    try {
                        String line;
                        while (!Thread.currentThread().isInterrupted() && (line = in.readLine()) != null) {
                            if (line.startsWith("LIMIT ")) {
                                limit = Long.parseLong(line.substring(6).trim());
                            }
                            if (line.equals("END")) {
                                return;
                            }
                        }
                    } catch (Exception e) {
                        reader.interrupt();
                    }
                },
                "limits");
        limits.setDaemon(true);
        limits.start();
        for (Thread t : threads) {
            t.join();
        }
        long dropped = routers.stream().mapToLong(g -> g.stats().dropped()).sum() - droppedBase;
        System.out.println("PUSHED " + published.get() + " " + (processCpuNanos() - cpuBase) + " " + dropped);
        System.out.flush();
        limits.join(); // the driver ends each push with END
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
