package io.powerloom.sequencer.libp2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.powerloom.sequencer.infra.NodeScript;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.libp2p.crypto.PrivateKey;
import io.powerloom.sequencer.libp2p.pubsub.GossipSub;
import io.powerloom.sequencer.libp2p.pubsub.GossipSubParams;
import io.powerloom.sequencer.libp2p.pubsub.Rejection;
import io.powerloom.sequencer.libp2p.pubsub.Validation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our GossipSub router in a mesh of js-libp2p {@code @libp2p/gossipsub} nodes: it hears messages published several
 * hops away exactly once, its own messages reach every js node, and broken frames from a raw peer are refused,
 * counted and cost that peer score.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GossipSubInteropITCase {
    private static final String TOPIC = "/powerloom/snapshot-submissions/all";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<NodeScript> peers = new ArrayList<>();
    private Libp2pHost host;
    private GossipSub gossip;

    @AfterEach
    void tearDown() throws Exception {
        if (gossip != null) gossip.close();
        if (host != null) host.close();
        for (NodeScript p : peers) p.close();
    }

    private void startRouter() {
        PrivateKey key = Keys.generateEd25519();
        gossip = new GossipSub(key, GossipSubParams.powerloom().withHeartbeat(Duration.ofMillis(300)));
        host = gossip.install(Libp2pHost.builder().identity(key).listen("/ip4/127.0.0.1/tcp/0"))
                .build();
        host.start().join();
        gossip.start(host);
    }

    @Test
    void aMeshOfTenJsNodesDeliversEveryMessageOnceAndHearsOurs() throws Exception {
        // A line of js nodes: 0 - 1 - ... - 9, plus some cross links; we connect to node 0 only.
        List<String> addrs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            List<String> args = new ArrayList<>(List.of("--topics", TOPIC));
            if (i > 0) {
                args.add("--connect");
                args.add(i >= 3 ? addrs.get(i - 1) + "," + addrs.get(i - 3) : addrs.get(i - 1));
            }
            NodeScript p = JsPeer.start("gossip-node.mjs", args.toArray(String[]::new));
            peers.add(p);
            addrs.add(JsPeer.firstAddr(p.await("READY", WAIT)));
        }
        startRouter();
        Map<String, AtomicInteger> got = new ConcurrentHashMap<>();
        gossip.subscribe(TOPIC, m -> {
            got.computeIfAbsent(new String(m.data(), StandardCharsets.UTF_8), k -> new AtomicInteger())
                    .incrementAndGet();
            return Validation.ACCEPT;
        });
        PeerId first = gossip.connect(addrs.get(0)).get(15, TimeUnit.SECONDS);
        awaitTrue(() -> gossip.meshPeers(TOPIC).join().contains(first), "node 0 in our mesh");
        Thread.sleep(1500); // js meshes settle

        Set<String> sent = new HashSet<>();
        for (int i = 5; i < 10; i++) {
            for (int k = 0; k < 20; k++) {
                String data = "{\"node\":" + i + ",\"k\":" + k + "}";
                sent.add(data);
                peers.get(i)
                        .send("{\"cmd\":\"publish\",\"topic\":\"" + TOPIC + "\",\"data\":\""
                                + data.replace("\"", "\\\"") + "\"}");
            }
        }
        awaitTrue(() -> got.keySet().containsAll(sent), "all 100 messages from nodes 5..9");
        Thread.sleep(1500); // duplicates via other paths would arrive now
        assertEquals(sent, got.keySet());
        got.forEach((k, v) -> assertEquals(1, v.get(), "delivered once: " + k));
        assertTrue(gossip.stats().delivered() >= 100);
        assertEquals(0, gossip.stats().rejected(), "nothing a js node sends is refused");

        gossip.publish(TOPIC, "from-java".getBytes(StandardCharsets.UTF_8));
        for (NodeScript p : peers) {
            String msg = p.await("MSG", WAIT);
            while (!msg.contains("from-java")) {
                msg = p.await("MSG", WAIT);
            }
            assertEquals(gossip.peerId().toString(), JsPeer.field(msg, "from"));
        }
    }

    @Test
    void brokenFramesAreRefusedCountedAndCostTheSenderScore() throws Exception {
        startRouter();
        List<Rejection> rejections = new CopyOnWriteArrayList<>();
        gossip.onRejected(rejections::add);
        AtomicInteger delivered = new AtomicInteger();
        gossip.subscribe(TOPIC, m -> {
            delivered.incrementAndGet();
            return new String(m.data(), StandardCharsets.UTF_8).startsWith("{") ? Validation.ACCEPT : Validation.REJECT;
        });
        NodeScript attacker = JsPeer.start(
                "gossip-attacker.mjs",
                "--target",
                host.listenAddresses().get(0),
                "--topic",
                TOPIC,
                "--foreign-topic",
                "/other/topic",
                "--max-size",
                Integer.toString(1 << 20));
        peers.add(attacker);
        PeerId bad = PeerId.fromString(JsPeer.field(attacker.await("READY", WAIT), "peerId"));
        attacker.send("valid:{\"ok\":true}");
        awaitTrue(() -> delivered.get() == 1, "the valid message delivered");
        assertEquals(0.0, gossip.score(bad));
        for (String kind : List.of("bad-signature", "foreign-topic", "malformed-envelope")) {
            attacker.send(kind);
            attacker.await("SENT", WAIT);
        }
        awaitTrue(() -> rejections.size() == 2 && delivered.get() == 2, "two router rejections and one handler reject");
        double afterThree = gossip.score(bad);
        assertTrue(afterThree < 0, "score " + afterThree);
        attacker.send("oversized");
        awaitTrue(() -> rejections.size() == 3, "oversized frame refused");
        Map<Rejection.Reason, Integer> reasons = new EnumMap<>(Rejection.Reason.class);
        rejections.forEach(r -> reasons.merge(r.reason(), 1, Integer::sum));
        assertEquals(
                Map.of(
                        Rejection.Reason.INVALID_SIGNATURE,
                        1,
                        Rejection.Reason.FOREIGN_TOPIC,
                        1,
                        Rejection.Reason.OVERSIZED,
                        1),
                reasons);
        rejections.forEach(r -> assertEquals(bad, r.peer()));
        assertTrue(gossip.score(bad) < afterThree);
        assertEquals(4, gossip.stats().rejected());
    }

    private static void awaitTrue(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
