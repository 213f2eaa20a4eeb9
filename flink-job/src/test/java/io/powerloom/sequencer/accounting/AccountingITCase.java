package io.powerloom.sequencer.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.anchor.Anchoring;
import io.powerloom.sequencer.chain.DataMarketConfig;
import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.chain.ProtocolStateDeployment;
import io.powerloom.sequencer.chain.testenv.TestChain;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.anvil.Anvil;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.job.ReplayCommand;
import io.powerloom.sequencer.job.ReplayJob;
import io.powerloom.sequencer.job.SequencerConfig;
import io.powerloom.sequencer.job.SequencerJob;
import io.powerloom.sequencer.job.SequencerPipeline;
import io.powerloom.sequencer.job.Snapshotters;
import io.powerloom.sequencer.protocol.records.AccountingParameterUpdated;
import io.powerloom.sequencer.protocol.records.ChainBlock;
import io.powerloom.sequencer.protocol.records.DayStarted;
import io.powerloom.sequencer.protocol.records.EpochReleased;
import io.powerloom.sequencer.protocol.records.Heartbeat;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.SlotAssignment;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import io.powerloom.sequencer.protocol.records.Topics;
import io.powerloom.sequencer.testenv.FlinkTestCluster;
import io.powerloom.sequencer.testenv.SequencerTestEnv;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Snapshotter accounting end to end (SPEC §10): a live network on Anvil (the contract, a market with days of 4 epochs
 * and a quota of 8, six slots) and a real Kafka broker, fed epoch by epoch as the bridge and the chain watcher would
 * (releases mined on chain, then their records, day starts included, then the epoch's signed submissions), with the job
 * on a MiniCluster. Over three days and a bit, with slots above and below the quota, discarded submissions, a slot that
 * only simulates and a late submission, and the TaskManager killed in the middle of day 2:
 * <ul>
 *   <li>the counts on chain equal the counts computed here, independently, from the same planted input;</li>
 *   <li>each day's eligible-node count and final counts are committed once (one transaction each, one
 *       {@code DailyTaskCompletedEvent} per eligible slot), also when the TaskManager is killed while day 1's
 *       final-count and day 2's eligible-node transaction wait in the mempool (mining paused);</li>
 *   <li>a replay of the same log afterwards gives the same counts and sends no transaction at all;</li>
 *   <li>the replay's audit through {@link ReplayCommand} reports a count changed on chain and exits with 2.</li>
 * </ul>
 */
class AccountingITCase {
    static final String MARKET = Snapshotters.MARKET;
    static final int EPOCHS_A_DAY = 4;
    static final int EPOCHS = 15; // days 1-3 whole, day 4 epochs 13-15 (its final never comes)
    static final long QUOTA = 8;
    static final long SPACING_MS = 1_500;
    static final long WINDOW_MS = 1_000;
    static final String P0 =
            "aggregate_pairContract_24h_trade_volume:0x0000000000000000000000000000000000000001:UNISWAPV2";
    static final String P1 =
            "aggregate_pairContract_24h_trade_volume:0x0000000000000000000000000000000000000002:UNISWAPV2";

    @RegisterExtension
    static final SequencerTestEnv ENV =
            SequencerTestEnv.builder().slots(4).withoutIpfs().build();

    static final KafkaExtension KAFKA = ENV.kafka();

    static final ObjectMapper JSON = new ObjectMapper();

    // ------------------------------------------------------------------ the planted input and its expected counts

    /** The CID slot {@code slot} submits for {@code project} in epoch {@code e}, or null when it submits nothing. */
    static String vote(long e, String project, long slot) {
        if (slot == 2 && e % 2 == 1) {
            return null; // slot 2 submits on even epochs only: below the quota every day
        }
        if (slot == 6) {
            return null; // slot 6 only simulates (epoch 0): it counts nothing
        }
        String a = "bafkreiA" + e + (project.equals(P0) ? "x" : "y");
        if (project.equals(P0)) {
            return slot == 5 ? "bafkreiB" + e : a; // slot 5 disagrees: discarded
        }
        return slot <= 3 ? a : slot == 4 ? "bafkreiB" + e : "bafkreiC" + e; // slots 4 and 5 discarded
    }

