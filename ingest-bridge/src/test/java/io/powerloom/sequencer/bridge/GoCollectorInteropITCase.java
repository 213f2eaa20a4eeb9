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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge as a drop-in for the production sequencer's endpoint, against a client that does on the wire what
 * Powerloom's local collector on go-libp2p does ({@code go-collector.mjs}): TLS offered before Noise, a pool of
 * yamux streams opened with a SYN only, and multistream-select done lazily — header, {@code /collect} and the
 * first submission in one write, long after the stream was opened.
 */
class GoCollectorInteropITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "submissions-go";
    private static final String REJECTS = "rejects-go";
    /** go-libp2p collectors may wait minutes for their first submission; over a minute is enough to show it. */
    private static final long IDLE_MS = 65_000;

    @TempDir
    Path work;

    @BeforeAll
    static void topics() {
        KAFKA.createTopic(TOPIC, 3);
        KAFKA.createTopic(REJECTS, 1);
    }

    private IngestBridge bridge(Path keyFile, Map<String, String> extra) {
        Map<String, String> c = new HashMap<>(Map.of(
                "bridge.id",
                "bridge-go",
                "kafka.bootstrap.servers",
                KAFKA.bootstrapServers(),
                "kafka.topic.submissions",
                TOPIC,
                "kafka.topic.rejects",
                REJECTS,
                "libp2p.listen",
                "/ip4/127.0.0.1/tcp/0",
                "libp2p.identity.key.file",
                keyFile.toString(),
                "http.listen",
                "127.0.0.1:0"));
        c.putAll(extra);
        return IngestBridge.start(BridgeConfig.of(c));
    }

    @Test
    void aClientOfferingTlsFirstReachesABridgeWithTheGoSequencersRsaKeyFileWrittenByJsCrypto() throws Exception {
        Path keyFile = work.resolve("sequencer.key");
        String jsPeerId;
        try (NodeScript keygen = NodeScript.startLibp2pTestScript(
                "keygen.mjs", List.of("--out", keyFile.toString(), "--key-type", "RSA"))) {
            jsPeerId = JSON.readTree(keygen.await("KEY", WAIT)).get("peerId").asText();
        }
        assertThat(jsPeerId).startsWith("Qm");
        assertThat(Files.readString(keyFile)).startsWith("CAAS"); // base64 text, as the Go sequencer keeps it
        try (IngestBridge bridge = bridge(keyFile, Map.of())) {
            assertThat(bridge.host().peerId().toString()).isEqualTo(jsPeerId);
            String target = bridge.host().listenAddresses().get(0);
            assertThat(target).endsWith("/p2p/" + jsPeerId);
            Map<String, String> expected = submissions(20);
            JsonNode result = runCollector(target, expected, 4, 0);
            assertThat(result.get("remotePeer").asText()).isEqualTo(jsPeerId);
            assertThat(result.get("encryption").asText())
                    .as("TLS offered first, Noise agreed")
                    .isEqualTo("/noise");
            assertThat(result.get("written").asInt()).isEqualTo(20);
            assertDelivered(bridge, result.get("peerId").asText(), expected);
        }
    }

    @Test
    void aHundredLazyStreamsIdleForOverAMinuteThenDeliverEverySubmission() throws Exception {
        try (IngestBridge bridge = bridge(work.resolve("bridge.key"), Map.of())) {
            Map<String, String> expected = submissions(100);
            JsonNode result = runCollector(bridge.host().listenAddresses().get(0), expected, 100, IDLE_MS);
            assertThat(result.get("written").asInt()).isEqualTo(100);
            assertDelivered(bridge, result.get("peerId").asText(), expected);
        }
    }

    @Test
    void aLazyStreamRefusedAtOpenLeavesARejectRecordForTheSubmissionItCarried() throws Exception {
        try (IngestBridge bridge = bridge(work.resolve("bridge.key"), Map.of("collect.max.streams.per.peer", "2"))) {
            Map<String, String> expected = submissions(4);
            JsonNode result = runCollector(bridge.host().listenAddresses().get(0), expected, 4, 0);
            String peer = result.get("peerId").asText();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (bridge.metrics().accepted.sum() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Map<String, String> delivered = delivered(peer);
            assertThat(delivered).hasSize(2);
            List<String> refusedIds = new ArrayList<>();
            deadline = System.nanoTime() + WAIT.toNanos();
            while (refusedIds.size() < 2 && System.nanoTime() < deadline) {
                refusedIds.clear();
                for (ConsumerRecord<String, byte[]> r :
                        KAFKA.readAll(REJECTS, Integer.MAX_VALUE, Duration.ofSeconds(2))) {
                    RejectRecord rr = RejectRecord.decode(r.value());
                    if (rr.peerId().equals(peer)) {
                        assertThat(rr.reason()).isEqualTo("stream_refused");
                        assertThat(rr.detail()).contains("max_streams_per_peer");
                        refusedIds.add(rr.submissionId());
                    }
                }
            }
            List<String> all = new ArrayList<>(delivered.keySet());
            all.addAll(refusedIds);
            assertThat(all)
                    .as("every submission is either delivered or recorded as refused")
                    .containsExactlyInAnyOrderElementsOf(expected.keySet());
        }
    }

    private static Map<String, String> submissions(int count) {
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            expected.put(
                    UUID.randomUUID().toString(),
                    new String(SignedSubmissions.goJson(10 + i % 4, 900 + i, i % 6), StandardCharsets.UTF_8));
        }
        return expected;
    }

    private JsonNode runCollector(String target, Map<String, String> submissions, int streams, long idleMs)
            throws Exception {
        StringBuilder file = new StringBuilder();
        submissions.forEach((id, json) -> file.append(id).append(json).append('\n'));
        Path f = Files.createTempFile(work, "submissions", ".txt");
        Files.writeString(f, file);
        try (NodeScript client = NodeScript.startLibp2pTestScript(
                "go-collector.mjs",
                List.of(
                        "--target",
                        target,
                        "--file",
                        f.toString(),
                        "--streams",
                        Integer.toString(streams),
                        "--idle-ms",
                        Long.toString(idleMs)))) {
            assertThat(JSON.readTree(client.await("OPENED", WAIT))
                            .get("streams")
                            .asInt())
                    .isEqualTo(streams);
            return JSON.readTree(client.await("RESULT", WAIT.plusMillis(idleMs)));
        }
    }

    private static void assertDelivered(IngestBridge bridge, String peer, Map<String, String> expected)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, String> seen = delivered(peer);
        while (seen.size() < expected.size() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            seen = delivered(peer);
        }
        assertThat(seen).as("every submission in Kafka exactly as written").isEqualTo(expected);
    }

    /** Submission id → text of the records of {@code peer} in the submissions topic (fails on a duplicate). */
    private static Map<String, String> delivered(String peer) throws Exception {
        Map<String, String> seen = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : KAFKA.readAll(TOPIC, Integer.MAX_VALUE, Duration.ofSeconds(2))) {
            SubmissionTopicRecord rec = RecordCodec.decodeSubmissionTopic(r.value());
            if (rec instanceof SubmissionEnvelope env && env.peerId().equals(peer)) {
                assertThat(seen.put(env.submissionId(), env.submission()))
                        .as("duplicate " + env.submissionId())
                        .isNull();
            }
        }
        return seen;
    }
}
