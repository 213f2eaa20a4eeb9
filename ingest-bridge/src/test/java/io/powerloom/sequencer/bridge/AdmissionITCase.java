package io.powerloom.sequencer.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.bridge.load.SignedSubmissions;
import io.powerloom.sequencer.infra.NodeScript;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.Libp2pHost;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission control: one source address that holds as many connections as it may (and hammers the listener with
 * handshakes that never finish) does not keep a collector on another address out; connections that open no
 * stream are closed after the idle timeout. 127.0.0.2 is the second host: loopback answers for all of 127/8.
 */
class AdmissionITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "submissions-admission";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @BeforeAll
    static void topics() {
        KAFKA.createTopic(TOPIC, 1);
        KAFKA.createTopic("rejects-admission", 1);
    }

    private IngestBridge bridge(Map<String, String> extra) {
        Map<String, String> c = new java.util.HashMap<>(Map.of(
                "kafka.bootstrap.servers",
                KAFKA.bootstrapServers(),
                "kafka.topic.submissions",
                TOPIC,
                "kafka.topic.rejects",
                "rejects-admission",
                "libp2p.listen",
                "/ip4/127.0.0.1/tcp/0",
                "libp2p.identity.key.file",
                work.resolve("bridge.key").toString(),
                "http.listen",
                "127.0.0.1:0"));
        c.putAll(extra);
        return IngestBridge.start(BridgeConfig.of(c));
    }

    @Test
    void oneAddressHoldingItsCapDoesNotKeepACollectorOnAnotherAddressOut() throws Exception {
        List<Libp2pHost> hogs = new ArrayList<>();
        List<Socket> half = new ArrayList<>();
        try (IngestBridge bridge = bridge(Map.of(
                "libp2p.max.connections",
                "4",
                "libp2p.max.connections.per.ip",
                "2",
                "libp2p.max.pending.handshakes.per.ip",
                "2"))) {
            String target = bridge.host().listenAddresses().get(0);
            int port = Integer.parseInt(target.split("/")[4]);
            // 127.0.0.1 takes its two connections...
            for (int i = 0; i < 2; i++) {
                Libp2pHost h = Libp2pHost.builder()
                        .keepAlive(Duration.ZERO)
                        .eventLoopThreads(1)
                        .build();
                hogs.add(h);
                Connection c = h.dial(target).get(20, TimeUnit.SECONDS);
                assertThat(c.isOpen()).isTrue();
            }
            // ...then opens TCP connections that never start their handshake
            for (int i = 0; i < 6; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                half.add(s);
            }
            int refusedSockets = 0;
            for (Socket s : half) {
                s.setSoTimeout(3000);
                try (InputStream in = s.getInputStream()) {
                    if (in.read() == -1) {
                        refusedSockets++; // closed by the bridge at accept
                    }
                } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                    // still open (waiting for its handshake), or reset
                    if (e instanceof java.net.SocketException) {
                        refusedSockets++;
                    }
                }
            }
            assertThat(refusedSockets).as("127.0.0.1 is over its cap").isEqualTo(6);
            Libp2pHost third = Libp2pHost.builder()
                    .keepAlive(Duration.ZERO)
                    .eventLoopThreads(1)
                    .build();
            hogs.add(third);
            assertThat(third.dial(target)).failsWithin(Duration.ofSeconds(20));

            // a collector on 127.0.0.2 gets in and delivers
            StringBuilder file = new StringBuilder();
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                file.append(id)
                        .append(new String(SignedSubmissions.goJson(3, 700 + i, i % 3), StandardCharsets.UTF_8))
                        .append('\n');
            }
            Path f = work.resolve("s.txt");
            Files.writeString(f, file);
            JsonNode result;
            try (NodeScript client = NodeScript.startLibp2pTestScript(
                    "go-collector.mjs",
                    List.of(
                            "--target",
                            target,
                            "--file",
                            f.toString(),
                            "--streams",
                            "5",
                            "--source-ip",
                            "127.0.0.2"))) {
                result = JSON.readTree(client.await("RESULT", WAIT));
            }
            String peer = result.get("peerId").asText();
            Set<String> seen = new HashSet<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (seen.size() < ids.size() && System.nanoTime() < deadline) {
                seen.clear();
                for (ConsumerRecord<String, byte[]> r :
                        KAFKA.readAll(TOPIC, Integer.MAX_VALUE, Duration.ofSeconds(2))) {
                    if (RecordCodec.decodeSubmissionTopic(r.value()) instanceof SubmissionEnvelope env
                            && env.peerId().equals(peer)) {
                        seen.add(env.submissionId());
                    }
                }
            }
            assertThat(seen).isEqualTo(ids);
            assertThat(bridge.host().stats().refusedPerIp()).isGreaterThanOrEqualTo(7);
            assertThat(bridge.metrics().render())
                    .containsPattern("sequencer_bridge_libp2p_connections_refused_per_ip_total (\\d{2}|[7-9])\n");
        } finally {
            for (Socket s : half) {
                s.close();
            }
            hogs.forEach(Libp2pHost::close);
        }
    }

    @Test
    void aConnectionThatOpensNoStreamIsClosedAfterTheIdleTimeout() throws Exception {
        try (IngestBridge bridge = bridge(Map.of("libp2p.idle.connection.timeout", "1s"));
                Libp2pHost client = Libp2pHost.builder()
                        .keepAlive(Duration.ZERO)
                        .eventLoopThreads(1)
                        .build()) {
            Connection c = client.dial(bridge.host().listenAddresses().get(0)).get(20, TimeUnit.SECONDS);
            c.closeFuture().get(10, TimeUnit.SECONDS);
            assertThat(bridge.host().stats().closedIdle()).isEqualTo(1);
            assertThat(bridge.metrics().render()).contains("sequencer_bridge_libp2p_connections_closed_idle_total 1\n");
        }
    }
}
