package io.powerloom.sequencer.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.powerloom.sequencer.bridge.kafka.RejectRecord;
import io.powerloom.sequencer.bridge.load.SignedSubmissions;
import io.powerloom.sequencer.infra.NodeScript;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The done-when interop: a js bootstrap node running the Kademlia DHT in server mode and a mesh of ten js
 * GossipSub nodes (three of them advertise the rendezvous; the publishers sit two or more hops further). The bridge
 * knows only the bootstrap address, finds the mesh through the DHT, and every published submission reaches Kafka
 * exactly once; heartbeats only count liveness; a bad signature, a foreign topic, an oversized frame and a
 * malformed envelope from a raw peer are each rejected, counted, recorded, and cost that peer score.
 */
@Timeout(value = 120)
class GossipInteropITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "submissions-gossip";
    private static final String REJECTS = "rejects-gossip";
    private static final String PREFIX = "/powerloom/test-submissions";
    private static final String RENDEZVOUS = "powerloom-test-bds";

    private final List<NodeScript> nodes = new ArrayList<>();
    private IngestBridge bridge;

    @AfterEach
    void stop() throws Exception {
        if (bridge != null) bridge.close();
        for (NodeScript n : nodes) n.close();
    }

    private NodeScript start(List<String> args) throws Exception {
        NodeScript n = NodeScript.startLibp2pTestScript("gossip-node.mjs", args);
        nodes.add(n);
        return n;
    }

    private static String addr(String ready) throws Exception {
        return JSON.readTree(ready).get("addrs").get(0).asText();
    }

    @Test
    void everySubmissionFromAMeshFoundThroughTheDhtReachesKafkaOnceAndAbuseIsRejected() throws Exception {
        KAFKA.createTopic(TOPIC, 3);
        KAFKA.createTopic(REJECTS, 1);
        String topics = PREFIX + "/all," + PREFIX + "/0";
        String boot = addr(start(List.of("--dht", "server")).await("READY", WAIT));
        List<String> addrs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            List<String> args = new ArrayList<>(List.of("--dht", "client", "--topics", topics));
            String connect = boot;
            if (i > 0) connect += "," + addrs.get(i - 1);
            if (i > 2) connect += "," + addrs.get(i - 2);
            args.addAll(List.of("--connect", connect));
            if (i < 3) {
                args.addAll(List.of("--provide", RENDEZVOUS, "--discover", RENDEZVOUS));
            }
            addrs.add(addr(start(args).await("READY", WAIT)));
        }
        Path work = Files.createTempDirectory("gossip-interop");
        bridge = IngestBridge.start(BridgeConfig.of(Map.ofEntries(
                Map.entry("bridge.id", "bridge-gossip"),
                Map.entry("kafka.bootstrap.servers", KAFKA.bootstrapServers()),
                Map.entry("kafka.topic.submissions", TOPIC),
                Map.entry("kafka.topic.rejects", REJECTS),
                Map.entry("libp2p.listen", "/ip4/127.0.0.1/tcp/0"),
                Map.entry("libp2p.identity.key.file", work.resolve("bridge.key").toString()),
                Map.entry("http.listen", "127.0.0.1:0"),
                Map.entry("gossip.enabled", "true"),
                Map.entry("gossip.topic.prefix", PREFIX),
                Map.entry("gossip.rendezvous", RENDEZVOUS),
                Map.entry("gossip.bootstrap.peers", boot),
                Map.entry("gossip.discovery.interval", "1s"))));
        String all = PREFIX + "/all";
        awaitTrue(() -> bridge.gossip().meshPeers(all).join().size() >= 3, "three rendezvous peers in our mesh");
        Set<String> providerIds = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            providerIds.add(addrs.get(i).substring(addrs.get(i).lastIndexOf('/') + 1));
        }
        Set<String> direct = new HashSet<>();
        bridge.gossip().topicPeers(all).join().forEach(p -> direct.add(p.toString()));
        for (int i = 6; i < 10; i++) {
            String id = addrs.get(i).substring(addrs.get(i).lastIndexOf('/') + 1);
            assertThat(direct).as("publisher %d is not our neighbour", i).doesNotContain(id);
        }
        assertThat(bridge.gossipDiscovery().advertised()).isTrue();
        assertThat(bridge.health()).anySatisfy(h -> {
            assertThat(h.name()).isEqualTo("gossipsub");
            assertThat(h.ok()).isTrue();
            assertThat(h.detail()).contains("rendezvous advertised");
        });
        Thread.sleep(1500); // js meshes settle

        Map<String, String> expected = new HashMap<>();
        Map<String, Integer> publisherOf = new HashMap<>();
        int slot = 1;
        for (int i = 6; i < 10; i++) {
            for (int k = 0; k < 25; k++, slot++) {
                String inner = new String(SignedSubmissions.goJson(slot, 100 + k, 1), StandardCharsets.UTF_8);
                ObjectNode env = JSON.createObjectNode();
                env.put("epoch_id", 100 + k);
                env.putArray("submissions").add(JSON.readTree(inner));
                env.put("snapshotter_id", "snap-" + i);
                env.putNull("signature");
                // the inner text as the envelope carries it (Jackson re-serialises the tree compactly)
                String envText = JSON.writeValueAsString(env);
                String key = JSON.writeValueAsString(JSON.readTree(inner));
                expected.put(key, envText);
                publisherOf.put(key, i);
                NodeScript publisher = nodes.get(1 + i);
                publisher.send(JSON.writeValueAsString(Map.of("cmd", "publish", "topic", all, "data", envText)));
                // a snapshotter publishes into its mesh: the js node must have had peers to send it to
                assertThat(JSON.readTree(publisher.await("PUBLISHED", WAIT))
                                .get("recipients")
                                .asInt())
                        .as("peers js publisher %d sent slot %d to", i, slot)
                        .isPositive();
            }
        }
        nodes.get(10)
                .send(JSON.writeValueAsString(Map.of(
                        "cmd",
                        "publish",
                        "topic",
                        PREFIX + "/0",
                        "data",
                        "{\"epoch_id\":0,\"submissions\":null,\"snapshotter_id\":\"snap-9\",\"signature\":null}")));

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (bridge.gossipSource().accepted.sum() < 100 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(1500); // duplicates by other paths would arrive now
        List<ConsumerRecord<String, byte[]>> records = KAFKA.readToEnd(TOPIC, WAIT);
        List<String> texts = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            if (RecordCodec.decodeSubmissionTopic(r.value()) instanceof SubmissionEnvelope e) {
                assertThat(e.origin()).isEqualTo(SubmissionEnvelope.ORIGIN_GOSSIPSUB);
                assertThat(e.messageId()).isEqualTo(e.submissionId());
                assertThat(ids.add(e.messageId()))
                        .as("message %s once", e.messageId())
                        .isTrue();
                texts.add(e.submission());
            }
        }
        if (texts.size() < expected.size()) {
            throw new AssertionError(texts.size() + " of " + expected.size() + " submissions reached Kafka; "
                    + whoHeardTheMissing(expected.keySet(), texts, publisherOf) + "; bridge "
                    + bridge.gossip().stats());
        }
        assertThat(texts).hasSize(100).containsExactlyInAnyOrderElementsOf(expected.keySet());
        awaitTrue(() -> bridge.gossipSource().heartbeats.sum() == 1, "the heartbeat counted");
        assertThat(bridge.gossipSource().liveness()).containsKey("snap-9");

        // abuse from a raw peer dialing the bridge directly
        NodeScript attacker = NodeScript.startLibp2pTestScript(
                "gossip-attacker.mjs",
                List.of(
                        "--target",
                        bridge.host().listenAddresses().get(0),
                        "--topic",
                        all,
                        "--foreign-topic",
                        "/elsewhere/all",
                        "--max-size",
                        Integer.toString(1 << 20)));
        nodes.add(attacker);
        PeerId bad = PeerId.fromString(
                JSON.readTree(attacker.await("READY", WAIT)).get("peerId").asText());
        for (String kind : List.of("bad-signature", "foreign-topic", "malformed-envelope", "oversized")) {
            attacker.send(kind);
            attacker.await("SENT", WAIT);
        }
        List<ConsumerRecord<String, byte[]>> rejects = KAFKA.readAll(REJECTS, 4, WAIT);
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : rejects) {
            RejectRecord rr = RejectRecord.decode(r.value());
            reasons.put(rr.reason(), rr.peerId());
        }
        assertThat(reasons)
                .containsOnlyKeys(
                        "gossip_invalid_signature",
                        "gossip_foreign_topic",
                        "gossip_malformed_envelope",
                        "gossip_oversized");
        assertThat(new HashSet<>(reasons.values())).containsExactly(bad.toString());
        for (String reason : reasons.keySet()) {
            assertThat(bridge.metrics().rejectedCount(reason)).as(reason).isEqualTo(1);
        }
        assertThat(bridge.gossip().score(bad)).isLessThan(0);
        long submissions = 0;
        for (ConsumerRecord<String, byte[]> r : KAFKA.readToEnd(TOPIC, WAIT)) {
            if (RecordCodec.decodeSubmissionTopic(r.value()) instanceof SubmissionEnvelope) {
                submissions++;
            }
        }
        assertThat(submissions)
                .as("nothing of the abuse reached the submissions topic")
                .isEqualTo(100);
    }

    /** For each submission not in Kafka: its publisher and which js nodes heard it (node i = mesh node i). */
    private String whoHeardTheMissing(Set<String> expected, List<String> got, Map<String, Integer> publisherOf)
            throws Exception {
        List<Set<String>> heard = new ArrayList<>();
        for (int n = 1; n <= 10; n++) {
            nodes.get(n).send("{\"cmd\":\"received\"}");
            Set<String> inner = new HashSet<>();
            for (com.fasterxml.jackson.databind.JsonNode d :
                    JSON.readTree(nodes.get(n).await("RECEIVED", WAIT)).get("data")) {
                com.fasterxml.jackson.databind.JsonNode subs =
                        JSON.readTree(d.asText()).get("submissions");
                if (subs != null && subs.isArray()) {
                    subs.forEach(x -> inner.add(x.toString()));
                }
            }
            heard.add(inner);
        }
        StringBuilder out = new StringBuilder("missing:");
        for (String e : expected) {
            if (!got.contains(e)) {
                out.append(" [published by node ").append(publisherOf.get(e)).append(", heard by nodes");
                for (int n = 0; n < 10; n++) {
                    if (heard.get(n).contains(e)) {
                        out.append(' ').append(n);
                    }
                }
                out.append(']');
            }
        }
        return out.toString();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(100);
        }
    }
}
