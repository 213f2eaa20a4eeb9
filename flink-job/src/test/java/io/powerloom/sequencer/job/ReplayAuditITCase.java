package io.powerloom.sequencer.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.anvil.Anvil;
import io.powerloom.sequencer.infra.anvil.AnvilExtension;
import io.powerloom.sequencer.infra.ipfs.IpfsExtension;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.protocol.batch.BatchDocument;
import io.powerloom.sequencer.protocol.cid.Cid;
import io.powerloom.sequencer.protocol.crypto.Hex;

/**
 * Replays over an epoch range: re-anchor commits exactly what is missing; an audit over a range where one committed
 * batch CID was tampered with reports exactly that batch and sends no transaction.
 */
class ReplayAuditITCase {
    static final int EPOCHS = 3;
    static final int PROJECTS = 40;
    static final int BATCH_SIZE = 10;
    static final long T0 = (System.currentTimeMillis() / 60_000) * 60_000 - Duration.ofHours(1).toMillis();

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension
    static final AnvilExtension ANVIL = new AnvilExtension(Anvil.builder().chainId(Snapshotters.CHAIN_ID));
    @RegisterExtension
    static final IpfsExtension IPFS = new IpfsExtension();
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static TestNetwork net;

    @BeforeAll
    static void setUp() throws Exception {
        net = new TestNetwork(KAFKA, ANVIL.anvil(), IPFS.apiUri().toString(), new EpochScenario(EPOCHS, PROJECTS, T0));
    }

    SequencerConfig replay(String mode, long first, long last, String run) {
        SequencerConfig base = SequencerJob.config(net.jobConfig(run, BATCH_SIZE));
        return ReplayJob.plan(new ReplayJob.Request(mode, "epoch:" + first, "epoch:" + last, null, List.of()), base,
                System.nanoTime());
    }

    List<JsonNode> outcomes(SequencerConfig cfg, int expected) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : KAFKA.readAll(cfg.get(SequencerConfig.TOPIC_BATCHES), expected, Duration.ofSeconds(30))) {
            out.add(json.readTree(r.value()));
        }
        return out;
    }

    @Test
    void reanchorCommitsWhatIsMissingAndAuditFindsExactlyTheTamperedBatch() throws Exception {
        var contract = net.deployment.contract();
        String market = Snapshotters.MARKET;

        // 0. tamper: before the sequencer anchors epoch 2, its batch 1 (projects 10..19 of the sorted finalized
        //    projects) is committed by someone else with a wrong batch CID and one wrong project CID
        List<EpochScenario.Expected> finalized = net.scenario.expected().values().stream()
                .filter(x -> x.epoch() == 2 && x.finalized())
                .sorted(java.util.Comparator.comparing(EpochScenario.Expected::projectId)).collect(Collectors.toList());
        List<EpochScenario.Expected> victim = finalized.subList(BATCH_SIZE, 2 * BATCH_SIZE);
        List<String> pids = victim.stream().map(EpochScenario.Expected::projectId).collect(Collectors.toList());
        List<String> cids = victim.stream().map(EpochScenario.Expected::cid).collect(Collectors.toList());
        cids.set(3, Cid.rawLeavesV1("tampered".getBytes(StandardCharsets.UTF_8)));
        String tamperedBatchCid = Cid.rawLeavesV1("tampered batch".getBytes(StandardCharsets.UTF_8));
        PowerloomProtocolState asSequencer = ProtocolStateDeployer.load(net.deployment.contractAddress(), net.web3j,
                net.sequencers.get(3), Snapshotters.CHAIN_ID);
        assertThat(asSequencer.submitSubmissionBatch(market, tamperedBatchCid, BigInteger.valueOf(2), pids, cids,
                Hex.decode(BatchDocument.finalizedCidsRootHash(cids))).send().isStatusOK()).isTrue();

        // 1. the sequencer anchors epochs 1-2 only; the tampered batch is found already there (E25) and left alone
        var c = new java.util.HashMap<>(net.jobConfig("commit", BATCH_SIZE));
        c.put("sequencer.replay.epochs", "1-2");
        SequencerConfig commit = SequencerJob.config(c);
        net.submit("commit", 2, commit).getJobExecutionResult().get();
        List<JsonNode> committed = batches(outcomes(commit, 100));
        assertThat(committed).filteredOn(n -> n.get("epochId").asLong() == 2 && n.get("batchIndex").asInt() == 1)
                .extracting(n -> n.get("status").asText()).containsExactly("ALREADY_DONE");
        assertThat(contract.epochIdToBatchCids(market, BigInteger.valueOf(3)).send()).isEmpty();

        // 2. re-anchor epoch 3: exactly its batches are committed, nothing else is sent
        long before = net.countLogs(PowerloomProtocolState.SNAPSHOTBATCHSUBMITTED_EVENT);
        SequencerConfig reanchor = replay("reanchor", 3, 3, "reanchor");
        net.submit("reanchor", 2, reanchor).getJobExecutionResult().get();
        List<JsonNode> reanchored = outcomes(reanchor, 100);
        assertThat(reanchored).isNotEmpty().allSatisfy(n -> assertThat(n.get("epochId").asLong()).isEqualTo(3));
        long epoch3Batches = batches(reanchored).size();
        assertThat(batches(reanchored)).extracting(n -> n.get("status").asText()).containsOnly("COMMITTED");
        assertThat(net.countLogs(PowerloomProtocolState.SNAPSHOTBATCHSUBMITTED_EVENT)).isEqualTo(before + epoch3Batches);
        assertThat(contract.batchSubmissionsCompleted(market, BigInteger.valueOf(3)).send()).isTrue();

        // 3. audit epochs 1-3: exactly the tampered batch is reported, and no transaction is sent
        long blockBefore = net.web3j.ethBlockNumber().send().getBlockNumber().longValue();
        SequencerConfig audit = replay("audit", 1, 3, "audit");
        net.submit("audit", 2, audit).getJobExecutionResult().get();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int mismatches = ReplayJob.report(audit, new PrintStream(text, true, StandardCharsets.UTF_8));
        String report = text.toString(StandardCharsets.UTF_8);
        assertThat(mismatches).as(report).isEqualTo(1);
        List<JsonNode> audited = batches(outcomes(audit, 100));
        assertThat(audited).hasSize(committed.size() + (int) epoch3Batches);
        assertThat(audited).filteredOn(n -> "AUDIT_MISMATCH".equals(n.get("status").asText()))
                .singleElement().satisfies(n -> {
                    assertThat(n.get("epochId").asLong()).isEqualTo(2);
                    assertThat(n.get("batchIndex").asInt()).isEqualTo(1);
                    assertThat(n.get("detail").asText()).contains("is not among the epoch's committed batches")
                            .contains(pids.get(3)).contains(tamperedBatchCid);
                });
        assertThat(report).contains("MISMATCH epoch 2 batch 1");
        assertThat(net.web3j.ethBlockNumber().send().getBlockNumber().longValue()).isEqualTo(blockBefore);
    }

    static List<JsonNode> batches(List<JsonNode> outcomes) {
        return outcomes.stream().filter(n -> "batch".equals(n.get("type").asText())).collect(Collectors.toList());
    }
}