    /** Slot 3's submission for P0 in epoch 5 arrives after the window closed: rejected LATE, not counted. */
    static boolean late(long e, String project, long slot) {
        return e == 5 && project.equals(P0) && slot == 3;
    }

    static long dayOf(long epoch) {
        return (epoch - 1) / EPOCHS_A_DAY + 1;
    }

    /** Day → slot → matched submissions, for epochs {@code from..to}: consensus by count, ties to the smallest CID. */
    static Map<Long, Map<Long, Long>> expectedCounts(long from, long to) {
        Map<Long, Map<Long, Long>> out = new TreeMap<>();
        for (long e = from; e <= to; e++) {
            for (String p : List.of(P0, P1)) {
                Map<String, Integer> votes = new TreeMap<>();
                Map<Long, String> valid = new TreeMap<>();
                for (long slot = 1; slot <= 6; slot++) {
                    String v = vote(e, p, slot);
                    if (v != null && !late(e, p, slot)) {
                        votes.merge(v, 1, Integer::sum);
                        valid.put(slot, v);
                    }
                }
                String winner = null;
                int best = 0;
                for (Map.Entry<String, Integer> v : votes.entrySet()) {
                    if (v.getValue() > best) {
                        best = v.getValue();
                        winner = v.getKey();
                    }
                }
                for (Map.Entry<Long, String> s : valid.entrySet()) {
                    if (s.getValue().equals(winner)) {
                        out.computeIfAbsent(dayOf(e), d -> new TreeMap<>()).merge(s.getKey(), 1L, Long::sum);
                    }
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ the network

    Web3j web3j;
    ProtocolStateDeployment deployment;
    Credentials sequencer;
    Path signerKey;

    void deploy() throws Exception {
        TestChain chain = new TestChain(ENV.anvil());
        web3j = chain.web3j();
        sequencer = chain.account(1);
        signerKey = chain.keyFile(Files.createTempDirectory("accounting-signer"), 1);
        List<String> snapshotters = new ArrayList<>();
        for (long slot = 1; slot <= 6; slot++) {
            snapshotters.add(Snapshotters.address(slot));
        }
        DataMarketConfig market = chain.market(MARKET, 10, WINDOW_MS / 1000, List.of(sequencer.getAddress()));
        deployment = chain.deploy(market, snapshotters);
        assertThat(deployment.contractAddress().toLowerCase()).isEqualTo(Snapshotters.PROTOCOL_STATE);
        chain.deployer().setEpochsInADay(deployment.contract(), market, EPOCHS_A_DAY);
        chain.deployer().setDailySnapshotQuota(deployment.contract(), MARKET, QUOTA);
    }

    Map<String, String> jobConfig(String run, boolean bounded) {
        for (String t : List.of("finalized", "batches", "rejected", "slot-counts", "discarded")) {
            KAFKA.createTopic(t + "-" + run, 2);
        }
        return config(run, bounded);
    }

    /** The job's settings for run {@code run}: its outputs in topics suffixed with the run. */
    Map<String, String> config(String run, boolean bounded) {
        Map<String, String> c = new HashMap<>();
        c.put("sequencer.kafka.bootstrap-servers", KAFKA.bootstrapServers());
        for (String t : List.of("finalized", "batches", "rejected", "slot-counts", "discarded")) {
            c.put("sequencer.kafka.topics." + t, t + "-" + run);
        }
        c.put("sequencer.kafka.group-id", "sequencer-" + run);
        c.put("sequencer.kafka.transactional-id-prefix", "sequencer-" + run);
        c.put("sequencer.kafka.start-from", "earliest");
        c.put("sequencer.kafka.stop-at", bounded ? "latest" : "none");
        c.put("sequencer.data-markets", MARKET);
        c.put("sequencer.chain.id", Long.toString(Snapshotters.CHAIN_ID));
        c.put("sequencer.chain.protocol-state", deployment.contractAddress());
        c.put("sequencer.chain.rpc-url", ENV.anvil().rpcUrl());
        c.put("sequencer.chain.signer-key-files", signerKey.toString());
        c.put("sequencer.chain.receipt-poll-interval", "50 ms");
        c.put("sequencer.checkpoint-interval", "300 ms");
        c.put("sequencer.accounting.update-every-epochs", "2");
        c.put("sequencer.accounting.final-delay-epochs", "2");
        c.put("sequencer.accounting.chunk-size", "2");
        return c;
    }

    /** The job without anchoring (no IPFS needed), with the accounting stage committing on chain. */
    JobClient submit(String run, int parallelism, boolean bounded) throws Exception {
        return submit(run, parallelism, bounded, false);
    }

    JobClient submit(String run, int parallelism, boolean bounded, boolean audit) throws Exception {
        SequencerConfig cfg = SequencerJob.config(jobConfig(run, bounded));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(FlinkTestCluster.jobConfiguration(run));
        env.setParallelism(parallelism);
        env.enableCheckpointing(cfg.get(SequencerConfig.CHECKPOINT_INTERVAL).toMillis());
        SequencerPipeline.build(
                env,
                cfg,
                SequencerJob.kafkaInputs(cfg),
                SequencerJob.kafkaOutputs(cfg),
                Anchoring.none(),
                audit
                        ? Accounting.auditOnChain(
                                cfg.get(SequencerConfig.RPC_URL),
                                cfg.protocolState(),
                                cfg.get(SequencerConfig.ANCHOR_TIMEOUT))
                        : Accounting.commitOnChain(
                                SequencerJob.commitClientConfig(cfg),
                                cfg.get(SequencerConfig.ACCOUNTING_CHUNK),
                                cfg.get(SequencerConfig.ANCHOR_TIMEOUT)));
        return env.executeAsync("accounting-" + run);
    }

    /** Feeds the live network: per epoch, the release on chain, its chain records, then its submissions. */
    final class Feeder {
        final KafkaProducer<String, byte[]> producer = KAFKA.newProducer();
        long hbSequence;

        void chain(Object record, String key, long at) {
            byte[] value = record instanceof EpochReleased e
                    ? RecordCodec.encode(e)
                    : record instanceof DayStarted d
                            ? RecordCodec.encode(d)
                            : record instanceof AccountingParameterUpdated a
                                    ? RecordCodec.encode(a)
                                    : record instanceof SlotAssignment s
                                            ? RecordCodec.encode(s)
                                            : RecordCodec.encode((ChainBlock) record);
            producer.send(new ProducerRecord<>("protocol-chain", 0, at, key, value));
        }

        void head(long at) throws Exception {
            EthBlock.Block b = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
                    .send()
                    .getBlock();
            chain(
                    new ChainBlock(
                            b.getNumber().longValueExact(),
                            b.getHash(),
                            b.getTimestamp().longValueExact(),
                            at),
                    Topics.BLOCK_KEY,
                    at);
        }

        void heartbeats(long at) {
            for (int p = 0; p < 2; p++) {
                producer.send(new ProducerRecord<>(
                        "submissions",
                        p,
                        at,
                        Topics.HEARTBEAT_KEY,
                        RecordCodec.encode(new Heartbeat(at, "bridge-test", p, hbSequence++))));
            }
        }

        void submit(String id, long slot, long epoch, String project, String cid, long at) {
            String json = Snapshotters.json(Snapshotters.key(slot), slot, epoch, project, cid, 1_000_000, MARKET);
            producer.send(new ProducerRecord<>(
                    "submissions",
                    null,
                    at,
                    Topics.slotKey(slot),
                    RecordCodec.encode(new SubmissionEnvelope(id, "12D3KooWAccounting", at, "bridge-test", json))));
        }

        void start(long at) throws Exception {
            for (long slot = 1; slot <= 6; slot++) {
                chain(new SlotAssignment(slot, Snapshotters.address(slot), true, 1, at), Topics.slotKey(slot), at);
            }
            String h = "0x" + "ab".repeat(32);
            chain(
                    new AccountingParameterUpdated(
                            MARKET,
                            AccountingParameterUpdated.Parameter.DAILY_SNAPSHOT_QUOTA,
                            QUOTA,
                            0,
                            1,
                            h,
                            h,
                            0,
                            at,
                            false),
                    MARKET,
                    at);
            head(at);
            heartbeats(at);
            producer.flush();
        }

        /** Releases epoch {@code e} on chain and writes what the bridge would, stamped from {@code t}. */
        void epoch(long e, long t) throws Exception {
            TransactionReceipt r = TestChain.releaseEpoch(deployment, MARKET, e, 10);
            var released = PowerloomProtocolState.getEpochReleasedEvents(r).get(0);
            for (var day : PowerloomProtocolState.getDayStartedEventEvents(r)) {
                chain(
                        new DayStarted(
                                MARKET,
                                day.dayId.longValueExact(),
                                e,
                                day.timestamp.longValueExact(),
                                r.getBlockNumber().longValueExact(),
                                r.getBlockHash(),
                                r.getTransactionHash(),
                                day.log.getLogIndex().intValueExact(),
                                t,
                                false),
                        MARKET,
                        t);
            }
            chain(
                    new EpochReleased(
                            MARKET,
                            e,
                            released.begin.longValueExact(),
                            released.end.longValueExact(),
                            released.timestamp.longValueExact(),
                            r.getBlockNumber().longValueExact(),
                            r.getBlockHash(),
                            r.getTransactionHash(),
                            released.log.getLogIndex().intValueExact(),
                            WINDOW_MS / 1000,
                            1_000_000,
                            t,
                            false),
                    MARKET,
                    t);
            head(t);
            for (long slot = 1; slot <= 6; slot++) {
                int i = 0;
                for (String p : List.of(P0, P1)) {
                    String cid = vote(e, p, slot);
                    if (cid != null && !late(e, p, slot)) {
                        submit(Snapshotters.id(e + "/" + p + "/" + slot), slot, e, p, cid, t + 100 + 10 * slot + i);
                    }
                    i++;
                }
            }
            // slot 6 checks its path with a simulation submission (epoch 0) every epoch
            submit(Snapshotters.id(e + "/sim/6"), 6, 0, P0, "bafkreiSim" + e, t + 150);
            heartbeats(t + 300);
            producer.flush();
        }

        /** What arrives between epochs: the late submission, block heads and heartbeats up to {@code t}. */
        void between(long e, long t) throws Exception {
            if (e == 5) {
                long close = t - SPACING_MS / 2 + WINDOW_MS; // between() comes half an epoch after the release
                submit(Snapshotters.id("5/late/3"), 3, 5, P0, vote(5, P0, 3), close + 200);
            }
            head(t);
            heartbeats(t);
            producer.flush();
        }
    }

    // ------------------------------------------------------------------ checks

    long nonce() throws Exception {
        return web3j.ethGetTransactionCount(sequencer.getAddress(), DefaultBlockParameterName.LATEST)
                .send()
                .getTransactionCount()
                .longValueExact();
    }

    long onChain(long slot, long day) throws Exception {
        return deployment
                .contract()
                .slotSubmissionCount(MARKET, BigInteger.valueOf(slot), BigInteger.valueOf(day))
                .send()
                .longValueExact();
    }

    /** Per day: successful and reverted transactions of {@code signature}, read from every block. */
    Map<Long, int[]> transactionsPerDay(String signature, int dayWord) throws Exception {
        String selector = org.web3j.crypto.Hash.sha3String(signature).substring(0, 10);
        Map<Long, int[]> out = new TreeMap<>();
        long head = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        for (long n = 0; n <= head; n++) {
            EthBlock.Block b = web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(n)), true)
                    .send()
                    .getBlock();
            for (EthBlock.TransactionResult<?> tr : b.getTransactions()) {
                var tx = (org.web3j.protocol.core.methods.response.Transaction) tr.get();
                if (tx.getInput() == null || !tx.getInput().startsWith(selector)) {
                    continue;
                }
                String word = tx.getInput().substring(10 + 64 * dayWord, 10 + 64 * (dayWord + 1));
                long day = new BigInteger(word, 16).longValueExact();
                boolean ok = web3j.ethGetTransactionReceipt(tx.getHash())
                        .send()
                        .getTransactionReceipt()
                        .orElseThrow()
                        .isStatusOK();
                out.computeIfAbsent(day, d -> new int[2])[ok ? 0 : 1]++;
            }
        }
        return out;
    }

    /** The slot-counts records of a run: "day/slot/kind" → count (eligible records: "day/eligible"). */
    Map<String, Long> slotCounts(String run) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r :
                KAFKA.readAll("slot-counts-" + run, Integer.MAX_VALUE, Duration.ofSeconds(4))) {
            JsonNode n = JSON.readTree(r.value());
            String key = "dayEligible".equals(n.get("type").asText())
                    ? n.get("day").asText() + "/eligible"
                    : n.get("day").asText() + "/" + n.get("slotId").asText() + "/"
                            + n.get("kind").asText() + "@" + n.get("epochId").asText();
            long value = n.has("eligibleNodes")
                    ? n.get("eligibleNodes").asLong()
                    : n.get("count").asLong();
            assertThat(out.put(key, value)).as("one record per update: " + key).isNull();
            assertThat(n.get("status").asText()).as(key).isIn(SlotCount.COMMITTED, SlotCount.ALREADY_DONE);
        }
        return out;
    }

