package io.powerloom.sequencer.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.anchor.ipfs.KuboRpcClient;
import io.powerloom.sequencer.chain.ProtocolStateDeployment;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.model.RejectReason;
import io.powerloom.sequencer.protocol.batch.BatchDocument;
import io.powerloom.sequencer.protocol.merkle.IncrementalMerkleTree;
import io.powerloom.sequencer.testenv.SequencerTestEnv;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on a MiniCluster against a real Kafka broker, Anvil with the protocol-state contract deployed, and a
 * real IPFS node: 20 epochs x 200 projects x 10 slots with planted disagreements, ties, quorum misses, forged and
 * garbage signatures, wrong-slot signers, an over-limit slot, late, duplicate and stale submissions
 * ({@link EpochScenario}). Checks every finalization, every rejection, the batches on IPFS (content and Merkle roots)
 * and on chain (events and stored CIDs); then replays the same input at parallelism 4, and at parallelism 1 with the
 * TaskManager killed mid-run, and checks the outputs are identical and nothing was committed twice.
 */
class SequencerJobITCase {
    static final int EPOCHS = 20;
    static final int PROJECTS = 200;
    static final int BATCH_SIZE = 50;
    /** Event time of the scenario: recent, so the broker's time-based retention does not delete the input. */
    static final long T0 =
            (System.currentTimeMillis() / 60_000) * 60_000 - Duration.ofHours(2).toMillis();

    static final String MARKET = Snapshotters.MARKET;

    @RegisterExtension
    static final SequencerTestEnv ENV = SequencerTestEnv.builder().slots(4).build();

    static final KafkaExtension KAFKA = ENV.kafka();

    static final ObjectMapper JSON = new ObjectMapper();
    static TestNetwork net;
    static EpochScenario scenario;
    static ProtocolStateDeployment deployment;

    @BeforeAll
    static void setUp() throws Exception {
        net = new TestNetwork(ENV, new EpochScenario(EPOCHS, PROJECTS, T0));
        scenario = net.scenario;
        deployment = net.deployment;
    }

    static JobClient submit(String run, int parallelism) throws Exception {
        return net.submit(run, parallelism, SequencerJob.config(net.jobConfig(run, BATCH_SIZE)));
    }

    /** Everything one run wrote, keyed by the record key; the batch values without wall-clock or tx fields. */
    record RunOutput(
            Map<String, String> finalized,
            Map<String, String> batches,
            Map<String, String> rejected,
            Map<String, JsonNode> batchRecords) {}

