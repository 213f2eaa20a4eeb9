package io.powerloom.sequencer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.FreePorts;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.protocol.batch.BatchDocument;
import io.powerloom.sequencer.protocol.cid.Cid;
import io.powerloom.sequencer.protocol.crypto.Hex;
import io.powerloom.sequencer.testenv.SequencerTestEnv;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replays over an epoch range, prepared as {@link ReplayJob} prepares them (arguments checked, components reached,
 * output topics created, the live job's settings taken from its batch records): re-anchor commits exactly what is
 * missing; an audit over a range where one committed batch CID was tampered with reports exactly that batch and sends
 * no transaction; an epoch not yet committed is pending; an audit given another batch size is refused; bad requests
 * and unreachable components fail at once with one line.
 */
class ReplayAuditITCase {
    static final int EPOCHS = 3;
    static final int PROJECTS = 40;
    static final int BATCH_SIZE = 10;
    static final long T0 =
            (System.currentTimeMillis() / 60_000) * 60_000 - Duration.ofHours(1).toMillis();

    @RegisterExtension
    static final SequencerTestEnv ENV = SequencerTestEnv.builder().slots(2).build();

    static final KafkaExtension KAFKA = ENV.kafka();

    static TestNetwork net;

    @BeforeAll
    static void setUp() throws Exception {
        net = new TestNetwork(ENV, new EpochScenario(EPOCHS, PROJECTS, T0));
    }

    /**
     * A replay of the live run "commit" as an operator starts one: the live job's settings except the batch size
     * (the audit takes it from the live batch records), plus {@code extra}.
     */
    ReplayJob.Prepared prepare(String mode, long first, long last, String run, String... extra) {
        Map<String, String> live = new TreeMap<>(net.jobConfig("commit", BATCH_SIZE));
        live.remove("sequencer.batch.size");
        live.remove("sequencer.kafka.start-from");
        live.remove("sequencer.kafka.stop-at");
        List<String> args = new ArrayList<>(
                List.of("--mode", mode, "--from", "epoch:" + first, "--to", "epoch:" + last, "--run-id", run));
        live.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        args.addAll(List.of(extra));
        return ReplayJob.prepare(
                new Configuration(),
                args.toArray(new String[0]),
                Map.of(),
                System.currentTimeMillis(),
                new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    final ByteArrayOutputStream console = new ByteArrayOutputStream();

    ReplayJob.Outcome runReplay(ReplayJob.Prepared p, StringBuilder report) throws Exception {
        assertThat(KAFKA.admin().listTopics().names().get())
                .as("output topics created by the replay itself")
                .contains(
                        p.config().get(SequencerConfig.TOPIC_BATCHES),
                        p.config().get(SequencerConfig.TOPIC_FINALIZED),
                        p.config().get(SequencerConfig.TOPIC_REJECTED));
        net.execute(p.runId(), 2, p.config()).getJobExecutionResult().get();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        ReplayJob.Outcome o = ReplayJob.report(p.config(), new PrintStream(text, true, StandardCharsets.UTF_8));
        report.append(text.toString(StandardCharsets.UTF_8));
        return o;
    }

    List<JsonNode> outcomes(SequencerConfig cfg) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r :
                KAFKA.readToEnd(cfg.get(SequencerConfig.TOPIC_BATCHES), Duration.ofSeconds(30))) {
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
                .sorted(java.util.Comparator.comparing(EpochScenario.Expected::projectId))
                .collect(Collectors.toList());
        List<EpochScenario.Expected> victim = finalized.subList(BATCH_SIZE, 2 * BATCH_SIZE);
        List<String> pids =
                victim.stream().map(EpochScenario.Expected::projectId).collect(Collectors.toList());
        List<String> cids = victim.stream().map(EpochScenario.Expected::cid).collect(Collectors.toList());
        cids.set(3, Cid.rawLeavesV1("tampered".getBytes(StandardCharsets.UTF_8)));
        String tamperedBatchCid = Cid.rawLeavesV1("tampered batch".getBytes(StandardCharsets.UTF_8));
        PowerloomProtocolState asSequencer = ProtocolStateDeployer.load(
                net.deployment.contractAddress(), net.web3j, net.sequencers.get(3), Snapshotters.CHAIN_ID);
        assertThat(asSequencer
                        .submitSubmissionBatch(
                                market,
                                tamperedBatchCid,
                                BigInteger.valueOf(2),
                                pids,
                                cids,
                                Hex.decode(BatchDocument.finalizedCidsRootHash(cids)))
                        .send()
                        .isStatusOK())
                .isTrue();

        // 1. the sequencer anchors epochs 1-2 only; the tampered batch is found already there (E25) and left alone
        var c = new java.util.HashMap<>(net.jobConfig("commit", BATCH_SIZE));
        c.put("sequencer.replay.epochs", "1-2");
        SequencerConfig commit = SequencerJob.config(c);
        net.submit("commit", 2, commit).getJobExecutionResult().get();
        List<JsonNode> committed = batches(outcomes(commit));
        assertThat(committed)
                .filteredOn(n ->
                        n.get("epochId").asLong() == 2 && n.get("batchIndex").asInt() == 1)
                .extracting(n -> n.get("status").asText())
                .containsExactly("ALREADY_DONE");
        assertThat(contract.epochIdToBatchCids(market, BigInteger.valueOf(3)).send())
                .isEmpty();

        // 2. an audit of epochs 1-3 now: epoch 3 is not committed yet, so its batches are pending, not mismatches
        StringBuilder early = new StringBuilder();
        ReplayJob.Prepared pendingAudit = prepare("audit", 1, 3, "audit-early");
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains("using the live job's settings")
                .contains("sequencer.batch.size=" + BATCH_SIZE);
        ReplayJob.Outcome o1 = runReplay(pendingAudit, early);
        List<JsonNode> earlyOutcomes = batches(outcomes(pendingAudit.config()));
        assertThat(earlyOutcomes)
                .filteredOn(n -> n.get("epochId").asLong() == 3)
                .isNotEmpty()
                .allSatisfy(n -> assertThat(n.get("status").asText()).isEqualTo("AUDIT_PENDING"));
        assertThat(earlyOutcomes)
                .filteredOn(n -> n.get("epochId").asLong() < 3)
                .extracting(n -> n.get("status").asText())
                .containsOnly("AUDIT_MATCH", "AUDIT_MISMATCH");
        assertThat(o1.mismatches()).as(early.toString()).isEqualTo(1);
        assertThat(o1.pending()).isPositive();
        assertThat(o1.exitCode()).isEqualTo(ReplayJob.EXIT_MISMATCH);
        assertThat(early.toString()).contains("PENDING epoch 3");

        // 3. an audit told another batch size than the live job used is refused before anything runs
        assertThatThrownBy(() -> prepare("audit", 1, 2, "audit-size", "--sequencer.batch.size", "7"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sequencer.batch.size=" + BATCH_SIZE + " (given: 7)")
                .hasMessageContaining("--settings given");

        // 4. re-anchor epoch 3: exactly its batches are committed, nothing else is sent
        long before = net.countLogs(PowerloomProtocolState.SNAPSHOTBATCHSUBMITTED_EVENT);
        ReplayJob.Prepared reanchor = prepare("reanchor", 3, 3, "reanchor");
        ReplayJob.Outcome o2 = runReplay(reanchor, new StringBuilder());
        assertThat(o2.exitCode()).isEqualTo(ReplayJob.EXIT_MATCH);
        List<JsonNode> reanchored = outcomes(reanchor.config());
        assertThat(reanchored)
                .isNotEmpty()
                .allSatisfy(n -> assertThat(n.get("epochId").asLong()).isEqualTo(3));
        long epoch3Batches = batches(reanchored).size();
        assertThat(batches(reanchored))
                .extracting(n -> n.get("status").asText())
                .containsOnly("COMMITTED");
        assertThat(net.countLogs(PowerloomProtocolState.SNAPSHOTBATCHSUBMITTED_EVENT))
                .isEqualTo(before + epoch3Batches);
        assertThat(contract.batchSubmissionsCompleted(market, BigInteger.valueOf(3))
                        .send())
                .isTrue();

        // 5. audit epochs 1-3 with the live settings: exactly the tampered batch is reported, and no transaction is
        // sent
        long blockBefore = net.web3j.ethBlockNumber().send().getBlockNumber().longValue();
        StringBuilder text = new StringBuilder();
        ReplayJob.Prepared audit = prepare("audit", 1, 3, "audit");
        ReplayJob.Outcome o3 = runReplay(audit, text);
        String report = text.toString();
        assertThat(o3.mismatches()).as(report).isEqualTo(1);
        assertThat(o3.pending()).as(report).isZero();
        assertThat(o3.exitCode()).isEqualTo(ReplayJob.EXIT_MISMATCH);
        List<JsonNode> audited = batches(outcomes(audit.config()));
        assertThat(audited).hasSize(committed.size() + (int) epoch3Batches);
        assertThat(audited)
                .filteredOn(n -> "AUDIT_MISMATCH".equals(n.get("status").asText()))
                .singleElement()
                .satisfies(n -> {
                    assertThat(n.get("epochId").asLong()).isEqualTo(2);
                    assertThat(n.get("batchIndex").asInt()).isEqualTo(1);
                    assertThat(n.get("detail").asText())
                            .contains("is not among the epoch's committed batches")
                            .contains(pids.get(3))
                            .contains(tamperedBatchCid);
                });
        assertThat(report).contains("MISMATCH epoch 2 batch 1");
        assertThat(net.web3j.ethBlockNumber().send().getBlockNumber().longValue())
                .isEqualTo(blockBefore);
    }

    @Test
    void badRequestsAndUnreachableComponentsFailAtOnceWithOneLine() {
        int closed = FreePorts.next();
        assertOneLine(
                () -> prepare("audit", 1, 1, "bad-rpc", "--sequencer.chain.rpc-url", "http://127.0.0.1:" + closed),
                "sequencer.chain.rpc-url http://127.0.0.1:" + closed,
                "unreachable");
        assertOneLine(
                () -> prepare("audit", 1, 1, "bad-topic", "--sequencer.kafka.topics.submissions", "no-such-topic"),
                "input topic no-such-topic (sequencer.kafka.topics.submissions) missing");
        assertOneLine(
                () -> prepare("audit", 1, 1, "bad-key", "--sequencer.batch.sise", "3"),
                "sequencer.batch.sise: unknown setting");
        assertOneLine(
                () -> ReplayJob.prepare(
                        new Configuration(),
                        new String[] {"--mode", "audit", "--from", "epoch:abc"},
                        Map.of(),
                        0,
                        System.out),
                "--from epoch:abc");
        assertOneLine(
                () -> prepare("audit", 1, 1, "bad-kafka", "--sequencer.kafka.bootstrap-servers", "127.0.0.1:" + closed),
                "Kafka at 127.0.0.1:" + closed,
                "does not answer");
    }

    static void assertOneLine(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String... contains) {
        long t0 = System.nanoTime();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(t).isInstanceOf(IllegalArgumentException.class);
        assertThat(t.getMessage()).contains(contains).doesNotContain("\n");
        assertThat(ms).as("failed after %d ms: %s", ms, t.getMessage()).isLessThan(20_000);
    }

    static List<JsonNode> batches(List<JsonNode> outcomes) {
        return outcomes.stream()
                .filter(n -> "batch".equals(n.get("type").asText()))
                .collect(Collectors.toList());
    }
}