    @Test
    void threeDaysOfCountsAreCommittedOnceThroughAFailoverAndAReplaySendsNothing(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        deploy();
        KAFKA.createTopic("submissions", 2);
        KAFKA.createTopic("protocol-chain", 1);
        Map<Long, Map<Long, Long>> expected = expectedCounts(1, 12);
        Map<Long, Long> expectedEligible = new TreeMap<>();
        for (long day = 1; day <= 3; day++) {
            expectedEligible.put(
                    day,
                    expected.get(day).values().stream().filter(c -> c >= QUOTA).count());
        }
        // the plan has what the issue asks for: slots above and below the quota, nothing for 5 and 6, a late one
        assertThat(expected.get(1L))
                .containsEntry(1L, 8L)
                .containsEntry(3L, 8L)
                .containsEntry(2L, 4L)
                .doesNotContainKey(5L)
                .doesNotContainKey(6L);
        assertThat(expected.get(2L)).containsEntry(3L, 7L);
        assertThat(expectedEligible).containsExactly(Map.entry(1L, 2L), Map.entry(2L, 1L), Map.entry(3L, 2L));

        // ---- run 1: live, parallelism 2, the TaskManager killed in the middle of day 2 ----
        Feeder feed = new Feeder();
        long t = System.currentTimeMillis();
        feed.start(t);
        JobClient job = submit("live", 2, false);
        for (long e = 1; e <= EPOCHS; e++) {
            t += SPACING_MS;
            feed.epoch(e, t);
            Thread.sleep(SPACING_MS / 2);
            feed.between(e, t + SPACING_MS / 2);
            Thread.sleep(SPACING_MS / 2);
            if (e == 6) {
                killTaskManager(cluster);
            }
            // epoch 7's close sends day 1's eligible-node count, then its final counts; epoch 11's, day 2's: the
            // TaskManager is killed while day 1's final-count and day 2's eligible-node transaction are in flight
            if (e == 7) {
                killWhileInFlight(cluster, feed, t, FINAL_COUNTS);
            }
            if (e == 11) {
                killWhileInFlight(cluster, feed, t, ELIGIBLE_NODES);
            }
        }
        for (int i = 0; i < 6; i++) { // the last windows close and day 3's final counts go out
            t += SPACING_MS / 2;
            feed.between(0, t);
            Thread.sleep(SPACING_MS / 2);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (deployment
                                .contract()
                                .eligibleNodesForDay(MARKET, BigInteger.valueOf(3))
                                .send()
                                .longValueExact()
                        != 2
                || !deployment
                        .contract()
                        .slotRewardedForDay(MARKET, BigInteger.valueOf(3), BigInteger.valueOf(3))
                        .send()) {
            assertThat(System.nanoTime())
                    .as("day 3's final counts on chain within 60 s")
                    .isLessThan(deadline);
            feed.between(0, System.currentTimeMillis());
            Thread.sleep(300);
        }
        Thread.sleep(1500); // two more checkpoints: the last slot-counts records become visible
        assertThat(job.getJobStatus().get().isGloballyTerminalState()).isFalse();
        job.cancel().get();
        feed.producer.close();

        // ---- the chain holds exactly the independently computed counts ----
        for (long day = 1; day <= 3; day++) {
            for (long slot = 1; slot <= 6; slot++) {
                long want = expected.get(day).getOrDefault(slot, 0L);
                assertThat(onChain(slot, day)).as("day %d slot %d", day, slot).isEqualTo(want);
                assertThat(deployment
                                .contract()
                                .slotRewardedForDay(MARKET, BigInteger.valueOf(slot), BigInteger.valueOf(day))
                                .send())
                        .as("rewarded day %d slot %d", day, slot)
                        .isEqualTo(want >= QUOTA);
            }
            assertThat(deployment
                            .contract()
                            .eligibleNodesForDay(MARKET, BigInteger.valueOf(day))
                            .send()
                            .longValueExact())
                    .as("eligible nodes of day %d", day)
                    .isEqualTo(expectedEligible.get(day));
        }
        // day 4 (epochs 13-15) is not over: its periodic update at epoch 14 holds epochs 13 and 14
        Map<Long, Long> day4 = expectedCounts(13, 14).get(4L);
        for (long slot = 1; slot <= 6; slot++) {
            assertThat(onChain(slot, 4)).as("day 4 slot %d", slot).isEqualTo(day4.getOrDefault(slot, 0L));
        }
        // ---- each day's eligible-node count and final counts went out once ----
        Map<Long, int[]> eligibleTxs = transactionsPerDay("updateEligibleNodesForDay(address,uint256,uint256)", 1);
        Map<Long, int[]> finalTxs =
                transactionsPerDay("updateEligibleSubmissionCountsForDay(address,uint256[],uint256[],uint256)", 3);
        for (long day = 1; day <= 3; day++) {
            assertThat(eligibleTxs.get(day))
                    .as("eligible-node transactions of day %d (ok, reverted)", day)
                    .containsExactly(1, 0);
            assertThat(finalTxs.get(day))
                    .as("final-count transactions of day %d (ok, reverted)", day)
                    .containsExactly(1, 0);
        }
        assertThat(eligibleTxs).containsOnlyKeys(1L, 2L, 3L);
        assertThat(finalTxs).containsOnlyKeys(1L, 2L, 3L);
        Map<String, Long> live = slotCounts("live");
        Map<String, String> status = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r :
                KAFKA.readAll("slot-counts-live", Integer.MAX_VALUE, Duration.ofSeconds(4))) {
            JsonNode n = JSON.readTree(r.value());
            status.put(
                    n.get("day").asText() + "/"
                            + ("dayEligible".equals(n.get("type").asText())
                                    ? "eligible"
                                    : n.get("slotId").asText() + "/"
                                            + n.get("kind").asText()),
                    n.get("status").asText());
        }
        // the updates in flight at the kills were re-issued by the restarted job and found on chain
        assertThat(status)
                .as("statuses")
                .containsEntry("1/1/FINAL", SlotCount.ALREADY_DONE)
                .containsEntry("2/eligible", SlotCount.ALREADY_DONE)
                .containsEntry("3/eligible", SlotCount.COMMITTED);
        assertThat(live)
                .containsEntry("1/eligible", 2L)
                .containsEntry("2/eligible", 1L)
                .containsEntry("3/eligible", 2L)
                .containsEntry("1/1/FINAL@7", 8L)
                .containsEntry("2/1/FINAL@11", 8L)
                .containsEntry("3/3/FINAL@15", 8L);
        var discarded = KAFKA.readAll("discarded-live", Integer.MAX_VALUE, Duration.ofSeconds(3));
        // per epoch: slot 5 on P0, slots 4 and 5 on P1
        assertThat(discarded).hasSize(3 * EPOCHS);
        assertThat(new TreeSet<>(discarded.stream().map(ConsumerRecord::key).toList()))
                .hasSize(3 * EPOCHS);
        assertThat(new String(discarded.get(0).value(), StandardCharsets.UTF_8)).contains("\"winningCid\":\"bafkreiA");

        // ---- run 2: the same log replayed afterwards (bounded, parallelism 1): same counts, no transaction ----
        long nonceBefore = nonce();
        submit("replay", 1, true).getJobExecutionResult().get();
        assertThat(nonce()).as("the replay sends no transaction").isEqualTo(nonceBefore);
        Map<String, Long> replay = slotCounts("replay");
        assertThat(replay).isEqualTo(live);

        // ---- run 3: the replay's audit (ReplayCommand, as replay.sh runs it) after one count on chain was changed:
        //      exactly that one is reported, and the exit code says mismatch ----
        ProtocolStateDeployer.load(deployment.contractAddress(), web3j, sequencer, Snapshotters.CHAIN_ID)
                .updateSubmissionCounts(
                        MARKET, List.of(BigInteger.ONE), List.of(BigInteger.ZERO), BigInteger.valueOf(4))
                .send();
        Map<String, String> base = new TreeMap<>(config("live", true));
        base.remove("sequencer.kafka.start-from");
        base.remove("sequencer.kafka.stop-at");
        List<String> args = new ArrayList<>(List.of(
                "--parallelism",
                "1",
                "--mode",
                "audit",
                "--from",
                "epoch:1",
                "--to",
                "epoch:" + EPOCHS,
                "--run-id",
                "audit"));
        base.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = ReplayCommand.run(
                args.toArray(new String[0]),
                Map.of(),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        String report = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(report).isEqualTo(ReplayJob.EXIT_MISMATCH);
        assertThat(report)
                .contains("COUNT MISMATCH day 4 slot 1 (PERIODIC): recomputed 4, chain holds 0, less than recomputed")
                .doesNotContain("MISMATCH epoch");
        assertThat(report.lines().filter(l -> l.startsWith("COUNT MISMATCH")).count())
                .as(report)
                .isEqualTo(1);
        assertThat(nonce()).as("the audit sends no transaction").isEqualTo(nonceBefore + 1);
    }

    static final String ELIGIBLE_NODES = selector("updateEligibleNodesForDay(address,uint256,uint256)");
    static final String FINAL_COUNTS =
            selector("updateEligibleSubmissionCountsForDay(address,uint256[],uint256[],uint256)");
    static final String PERIODIC = selector("updateSubmissionCounts(address,uint256[],uint256[],uint256)");

    /**
     * The TaskManager killed while a transaction of a day's final update is in flight: mining is paused, the
     * transactions before the one of {@code killAt} are mined one block at a time, and the TaskManager is killed while
     * that one waits in the mempool. The restarted job re-issues the update; it must decide from the chain, once that
     * transaction mined, and send nothing a second time (the checks at the end count the transactions per day). The
     * contract takes a second {@code updateEligibleNodesForDay} without complaint, so only the client's decision keeps
     * that one from going out twice; a second final count would revert with E48.
     *
     * @param t the epoch's release time: block heads and heartbeats just before the next release close its window
     */
    void killWhileInFlight(MiniCluster cluster, Feeder feed, long t, String killAt) throws Exception {
        Anvil anvil = ENV.anvil();
        anvil.setAutomine(false);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            boolean killed = false;
            while (!killed) {
                assertThat(System.nanoTime())
                        .as("the final-count transaction pending within 60 s")
                        .isLessThan(deadline);
                closeWindow(feed, t);
                List<String> pending = pendingInputs();
                if (pending.stream().anyMatch(i -> i.startsWith(killAt))) {
                    killTaskManager(cluster);
                    killed = true;
                } else if (!pending.isEmpty()) {
                    anvil.mine(1); // the eligible-node count (or a periodic update) mines; the final counts follow
                    assertThat(pending).allMatch(i -> i.startsWith(ELIGIBLE_NODES) || i.startsWith(PERIODIC));
                } else {
                    Thread.sleep(100);
                }
            }
            // the restarted job re-issues the final update; give it time to (wrongly) send it again
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < until
                    && pendingInputs().stream()
                                    .filter(i -> i.startsWith(killAt))
                                    .count()
                            < 2) {
                closeWindow(feed, t);
                Thread.sleep(200);
            }
        } finally {
            anvil.setAutomine(true);
            anvil.mine(1);
        }
    }

    /** A block head and heartbeats that close the window of the epoch released at {@code t}, before the next one. */
    static void closeWindow(Feeder feed, long t) throws Exception {
        feed.head(t + SPACING_MS - 100);
        feed.heartbeats(t + SPACING_MS + 50);
        feed.producer.flush();
    }

    /** The MiniCluster's index of the running TaskManager: each one started is appended to its list. */
    int taskManager;

    /** Kills the running TaskManager and starts a new one (the job restores from its last checkpoint). */
    void killTaskManager(MiniCluster cluster) throws Exception {
        cluster.terminateTaskManager(taskManager).get();
        cluster.startTaskManager();
        taskManager++;
    }

    static String selector(String signature) {
        return org.web3j.crypto.Hash.sha3String(signature).substring(0, 10);
    }

    /** The input of every transaction in Anvil's mempool. */
    List<String> pendingInputs() {
        List<String> out = new ArrayList<>();
        JsonNode pool = ENV.anvil().rpc().call("txpool_content").path("pending");
        pool.forEach(bySender -> bySender.forEach(tx -> out.add(tx.path("input").asText())));
        return out;
    }
}