    static RunOutput read(String run) throws Exception {
        int finalizedCount = EPOCHS * PROJECTS;
        int rejectedCount = scenario.expectedRejections().values().stream()
                .mapToInt(List::size)
                .sum();
        Map<String, String> finalized = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r :
                KAFKA.readAll("finalized-" + run, finalizedCount, Duration.ofSeconds(30))) {
            assertThat(finalized.put(r.key(), new String(r.value(), StandardCharsets.UTF_8)))
                    .as("duplicate " + r.key())
                    .isNull();
        }
        Map<String, String> rejected = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r :
                KAFKA.readAll("rejected-" + run, rejectedCount, Duration.ofSeconds(30))) {
            String key = r.key() + "#" + rejected.size();
            rejected.put(key, new String(r.value(), StandardCharsets.UTF_8));
        }
        Map<String, String> batches = new TreeMap<>();
        Map<String, JsonNode> batchRecords = new TreeMap<>();
        int batchCount = EPOCHS * (expectedBatchesPerEpoch() + 1);
        for (ConsumerRecord<String, byte[]> r : KAFKA.readAll("batches-" + run, batchCount, Duration.ofSeconds(30))) {
            JsonNode n = JSON.readTree(r.value());
            assertThat(batchRecords.put(r.key(), n)).as("duplicate " + r.key()).isNull();
            var copy = n.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) copy)
                    .remove(List.of("status", "txHash", "blockNumber", "commitLatencyMs"));
            batches.put(r.key(), copy.toString());
        }
        return new RunOutput(finalized, batches, rejected, batchRecords);
    }

    static int expectedBatchesPerEpoch() {
        long finalizedPerEpoch = scenario.expected().values().stream()
                .filter(x -> x.epoch() == 1 && x.finalized())
                .count();
        return (int) ((finalizedPerEpoch + BATCH_SIZE - 1) / BATCH_SIZE);
    }

    @Test
    void finalizesBatchesAndAnchorsEveryEpochAndReplaysIdentically(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        // ---- run 1: parallelism 2, commits on chain ----
        submit("r1", 2).getJobExecutionResult().get();
        RunOutput r1 = read("r1");
        checkFinalizations(r1);
        checkRejections(r1);
        checkBatchesOnIpfsAndChain(r1);
        long commitsAfterRun1 = countLogs(PowerloomProtocolState.SNAPSHOTBATCHSUBMITTED_EVENT);

        // ---- run 2: parallelism 4, same input: same results, nothing committed twice ----
        submit("r2", 4).getJobExecutionResult().get();
        RunOutput r2 = read("r2");
        assertSameResults(r1, r2);
        assertThat(r2.batchRecords().values())
                .extracting(n -> n.get("status").asText())
                .containsOnly("ALREADY_DONE");
        assertThat(countLogs(PowerloomProtocolState.SNAPSHOTBATCHSUBMITTED_EVENT))
                .isEqualTo(commitsAfterRun1);

        // ---- run 3: parallelism 1, the TaskManager killed mid-run ----
        JobClient job = submit("r3", 1);
        waitForSomeCommittedOutput("finalized-r3");
        assertThat(job.getJobStatus().get().isGloballyTerminalState())
                .as("killed before the job finished")
                .isFalse();
        cluster.terminateTaskManager(0).get();
        cluster.startTaskManager();
        job.getJobExecutionResult().get();
        RunOutput r3 = read("r3");
        assertSameResults(r1, r3);
        assertThat(countLogs(PowerloomProtocolState.SNAPSHOTBATCHSUBMITTED_EVENT))
                .isEqualTo(commitsAfterRun1);
    }

    static void waitForSomeCommittedOutput(String topic) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!KAFKA.readAll(topic, 1, Duration.ofMillis(300)).isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no committed output in " + topic);
    }

    static void assertSameResults(RunOutput a, RunOutput b) {
        assertThat(b.finalized()).isEqualTo(a.finalized());
        assertThat(b.batches()).isEqualTo(a.batches());
        assertThat(sortedValues(b.rejected())).isEqualTo(sortedValues(a.rejected()));
    }

    static List<String> sortedValues(Map<String, String> m) {
        return m.values().stream().sorted().collect(Collectors.toList());
    }

    static void checkFinalizations(RunOutput out) throws Exception {
        Map<String, Long> perEpoch = out.finalized().keySet().stream()
                .collect(Collectors.groupingBy(k -> k.split("\\|")[1], TreeMap::new, Collectors.counting()));
        Map<String, Long> rejectedByReason = out.rejected().values().stream()
                .map(v -> v.replaceAll(".*\"reason\":\"([A-Z_]+)\".*", "$1"))
                .collect(Collectors.groupingBy(r -> r, TreeMap::new, Collectors.counting()));
        assertThat(out.finalized().size())
                .as("finalized per epoch %s; rejected by reason %s", perEpoch, rejectedByReason)
                .isEqualTo(EPOCHS * PROJECTS);
        for (EpochScenario.Expected x : scenario.expected().values()) {
            String key = MARKET + "|" + x.epoch() + "|" + x.projectId();
            String value = out.finalized().get(key);
            assertThat(value).as(key).isNotNull();
            JsonNode n = JSON.readTree(value);
            assertThat(n.get("status").asText()).as(key).isEqualTo(x.finalized() ? "FINALIZED" : "UNFINALIZED");
            if (x.finalized()) {
                assertThat(n.get("snapshotCid").asText()).as(key).isEqualTo(x.cid());
            }
            List<String> ids = new ArrayList<>();
            n.get("submissionIds").forEach(i -> ids.add(i.asText()));
            assertThat(ids).as(key).containsExactlyElementsOf(x.submissionIds());
        }
    }

    static void checkRejections(RunOutput out) throws Exception {
        Map<RejectReason, List<String>> got = new EnumMap<>(RejectReason.class);
        for (String v : out.rejected().values()) {
            JsonNode n = JSON.readTree(v);
            got.computeIfAbsent(RejectReason.valueOf(n.get("reason").asText()), k -> new ArrayList<>())
                    .add(n.get("submissionId").asText());
        }
        Map<RejectReason, List<String>> want = scenario.expectedRejections();
        assertThat(got.keySet()).isEqualTo(want.keySet());
        for (RejectReason reason : want.keySet()) {
            if (reason == RejectReason.UNDECODABLE_RECORD) {
                assertThat(got.get(reason)).hasSameSizeAs(want.get(reason)).allMatch(id -> id.startsWith("kafka:"));
            } else {
                assertThat(got.get(reason)).as(reason.name()).containsExactlyInAnyOrderElementsOf(want.get(reason));
            }
        }
    }

    static void checkBatchesOnIpfsAndChain(RunOutput out) throws Exception {
        KuboRpcClient ipfs = new KuboRpcClient(ENV.ipfs().apiUri(), Duration.ofSeconds(30));
        PowerloomProtocolState contract = deployment.contract();
        int perEpoch = expectedBatchesPerEpoch();
        for (long e = 1; e <= EPOCHS; e++) {
            long epoch = e;
            List<String> expectedProjects = scenario.expected().values().stream()
                    .filter(x -> x.epoch() == epoch && x.finalized())
                    .map(EpochScenario.Expected::projectId)
                    .sorted()
                    .collect(Collectors.toList());
            List<String> batchedProjects = new ArrayList<>();
            List<String> cidsOfEpoch = new ArrayList<>();
            for (int i = 0; i < perEpoch; i++) {
                JsonNode b = out.batchRecords().get(MARKET + "|" + e + "|" + i);
                assertThat(b).as("batch %d of epoch %d", i, e).isNotNull();
                assertThat(b.get("status").asText()).isEqualTo("COMMITTED");
                String cid = b.get("batchCid").asText();
                cidsOfEpoch.add(cid);
                BatchDocument doc = BatchDocument.fromJson(ipfs.cat(cid).get());
                assertThat(doc.rootHash()).isEqualTo(IncrementalMerkleTree.rootHex(doc.submissionIds()));
                assertThat(b.get("finalizedCidsRootHash").asText())
                        .isEqualTo(IncrementalMerkleTree.rootHex(doc.cids()));
                assertThat(b.get("rootHash").asText()).isEqualTo(doc.rootHash());
                for (int k = 0; k < doc.pids().size(); k++) {
                    EpochScenario.Expected x = scenario.expected()
                            .get(EpochScenario.key(e, doc.pids().get(k)));
                    assertThat(doc.cids().get(k)).isEqualTo(x.cid());
                    assertThat(contract.maxSnapshotsCid(MARKET, doc.pids().get(k), BigInteger.valueOf(e))
                                    .send())
                            .isEqualTo(x.cid());
                }
                List<String> expectedIds = doc.pids().stream()
                        .flatMap(p -> scenario.expected().get(EpochScenario.key(epoch, p)).submissionIds().stream())
                        .collect(Collectors.toList());
                assertThat(doc.submissionIds()).containsExactlyElementsOf(expectedIds);
                batchedProjects.addAll(doc.pids());
            }
            assertThat(batchedProjects).isEqualTo(expectedProjects);
            JsonNode end = out.batchRecords().get(MARKET + "|" + e + "|end");
            assertThat(end).as("endBatchSubmissions for epoch " + e).isNotNull();
            assertThat(end.get("status").asText()).isEqualTo("COMMITTED");
            assertThat(contract.batchSubmissionsCompleted(MARKET, BigInteger.valueOf(e))
                            .send())
                    .isTrue();
            @SuppressWarnings("unchecked")
            List<String> onChain =
                    (List<String>) contract.epochIdToBatchCids(MARKET, BigInteger.valueOf(e)).send().stream()
                            .map(Object::toString)
                            .collect(Collectors.toList());
            assertThat(onChain).containsExactlyInAnyOrderElementsOf(cidsOfEpoch);
        }
        assertThat(countLogs(PowerloomProtocolState.SNAPSHOTBATCHSUBMITTED_EVENT))
                .isEqualTo((long) EPOCHS * perEpoch);
        assertThat(countLogs(PowerloomProtocolState.BATCHSUBMISSIONSCOMPLETED_EVENT))
                .isEqualTo(EPOCHS);
        assertThat(countLogs(PowerloomProtocolState.DELAYEDBATCHSUBMITTED_EVENT))
                .isZero();
    }

    static long countLogs(org.web3j.abi.datatypes.Event event) throws Exception {
        return net.countLogs(event);
    }
}
