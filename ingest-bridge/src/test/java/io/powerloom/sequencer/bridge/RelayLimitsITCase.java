package io.powerloom.sequencer.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.bridge.load.SignedSubmissions;
import io.powerloom.sequencer.infra.NodeScript;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A js-libp2p circuit relay v2 with its default limits (2 minutes and 128 KiB per relayed connection) would cut
 * every pooled {@code /collect} stream: the bridge reports the limit on {@code /healthz} (not ready, naming the
 * relay setting to change) and in its metrics, for the reservation and for each limited circuit.
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
        try (NodeScript relay = NodeScript.startLibp2pTestScript("relay.mjs",
                List.of("--port", "0", "--default-limits"))) {
            String relayAddr = JSON.readTree(relay.await("READY", WAIT)).get("addrs").get(0).asText();
            try (IngestBridge bridge = IngestBridge.start(BridgeConfig.of(Map.of(
                    "kafka.bootstrap.servers", KAFKA.bootstrapServers(),
                    "kafka.topic.submissions", "submissions-limits",
                    "kafka.topic.rejects", "rejects-limits",
                    "libp2p.listen", "/ip4/127.0.0.1/tcp/0",
                    "libp2p.relays", relayAddr,
                    "libp2p.identity.key.file", work.resolve("bridge.key").toString(),
                    "http.listen", "127.0.0.1:0")))) {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (bridge.host().circuitAddresses().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(bridge.host().reservations().get(relayAddr).limited()).isTrue();
                String health = get(bridge, "/healthz");
                for (int i = 0; i < 200 && !health.contains("kafka ok"); i++) { // Kafka acknowledged a heartbeat
                    Thread.sleep(50);
                    health = get(bridge, "/healthz");
                }
                assertThat(health).startsWith("503")
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
                Files.writeString(f, UUID.randomUUID() + new String(SignedSubmissions.goJson(1, 5, 0), StandardCharsets.UTF_8) + "\n");
                try (NodeScript client = NodeScript.startLibp2pTestScript("go-collector.mjs", List.of("--target",
                        bridge.host().circuitAddresses().get(0), "--file", f.toString(), "--streams", "1"))) {
                    JsonNode result = JSON.readTree(client.await("RESULT", WAIT));
                    assertThat(result.get("written").asInt()).isEqualTo(1);
                }
                assertThat(bridge.host().stats().limitedCircuits()).isGreaterThanOrEqualTo(1);
                assertThat(get(bridge, "/metrics")).containsPattern("sequencer_bridge_libp2p_limited_circuits_total [1-9]");
            }
        }
    }

    private static String get(IngestBridge bridge, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + bridge.httpPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + "\n" + r.body();
    }
}
