package io.powerloom.sequencer.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.powerloom.sequencer.bridge.collect.CollectProtocolHandler;
import io.powerloom.sequencer.bridge.load.SignedSubmissions;
import io.powerloom.sequencer.infra.FreePorts;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.Libp2pHost;
import io.powerloom.sequencer.libp2p.OutboundStream;
import io.powerloom.sequencer.libp2p.PeerId;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge as operators run it: {@code IngestBridge --config file} in a JVM of its own, one key overridden from
 * the environment, stopped with SIGTERM; what it had received is in Kafka afterwards.
 */
class IngestBridgeProcessITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir
    Path dir;

    @Test
    void mainWithConfigFileAndEnvironmentStopsGracefullyOnSigterm() throws Exception {
        Path key = dir.resolve("identity.key");
        PeerId bridgePeer =
                PeerId.fromPublicKey(IdentityKeyFile.loadOrCreate(key).publicKey());
        int p2pPort = FreePorts.next();
        int httpPort = FreePorts.next();
        Path config = dir.resolve("bridge.properties");
        Files.writeString(
                config,
                String.join("\n", BridgeProcessConfig.lines(KAFKA, "proc", "from-file", key, p2pPort, httpPort)));
        Path log = dir.resolve("bridge.log");
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        IngestBridge.class.getName(),
                        "--config",
                        config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("SEQUENCER_BRIDGE_BRIDGE_ID", "from-env");
        Process bridge = pb.start();
        Set<String> sent = new HashSet<>();
        try {
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    if (http.send(
                                            HttpRequest.newBuilder(
                                                            URI.create("http://127.0.0.1:" + httpPort + "/healthz"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 200) {
                        break;
                    }
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
                assertThat(bridge.isAlive())
                        .as("bridge process alive; log: " + Files.readString(log))
                        .isTrue();
                assertThat(System.nanoTime()).as("ready in time").isLessThan(deadline);
                Thread.sleep(100);
            }
            try (Libp2pHost client = Libp2pHost.builder().build()) {
                client.start().get(10, TimeUnit.SECONDS);
                Connection c = client.dial("/ip4/127.0.0.1/tcp/" + p2pPort + "/p2p/" + bridgePeer)
                        .get(20, TimeUnit.SECONDS);
                OutboundStream s = c.openStream(CollectProtocolHandler.PROTOCOL).get(10, TimeUnit.SECONDS);
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < 50; i++) {
                    String id = UUID.randomUUID().toString();
                    sent.add(id);
                    b.append(id)
                            .append(new String(SignedSubmissions.goJson(i % 3 + 1, 50 + i, i), StandardCharsets.UTF_8));
                }
                s.write(Unpooled.wrappedBuffer(b.toString().getBytes(StandardCharsets.UTF_8)))
                        .get(10, TimeUnit.SECONDS);
                // wait until the bridge read everything, then stop it while the stream is still open
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body()
                        .contains("sequencer_bridge_received_total 50\n")) {
                    assertThat(System.nanoTime()).as("bridge read all 50").isLessThan(deadline);
                    Thread.sleep(50);
                }
                bridge.destroy(); // SIGTERM
                assertThat(bridge.waitFor(30, TimeUnit.SECONDS))
                        .as("stopped within 30 s")
                        .isTrue();
            }
        } finally {
            if (bridge.isAlive()) {
                bridge.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        String out = Files.readString(log);
        assertThat(bridge.exitValue()).as(out).isEqualTo(143); // 128 + SIGTERM, after the shutdown hook ran
        assertThat(out).contains("ingest bridge from-env stopped: received 50, accepted 50, rejected 0");

        Set<String> landed = new HashSet<>();
        List<ConsumerRecord<String, byte[]>> records = KAFKA.readAll("proc-submissions", 60, Duration.ofSeconds(20));
        for (ConsumerRecord<String, byte[]> r : records) {
            if (RecordCodec.decodeSubmissionTopic(r.value()) instanceof SubmissionEnvelope env) {
                assertThat(env.bridgeId())
                        .as("bridge.id from the environment wins over the file")
                        .isEqualTo("from-env");
                assertThat(landed.add(env.submissionId())).isTrue();
            }
        }
        assertThat(landed).isEqualTo(sent);
    }
}
