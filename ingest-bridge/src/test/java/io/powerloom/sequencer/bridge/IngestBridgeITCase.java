package io.powerloom.sequencer.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.powerloom.sequencer.bridge.collect.CollectProtocolHandler;
import io.powerloom.sequencer.bridge.kafka.RejectRecord;
import io.powerloom.sequencer.bridge.load.SignedSubmissions;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.Libp2pHost;
import io.powerloom.sequencer.libp2p.OutboundStream;
import io.powerloom.sequencer.libp2p.StreamContext;
import io.powerloom.sequencer.libp2p.StreamHandler;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.protocol.records.Heartbeat;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import io.powerloom.sequencer.protocol.records.SubmissionTopicRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole bridge end to end: {@link IngestBridge} with a real broker, Java libp2p clients (secp256k1 and
 * Ed25519 identities) dialing it directly and writing signed submissions on pooled streams, next to streams that
 * break the format.
 */
class IngestBridgeITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir
    Path dir;

    /** Remembers how a stream we opened ended. */
    private static final class Ends implements StreamHandler {
        final CompletableFuture<Boolean> closed = new CompletableFuture<>(); // true = reset

        @Override
        public void onOpen(StreamContext stream) {}

        @Override
        public void onData(StreamContext stream, ByteBuf data) {
            throw new AssertionError("the bridge must not answer on /collect");
        }

        @Override
        public void onClose(StreamContext stream, boolean reset) {
            closed.complete(reset);
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static void write(OutboundStream s, byte[] bytes, int chunk) throws Exception {
        for (int i = 0; i < bytes.length; i += chunk) {
            s.write(Unpooled.wrappedBuffer(bytes, i, Math.min(chunk, bytes.length - i)))
                    .get(10, TimeUnit.SECONDS);
        }
    }

    /** Writes to a stream the bridge is expected to reset: a write after the reset fails, which is fine here. */
    private static void writeUntilReset(OutboundStream s, byte[] bytes, int chunk) throws Exception {
        try {
            write(s, bytes, chunk);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).hasMessageContaining("reset");
        }
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + "\n" + r.body();
    }

    @Test
    void pooledStreamsLandInKafkaExactlyOnceWhileBadStreamsAreResetAlone() throws Exception {
        String topic = "submissions-" + UUID.randomUUID();
        String rejects = "rejects-" + UUID.randomUUID();
        KAFKA.createTopic(topic, 3);
        KAFKA.createTopic(rejects, 1);
        Path identity = dir.resolve("keys/bridge.key");
        BridgeConfig config = BridgeConfig.of(Map.of(
                "bridge.id", "bridge-e2e",
                "kafka.bootstrap.servers", KAFKA.bootstrapServers(),
                "kafka.topic.submissions", topic,
                "kafka.topic.rejects", rejects,
                "heartbeat.interval", "200ms",
                "collect.max.message.bytes", "4KiB",
                "libp2p.listen", "/ip4/127.0.0.1/tcp/0",
                "libp2p.identity.key.file", identity.toString(),
                "http.listen", "127.0.0.1:0"));

        Map<String, String> expected = new LinkedHashMap<>(); // id -> json
        Map<String, String> senderOf = new HashMap<>();
        String bridgePeer;
        List<String> clientPeers = new ArrayList<>();
        IngestBridge bridge = IngestBridge.start(config);
        try (Libp2pHost secpClient =
                        Libp2pHost.builder().identity(Keys.generateSecp256k1()).build();
                Libp2pHost edClient =
                        Libp2pHost.builder().identity(Keys.generateEd25519()).build()) {
            bridgePeer = bridge.host().peerId().toString();
            String target = bridge.host().listenAddresses().get(0);
            String healthz = "http://127.0.0.1:" + bridge.httpPort() + "/healthz";
            await(
                    () -> {
                        try {
                            return get(healthz).startsWith("200\nready"); // ready once Kafka acknowledged a heartbeat
                        } catch (Exception e) {
                            return false;
                        }
                    },
                    Duration.ofSeconds(20),
                    "/healthz ready");

            List<OutboundStream> good = new ArrayList<>();
            List<Ends> goodEnds = new ArrayList<>();
            for (Libp2pHost client : List.of(secpClient, edClient)) {
                client.start().get(10, TimeUnit.SECONDS);
                clientPeers.add(client.peerId().toString());
                Connection c = client.dial(target).get(20, TimeUnit.SECONDS);
                assertThat(c.remotePeer().toString()).isEqualTo(bridgePeer);
                for (int i = 0; i < 2; i++) {
                    Ends ends = new Ends();
                    good.add(c.openStream(CollectProtocolHandler.PROTOCOL, ends).get(10, TimeUnit.SECONDS));
                    goodEnds.add(ends);
                }
            }
            Connection secpConn = secpClient.dial(target).get(20, TimeUnit.SECONDS);
            Ends badEnds = new Ends();
            OutboundStream bad = secpConn.openStream(CollectProtocolHandler.PROTOCOL, badEnds)
                    .get(10, TimeUnit.SECONDS);
            Ends bigEnds = new Ends();
            OutboundStream big = secpConn.openStream(CollectProtocolHandler.PROTOCOL, bigEnds)
                    .get(10, TimeUnit.SECONDS);

            // first half on the pooled streams, several submissions per write and split across writes
            int n = 0;
            for (int round = 0; round < 2; round++) {
                for (int s = 0; s < good.size(); s++) {
                    StringBuilder batch = new StringBuilder();
                    for (int k = 0; k < 10; k++) {
                        String id = UUID.randomUUID().toString();
                        String json = new String(
                                SignedSubmissions.goJson(1 + (n % 7), 200 + n, n % 5), StandardCharsets.UTF_8);
                        n++;
                        expected.put(id, json);
                        senderOf.put(id, clientPeers.get(s / 2));
                        batch.append(id).append(json);
                    }
                    write(good.get(s), batch.toString().getBytes(StandardCharsets.UTF_8), 333);
                }
                if (round == 0) {
                    // the broken streams, between the two halves
                    writeUntilReset(
                            bad,
                            (UUID.randomUUID().toString().substring(0, 20) + "!!garbage")
                                    .getBytes(StandardCharsets.UTF_8),
                            1000);
                    String hugeId = UUID.randomUUID().toString();
                    writeUntilReset(
                            big,
                            (hugeId
                                            + new String(SignedSubmissions.goJson(3, 3, 3), StandardCharsets.UTF_8)
                                                    .replace("\"projectId\":\"", "\"projectId\":\"" + "x".repeat(6000)))
                                    .getBytes(StandardCharsets.UTF_8),
                            1500);
                    assertThat(badEnds.closed.get(10, TimeUnit.SECONDS))
                            .as("bad stream reset")
                            .isTrue();
                    assertThat(bigEnds.closed.get(10, TimeUnit.SECONDS))
                            .as("oversized stream reset")
                            .isTrue();
                }
            }
            for (OutboundStream s : good) {
                s.close();
            }
            for (Ends e : goodEnds) {
                assertThat(e.closed.get(10, TimeUnit.SECONDS))
                        .as("good streams end cleanly")
                        .isFalse();
            }
            await(() -> bridge.metrics().accepted.sum() == expected.size(), Duration.ofSeconds(30), "all acked");

            String metrics = get("http://127.0.0.1:" + bridge.httpPort() + "/metrics");
            assertThat(metrics).startsWith("200\n");
            assertThat(metrics).contains("sequencer_bridge_accepted_total " + expected.size() + "\n");
            assertThat(metrics).contains("sequencer_bridge_received_total " + expected.size() + "\n");
            assertThat(metrics).contains("sequencer_bridge_rejected_total{reason=\"bad_uuid\"} 1\n");
            assertThat(metrics).contains("sequencer_bridge_rejected_total{reason=\"oversized\"} 1\n");
            assertThat(metrics).contains("sequencer_bridge_open_connections ");
            assertThat(metrics).containsPattern("sequencer_bridge_heartbeats_sent_total [1-9]");
        } finally {
            bridge.close();
        }

        List<ConsumerRecord<String, byte[]>> records =
                KAFKA.readToEnd(topic, Duration.ofSeconds(30)); // the bridge closed: all is written
        Map<String, Integer> count = new HashMap<>();
        Map<Integer, Integer> heartbeats = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            SubmissionTopicRecord rec = RecordCodec.decodeSubmissionTopic(r.value());
            if (rec instanceof SubmissionEnvelope env) {
                count.merge(env.submissionId(), 1, Integer::sum);
                assertThat(env.submission()).isEqualTo(expected.get(env.submissionId()));
                assertThat(env.peerId()).isEqualTo(senderOf.get(env.submissionId()));
                assertThat(env.bridgeId()).isEqualTo("bridge-e2e");
                assertThat(r.timestamp()).isEqualTo(env.receivedAtMs());
            } else if (rec instanceof Heartbeat hb) {
                heartbeats.merge(hb.partition(), 1, Integer::sum);
            }
        }
        assertThat(count.keySet()).isEqualTo(expected.keySet());
        assertThat(count.values()).allMatch(c -> c == 1);
        assertThat(heartbeats.keySet()).containsExactlyInAnyOrder(0, 1, 2);

        List<RejectRecord> rejected = KAFKA.readAll(rejects, 2, Duration.ofSeconds(20)).stream()
                .map(r -> RejectRecord.decode(r.value()))
                .toList();
        assertThat(rejected).extracting(RejectRecord::reason).containsExactlyInAnyOrder("bad_uuid", "oversized");
        assertThat(rejected).extracting(RejectRecord::peerId).containsOnly(clientPeers.get(0));

        // the identity survives a restart: snapshotters keep dialing the same peer ID
        try (IngestBridge again = IngestBridge.start(config)) {
            assertThat(again.host().peerId().toString()).isEqualTo(bridgePeer);
        }
    }
}
