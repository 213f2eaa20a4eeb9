package io.powerloom.sequencer.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.RecordFormatException;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import io.powerloom.sequencer.testenv.SequencerTestEnv;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One submission, whatever the path: the {@link EpochScenario}'s input sent once (as {@code /collect} records), and
 * the same input where every submission also arrives by gossipsub (origin {@code gossipsub}, another id, another
 * delivering peer, a few milliseconds later) and every third twice by gossip. Both runs finalize the same CIDs with
 * the same submission ids, and build the same batches (same documents, so the same batch CIDs and Merkle roots).
 */
class DualPathITCase {
    static final int EPOCHS = 3;
    static final int PROJECTS = 40;
    static final int BATCH_SIZE = 16;
    static final long T0 =
            (System.currentTimeMillis() / 60_000) * 60_000 - Duration.ofHours(2).toMillis();

    @RegisterExtension
    static final SequencerTestEnv ENV = SequencerTestEnv.builder().slots(2).build();

    static final KafkaExtension KAFKA = ENV.kafka();

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void submissionsHeardByBothPathsAndTwiceByGossipFinalizeAndBatchAsIfSentOnce() throws Exception {
        EpochScenario scenario = new EpochScenario(EPOCHS, PROJECTS, T0);
        TestNetwork net = new TestNetwork(ENV, scenario);
        int sent = writeDualPathCopy();

        Map<String, String> once = new TreeMap<>();
        Map<String, String> onceBatches = new TreeMap<>();
        run(net, "once", "submissions", once, onceBatches);
        Map<String, String> dual = new TreeMap<>();
        Map<String, String> dualBatches = new TreeMap<>();
        run(net, "dual", "submissions-dual", dual, dualBatches);

        assertThat(sent).as("copies were written").isGreaterThan(2 * PROJECTS * EPOCHS);
        assertThat(dual).isEqualTo(once);
        assertThat(dualBatches).isEqualTo(onceBatches);
        long finalized =
                once.values().stream().filter(v -> v.contains("\"FINALIZED\"")).count();
        assertThat(finalized).isPositive();
    }

    /** Copies {@code submissions} into {@code submissions-dual} with gossipsub copies; returns the records written. */
    private static int writeDualPathCopy() throws Exception {
        record Out(long at, int seq, String key, byte[] value) {}
        List<Out> out = new ArrayList<>();
        int seq = 0;
        for (ConsumerRecord<String, byte[]> r : KAFKA.readToEnd("submissions", Duration.ofSeconds(30))) {
            out.add(new Out(r.timestamp(), seq++, r.key(), r.value()));
            SubmissionEnvelope e;
            try {
                e = RecordCodec.decodeSubmissionEnvelope(r.value());
            } catch (RecordFormatException undecodable) {
                continue;
            }
            int copies = Math.floorMod(e.submissionId().hashCode(), 3) == 0 ? 2 : 1;
            for (int c = 1; c <= copies; c++) {
                SubmissionEnvelope g = Snapshotters.gossipCopy(e, seq, c);
                out.add(new Out(g.receivedAtMs(), seq++, r.key(), RecordCodec.encode(g)));
            }
        }
        out.sort(Comparator.comparingLong(Out::at).thenComparingInt(Out::seq)); // the bridge writes in receive order
        KAFKA.createTopic("submissions-dual", 4);
        try (var producer = KAFKA.newProducer()) {
            for (Out o : out) {
                producer.send(new ProducerRecord<>("submissions-dual", null, o.at(), o.key(), o.value()));
            }
            producer.flush();
        }
        return out.size();
    }

    private static void run(
            TestNetwork net, String run, String input, Map<String, String> finalized, Map<String, String> batches)
            throws Exception {
        Map<String, String> c = net.jobConfig(run, BATCH_SIZE);
        c.put("sequencer.kafka.topics.submissions", input);
        net.submit(run, 2, SequencerJob.config(c)).getJobExecutionResult().get();
        for (ConsumerRecord<String, byte[]> r :
                KAFKA.readAll("finalized-" + run, EPOCHS * PROJECTS, Duration.ofSeconds(30))) {
            assertThat(finalized.put(r.key(), new String(r.value(), StandardCharsets.UTF_8)))
                    .as("duplicate " + r.key())
                    .isNull();
        }
        assertThat(finalized).hasSize(EPOCHS * PROJECTS);
        for (ConsumerRecord<String, byte[]> r : KAFKA.readToEnd("batches-" + run, Duration.ofSeconds(30))) {
            JsonNode n = JSON.readTree(r.value());
            ObjectNode copy = n.deepCopy();
            copy.remove(List.of("status", "txHash", "blockNumber", "commitLatencyMs"));
            batches.put(r.key(), copy.toString());
        }
        assertThat(batches).isNotEmpty();
        assertThat(batches.values())
                .allMatch(b -> b.contains("\"batchCid\"") || b.contains("\"epochEnd\""), "batches carry CIDs");
    }
}
