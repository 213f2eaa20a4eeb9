package io.powerloom.sequencer.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.bridge.load.SignedSubmissions;
import io.powerloom.sequencer.infra.NodeScript;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge on a js-libp2p circuit relay v2. With the relay's default limits (2 minutes and 128 KiB per relayed
 * connection), which would cut every pooled {@code /collect} stream, it reports the limit on {@code /healthz} (not
 * ready, naming the relay setting to change) and in its metrics, for the reservation and for each limited circuit.
 * When the relay refuses a renewal of the reservation, the bridge retries without closing the relay connection, so
 * the circuits of the collectors on it live on.
 */
class RelayLimitsITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void aRelayWithJsLibp2psDefaultLimitsMakesTheBridgeNotReadyAndSaysWhy() throws Exception {
        KAFKA.createTopic("submissions-limits", 1);
        KAFKA.createTopic("rejects-limits", 1);
        try (NodeScript relay =
                NodeScript.startLibp2pTestScript("relay.mjs", List.of("--port", "0", "--default-limits"))) {
            String relayAddr = JSON.readTree(relay.await("READY", WAIT))
                    .get("addrs")
                    .get(0)
                    .asText();
            try (IngestBridge bridge = reservedOn(relayAddr, "limits")) {
                assertThat(bridge.host().reservations().get(relayAddr).limited())
                        .isTrue();
                String health = get(bridge, "/healthz");
                for (int i = 0; i < 200 && !health.contains("kafka ok"); i++) { // Kafka acknowledged a heartbeat
                    Thread.sleep(50);
                    health = get(bridge, "/healthz");
                }
                assertThat(health)
                        .startsWith("503")
                        .contains("relay " + relayAddr + " FAIL")
                        .contains("limits each relayed connection (Limit.duration 120000, Limit.data 131072 bytes)")
                        .contains("relay.WithInfiniteLimits()")
                        .contains("applyDefaultLimit = false");
                String metrics = get(bridge, "/metrics");
                assertThat(metrics)
                        .contains("sequencer_bridge_relay_limit_duration{relay=\"" + relayAddr + "\"} 120000\n")
                        .contains("sequencer_bridge_relay_limit_data_bytes{relay=\"" + relayAddr + "\"} 131072\n");

                // a collector through the relay gets a limited circuit: counted
                Path f = work.resolve("s.txt");
                Files.writeString(
                        f,
                        UUID.randomUUID() + new String(SignedSubmissions.goJson(1, 5, 0), StandardCharsets.UTF_8)
                                + "\n");
                try (NodeScript client = NodeScript.startLibp2pTestScript(
                        "go-collector.mjs",
                        List.of(
                                "--target",
                                bridge.host().circuitAddresses().get(0),
                                "--file",
                                f.toString(),
                                "--streams",
                                "1"))) {
                    JsonNode result = JSON.readTree(client.await("RESULT", WAIT));
                    assertThat(result.get("written").asInt()).isEqualTo(1);
                }
                assertThat(bridge.host().stats().limitedCircuits()).isGreaterThanOrEqualTo(1);
                assertThat(get(bridge, "/metrics"))
                        .containsPattern("sequencer_bridge_libp2p_limited_circuits_total [1-9]");
            }
        }
    }

    @Test
    void aRefusedRenewalIsRetriedWithoutCuttingTheCircuitsOnTheRelayConnection() throws Exception {
        KAFKA.createTopic("submissions-renewal", 1);
        KAFKA.createTopic("rejects-renewal", 1);
        // reservations of 30 s: the bridge renews 20 s after reserving. A js-libp2p relay ends its circuits when the
        // reservation of their destination expires, so the collector writes after the refusals and before that.
        try (NodeScript relay =
                NodeScript.startLibp2pTestScript("relay.mjs", List.of("--port", "0", "--ttl-ms", "30000"))) {
            String relayAddr = JSON.readTree(relay.await("READY", WAIT))
                    .get("addrs")
                    .get(0)
                    .asText();
            try (IngestBridge bridge = reservedOn(relayAddr, "renewal")) {
                long deadline = System.nanoTime() + WAIT.toNanos();
                String circuit = bridge.host().circuitAddresses().get(0);
                // a Go collector through the relay: 4 pooled streams, SYN only, its submissions written later
                Map<String, String> expected = new java.util.TreeMap<>();
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < 8; i++) {
                    String id = UUID.randomUUID().toString();
                    String json = new String(SignedSubmissions.goJson(1 + i % 4, 7, i), StandardCharsets.UTF_8);
                    expected.put(id, json);
                    lines.append(id).append(json).append('\n');
                }
                Path f = work.resolve("renewal.txt");
                Files.writeString(f, lines);
                try (NodeScript client = NodeScript.startLibp2pTestScript(
                        "go-collector.mjs",
                        List.of(
                                "--target",
                                circuit,
                                "--file",
                                f.toString(),
                                "--streams",
                                "4",
                                "--write-on-stdin",
                                "true"))) {
                    assertThat(JSON.readTree(client.await("OPENED", WAIT))
                                    .get("streams")
                                    .asInt())
                            .isEqualTo(4);
                    long renewalsBefore =
                            bridge.host().reservations().get(relayAddr).renewals();
                    relay.send("refuse-hop");
                    relay.await("REFUSING", WAIT);
                    // the next renewal is refused and retried, on the same connection
                    while (bridge.host().reservations().get(relayAddr).attempts() < 2 && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                    }
                    var state = bridge.host().reservations().get(relayAddr);
                    assertThat(state.attempts())
                            .as("refused renewals retried: %s", state)
                            .isGreaterThanOrEqualTo(2);
                    assertThat(state.renewals()).isEqualTo(renewalsBefore);
                    assertThat(state.lastError()).isNotBlank();
                    assertThat(state.expires())
                            .as("written before the reservation expires")
                            .isAfter(java.time.Instant.now());
                    client.send("write");
                    JsonNode result = JSON.readTree(client.await("RESULT", WAIT));
                    assertThat(result.get("written").asInt()).isEqualTo(expected.size());
                }
                Map<String, String> seen = new java.util.TreeMap<>();
                long until = System.nanoTime() + WAIT.toNanos();
                while (seen.size() < expected.size() && System.nanoTime() < until) {
                    seen.clear();
                    for (ConsumerRecord<String, byte[]> r :
                            KAFKA.readAll("submissions-renewal", Integer.MAX_VALUE, Duration.ofSeconds(1))) {
                        if (RecordCodec.decodeSubmissionTopic(r.value()) instanceof SubmissionEnvelope env) {
                            assertThat(seen.put(env.submissionId(), env.submission()))
                                    .as("duplicate")
                                    .isNull();
                        }
                    }
                }
                assertThat(seen)
                        .as("every submission written on the circuit after the refused renewals")
                        .isEqualTo(expected);
            }
        }
    }

    /** A bridge writing to {@code submissions-<run>} / {@code rejects-<run>}, once it holds a reservation on the relay. */
    private IngestBridge reservedOn(String relayAddr, String run) throws InterruptedException {
        IngestBridge bridge = IngestBridge.start(BridgeConfig.of(Map.of(
                "bridge.id",
                "bridge-" + run,
                "kafka.bootstrap.servers",
                KAFKA.bootstrapServers(),
                "kafka.topic.submissions",
                "submissions-" + run,
                "kafka.topic.rejects",
                "rejects-" + run,
                "libp2p.listen",
                "/ip4/127.0.0.1/tcp/0",
                "libp2p.relays",
                relayAddr,
                "libp2p.identity.key.file",
                work.resolve(run + ".key").toString(),
                "http.listen",
                "127.0.0.1:0")));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (bridge.host().circuitAddresses().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return bridge;
    }

    private static String get(IngestBridge bridge, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.httpPort() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + "\n" + r.body();
    }
}
