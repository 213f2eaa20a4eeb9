package io.powerloom.sequencer.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.bridge.kafka.RejectRecord;
import io.powerloom.sequencer.bridge.load.SignedSubmissions;
import io.powerloom.sequencer.infra.NodeScript;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import io.powerloom.sequencer.protocol.records.SubmissionTopicRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Interop end to end with real js-libp2p peers: a js circuit relay v2 (on which the bridge holds a reservation)
 * and a js client that writes exactly what Powerloom's local collector writes — UUID + Go JSON, several
 * submissions per pooled stream — plus malformed and oversized streams. Every valid submission must land in the
 * real broker intact and exactly once, over {@code /p2p-circuit} and over a direct dial, with Ed25519 and
 * secp256k1 client identities.
 */
class CollectInteropITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "submissions-interop";
    private static final String REJECTS = "rejects-interop";

    private static NodeScript relay;
    private static IngestBridge bridge;
    private static String relayAddr;
    private static Path work;

    @BeforeAll
    static void startRelayAndBridge() throws Exception {
        KAFKA.createTopic(TOPIC, 3);
        KAFKA.createTopic(REJECTS, 1);
        work = Files.createTempDirectory("collect-interop");
        relay = NodeScript.startLibp2pTestScript("relay.mjs", List.of("--port", "0"));
        JsonNode ready = JSON.readTree(relay.await("READY", WAIT));
        relayAddr = ready.get("addrs").get(0).asText();
        bridge = IngestBridge.start(BridgeConfig.of(Map.of(
                "bridge.id",
                "bridge-interop",
                "kafka.bootstrap.servers",
                KAFKA.bootstrapServers(),
                "kafka.topic.submissions",
                TOPIC,
                "kafka.topic.rejects",
                REJECTS,
                "collect.max.message.bytes",
                "16KiB",
                "libp2p.listen",
                "/ip4/127.0.0.1/tcp/0",
                "libp2p.relays",
                relayAddr,
                "libp2p.identity.key.file",
                work.resolve("bridge.key").toString(),
                "http.listen",
                "127.0.0.1:0")));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (bridge.host().circuitAddresses().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "no reservation on the js relay: " + bridge.host().reservations());
            }
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void ed25519ClientOverTheJsRelay() throws Exception {
        String circuit = bridge.host().circuitAddresses().get(0);
        assertThat(circuit)
                .isEqualTo(relayAddr + "/p2p-circuit/p2p/" + bridge.host().peerId());
        String health = get("/healthz");
        for (int i = 0; i < 200 && !health.startsWith("200"); i++) { // ready once Kafka acknowledged a heartbeat
            Thread.sleep(50);
            health = get("/healthz");
        }
        assertThat(health).startsWith("200\nready").contains("relay " + relayAddr + " ok RESERVED");
        assertThat(get("/metrics")).contains("sequencer_bridge_relay_reservation{relay=\"" + relayAddr + "\"} 1\n");
        collectAndVerify(circuit, "Ed25519", 40);
    }

    @Test
    void secp256k1ClientDialingDirectly() throws Exception {
        collectAndVerify(bridge.host().listenAddresses().get(0), "secp256k1", 40);
    }

    private void collectAndVerify(String target, String keyType, int count) throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            String json = new String(SignedSubmissions.goJson(10 + i % 4, 900 + i, i % 6), StandardCharsets.UTF_8);
            expected.put(id, json);
            file.append(id).append(json).append('\n');
        }
        Path f = work.resolve("submissions-" + keyType + ".txt");
        Files.writeString(f, file);
        long acceptedBefore = bridge.metrics().accepted.sum();
        long badBefore = bridge.metrics().rejectedCount("bad_uuid");
        long bigBefore = bridge.metrics().rejectedCount("oversized");

        JsonNode result;
        try (NodeScript client = NodeScript.startLibp2pTestScript(
                "collect-client.mjs",
                List.of(
                        "--target",
                        target,
                        "--file",
                        f.toString(),
                        "--streams",
                        "3",
                        "--key-type",
                        keyType,
                        "--bad",
                        "1",
                        "--oversized",
                        "1",
                        "--oversized-bytes",
                        "40000"))) {
            result = JSON.readTree(client.await("RESULT", WAIT));
        }
        String clientPeer = result.get("peerId").asText();
        assertThat(result.get("remotePeer").asText())
                .isEqualTo(bridge.host().peerId().toString());
        int written = 0;
        for (JsonNode p : result.get("pooled")) {
            assertThat(p.get("ended").asText())
                    .as("pooled streams end with the bridge's FIN")
                    .isEqualTo("fin");
            assertThat(p.get("written").asInt())
                    .as("several submissions per pooled stream")
                    .isGreaterThan(1);
            written += p.get("written").asInt();
        }
        assertThat(written).isEqualTo(count);
        for (JsonNode b : result.get("broken")) {
            assertThat(b.get("ended").asText())
                    .as(b.get("kind").asText() + " stream")
                    .isEqualTo("reset");
        }

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (bridge.metrics().accepted.sum() - acceptedBefore < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(bridge.metrics().accepted.sum() - acceptedBefore).isEqualTo(count);
        assertThat(bridge.metrics().rejectedCount("bad_uuid") - badBefore).isEqualTo(1);
        assertThat(bridge.metrics().rejectedCount("oversized") - bigBefore).isEqualTo(1);

        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : KAFKA.readAll(TOPIC, Integer.MAX_VALUE, Duration.ofSeconds(5))) {
            SubmissionTopicRecord rec = RecordCodec.decodeSubmissionTopic(r.value());
            if (rec instanceof SubmissionEnvelope env && env.peerId().equals(clientPeer)) {
                seen.merge(env.submissionId(), 1, Integer::sum);
                assertThat(env.submission())
                        .as("submission text exactly as the js client wrote it")
                        .isEqualTo(expected.get(env.submissionId()));
            }
        }
        assertThat(seen.keySet()).isEqualTo(expected.keySet());
        assertThat(seen.values()).allMatch(n -> n == 1);

        List<String> reasons = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : KAFKA.readAll(REJECTS, Integer.MAX_VALUE, Duration.ofSeconds(3))) {
            RejectRecord rr = RejectRecord.decode(r.value());
            if (rr.peerId().equals(clientPeer)) {
                reasons.add(rr.reason());
            }
        }
        assertThat(reasons).containsExactlyInAnyOrder("bad_uuid", "oversized");
    }

    private static String get(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.httpPort() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + "\n" + r.body();
    }
}
