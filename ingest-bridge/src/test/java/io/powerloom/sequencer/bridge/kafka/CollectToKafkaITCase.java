package io.powerloom.sequencer.bridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.powerloom.sequencer.bridge.BridgeConfig;
import io.powerloom.sequencer.bridge.collect.CollectProtocolHandler;
import io.powerloom.sequencer.bridge.collect.FakeStream;
import io.powerloom.sequencer.bridge.ops.BridgeMetrics;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.protocol.records.Heartbeat;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import io.powerloom.sequencer.protocol.records.SubmissionTopicRecord;
import io.powerloom.sequencer.protocol.wire.Request;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kafka half of the bridge against a real broker: the {@code /collect} handler (fed directly, without libp2p)
 * with the real {@link SubmissionProducer} and {@link HeartbeatEmitter}.
 */
class CollectToKafkaITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static final int PARTITIONS = 4;

    private static String json(long slot, int n) {
        return new String(
                SubmissionCodec.toGoJson(new SnapshotSubmission(
                        new Request(slot, 500 + n, "bafkreicid" + n, 10 + n, "task:0xsource" + n + ":NS"),
                        "cd".repeat(65),
                        "0x" + "ab".repeat(32),
                        "0x" + "12".repeat(20),
                        "v1.2.3")),
                StandardCharsets.UTF_8);
    }

    @Test
    void validSubmissionsLandOnceIntactKeyedBySlotWithHeartbeatsOnEveryPartition() throws Exception {
        String topic = "submissions-" + UUID.randomUUID();
        String rejects = "rejects-" + UUID.randomUUID();
        KAFKA.createTopic(topic, PARTITIONS);
        KAFKA.createTopic(rejects, 1);
        BridgeConfig config = BridgeConfig.of(Map.of(
                "bridge.id",
                "bridge-it",
                "kafka.bootstrap.servers",
                KAFKA.bootstrapServers(),
                "kafka.topic.submissions",
                topic,
                "kafka.topic.rejects",
                rejects,
                "heartbeat.interval",
                "200ms"));
        BridgeMetrics metrics = new BridgeMetrics();
        Map<String, String> expected = new LinkedHashMap<>(); // submission id -> json
        Map<String, Long> slotOf = new HashMap<>();
        List<String> peers = new ArrayList<>();
        String invalidId = UUID.randomUUID().toString();
        try (SubmissionProducer producer = SubmissionProducer.create(config, new ReceiveClock(), metrics);
                HeartbeatEmitter heartbeats = new HeartbeatEmitter(producer, config.heartbeatInterval())) {
            producer.awaitReady(Duration.ofSeconds(30));
            assertThat(producer.partitions()).hasSize(PARTITIONS);
            heartbeats.start();
            CollectProtocolHandler handler = new CollectProtocolHandler(config, producer, metrics);

            List<FakeStream> streams = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                FakeStream stream = new FakeStream(
                        PeerId.fromPublicKey((s == 1 ? Keys.generateSecp256k1() : Keys.generateEd25519()).publicKey()));
                streams.add(stream);
                peers.add(stream.peer.toString());
                handler.onOpen(stream);
            }
            // 3 streams x 40 submissions over 12 slots, interleaved, in reads of 97 bytes
            for (int round = 0; round < 40; round++) {
                for (int s = 0; s < 3; s++) {
                    long slot = (round + s) % 12 + 1;
                    String id = UUID.randomUUID().toString();
                    String j = json(slot, round);
                    expected.put(id, j);
                    slotOf.put(id, slot);
                    byte[] b = (id + j).getBytes(StandardCharsets.UTF_8);
                    for (int i = 0; i < b.length; i += 97) {
                        ByteBuf buf = Unpooled.wrappedBuffer(b, i, Math.min(97, b.length - i));
                        handler.onData(streams.get(s), buf);
                    }
                }
            }
            // a stream that breaks the framing, and an invalid submission on a healthy stream
            FakeStream broken =
                    new FakeStream(PeerId.fromPublicKey(Keys.generateEd25519().publicKey()));
            handler.onOpen(broken);
            handler.onData(broken, Unpooled.wrappedBuffer("zzzz".getBytes(StandardCharsets.UTF_8)));
            handler.onData(
                    streams.get(0),
                    Unpooled.wrappedBuffer(
                            (invalidId + "{\"request\":{\"slotId\":\"x\"}}").getBytes(StandardCharsets.UTF_8)));

            assertThat(handler.awaitNoneInFlight(Duration.ofSeconds(30))).isTrue();
            assertThat(broken.reset).isTrue();
            assertThat(streams).noneMatch(s -> s.reset);
            assertThat(streams).as("the bridge never writes on /collect").allMatch(s -> s.bytesWritten == 0);
            assertThat(broken.bytesWritten).isZero();
            Thread.sleep(600); // a few heartbeat rounds after the last submission
            heartbeats.close();
            producer.flush();
            assertThat(metrics.accepted.sum()).isEqualTo(expected.size());
            assertThat(metrics.produceLatency.count()).isEqualTo(expected.size());
        }

        List<ConsumerRecord<String, byte[]>> records =
                KAFKA.readAll(topic, expected.size() + 3 * PARTITIONS, Duration.ofSeconds(30));
        Map<String, Integer> seen = new HashMap<>();
        Map<Long, Integer> partitionOfSlot = new HashMap<>();
        Map<Integer, Long> lastTimestamp = new HashMap<>();
        Map<Integer, Integer> heartbeatsPerPartition = new HashMap<>();
        Map<Long, List<String>> orderPerSlot = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            Long last = lastTimestamp.put(r.partition(), r.timestamp());
            assertThat(last == null || last <= r.timestamp())
                    .as("timestamps of one bridge never decrease within a partition")
                    .isTrue();
            SubmissionTopicRecord rec = RecordCodec.decodeSubmissionTopic(r.value());
            if (rec instanceof SubmissionEnvelope env) {
                seen.merge(env.submissionId(), 1, Integer::sum);
                assertThat(env.submission()).isEqualTo(expected.get(env.submissionId()));
                assertThat(env.bridgeId()).isEqualTo("bridge-it");
                assertThat(peers).contains(env.peerId());
                assertThat(r.timestamp()).isEqualTo(env.receivedAtMs());
                long slot = slotOf.get(env.submissionId());
                assertThat(r.key()).isEqualTo(Long.toString(slot));
                Integer p = partitionOfSlot.putIfAbsent(slot, r.partition());
                assertThat(p == null || p == r.partition())
                        .as("one slot, one partition")
                        .isTrue();
                orderPerSlot.computeIfAbsent(slot, k -> new ArrayList<>()).add(env.submissionId());
            } else if (rec instanceof Heartbeat hb) {
                assertThat(r.key()).isEqualTo("hb");
                assertThat(hb.partition()).isEqualTo(r.partition());
                assertThat(hb.bridgeId()).isEqualTo("bridge-it");
                assertThat(r.timestamp()).isEqualTo(hb.receivedAtMs());
                heartbeatsPerPartition.merge(r.partition(), 1, Integer::sum);
            }
        }
        assertThat(seen.keySet()).isEqualTo(expected.keySet());
        assertThat(seen.values()).allMatch(n -> n == 1);
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(heartbeatsPerPartition.getOrDefault(p, 0))
                    .as("heartbeats on partition " + p)
                    .isGreaterThanOrEqualTo(3);
        }
        // per slot, the log keeps the order in which the bridge received the slot's submissions
        Map<Long, List<String>> sentOrder = new HashMap<>();
        expected.keySet()
                .forEach(id -> sentOrder
                        .computeIfAbsent(slotOf.get(id), k -> new ArrayList<>())
                        .add(id));
        assertThat(orderPerSlot).isEqualTo(sentOrder);

        List<ConsumerRecord<String, byte[]>> rejected = KAFKA.readAll(rejects, 2, Duration.ofSeconds(20));
        Set<String> reasons = new HashSet<>();
        for (ConsumerRecord<String, byte[]> r : rejected) {
            RejectRecord rr = RejectRecord.decode(r.value());
            reasons.add(rr.reason());
            if ("bad_field".equals(rr.reason())) {
                assertThat(rr.submissionId()).isEqualTo(invalidId);
            }
        }
        assertThat(reasons).containsExactlyInAnyOrder("bad_uuid", "bad_field");
        assertThat(metrics.rejectedCount("bad_uuid")).isEqualTo(1);
        assertThat(metrics.rejectedCount("bad_field")).isEqualTo(1);
        assertThat(metrics.heartbeatsSent.sum()).isGreaterThanOrEqualTo(3L * PARTITIONS);
    }
}
