package io.powerloom.sequencer.bridge.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.chain.DataMarketConfig;
import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.chain.ProtocolStateDeployment;
import io.powerloom.sequencer.chain.testenv.TestChain;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.anvil.Anvil;
import io.powerloom.sequencer.infra.anvil.AnvilExtension;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.protocol.records.AccountingParameterUpdated;
import io.powerloom.sequencer.protocol.records.ChainBlock;
import io.powerloom.sequencer.protocol.records.ChainTopicRecord;
import io.powerloom.sequencer.protocol.records.DayStarted;
import io.powerloom.sequencer.protocol.records.EpochReleased;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.SlotAssignment;
import io.powerloom.sequencer.protocol.records.Topics;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.protocol.Web3j;

/**
 * {@link ChainWatcher} against a real Anvil with PowerloomProtocolState deployed and a real Kafka broker: epoch
 * releases and slot changes appear exactly once, also across a restart, and an Anvil reorg (evm_snapshot/evm_revert,
 * then other transactions) is corrected by retractions and the new canonical records.
 */
class ChainWatcherITCase {
    private static final long CHAIN_ID = 11170;

    @RegisterExtension
    static final AnvilExtension CHAIN = new AnvilExtension(Anvil.builder().chainId(CHAIN_ID));

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static final AtomicInteger MARKETS = new AtomicInteger(0x200);
    private static final AtomicInteger SLOTS = new AtomicInteger(100);

    private static Web3j web3j;
    private static ProtocolStateDeployer deployer;
    private static ProtocolStateDeployment deployment;
    private static PowerloomProtocolState asOwner;
    private static PowerloomProtocolState asEpochManager;

    @BeforeAll
    static void deploy() {
        Anvil anvil = CHAIN.anvil();
        TestChain chain = new TestChain(anvil);
        web3j = chain.web3j();
        deployer = chain.deployer();
        deployment = deployer.deploy(market(), 1, List.of(anvil.address(5), anvil.address(6)));
        asOwner = deployment.contract();
        asEpochManager = chain.contractAs(deployment.contractAddress(), 1);
    }

    @AfterAll
    static void close() {
        web3j.shutdown();
    }

    private static DataMarketConfig market() {
        return new DataMarketConfig(
                String.format("0x%040x", MARKETS.incrementAndGet()),
                10,
                120,
                40,
                CHAIN.anvil().address(1),
                List.of(CHAIN.anvil().address(2)));
    }

    private static String newMarket() {
        DataMarketConfig m = market();
        deployer.createDataMarket(asOwner, m);
        return m.dataMarket();
    }

    /** The block of the last release's receipt: Anvil may report the previous head for a moment after the receipt. */
    private static volatile long lastReleaseBlock = -1;

    private static void release(String market, long begin) throws Exception {
        var receipt = asEpochManager
                .releaseEpoch(market, BigInteger.valueOf(begin), BigInteger.valueOf(begin + 9))
                .send();
        assertThat(receipt.isStatusOK()).isTrue();
        lastReleaseBlock = Math.max(lastReleaseBlock, receipt.getBlockNumber().longValueExact());
    }

    private static ChainWatcherConfig.Builder config(String name, int confirmations) {
        return ChainWatcherConfig.builder(
                        CHAIN.anvil().rpcUrl(), deployment.contractAddress(), KAFKA.bootstrapServers())
                .startBlock(deployment.deployBlock().longValueExact())
                .confirmations(confirmations)
                .pollInterval(Duration.ofMillis(100))
                .maxBlockRange(7) // small ranges: several transactions per catch-up
                .chainTopic("chain-" + name)
                .slotsTopic("slots-" + name)
                .transactionalId("watcher-" + name);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void awaitCaughtUp(ChainWatcher w, int confirmations) throws InterruptedException {
        long target = Math.max(CHAIN.anvil().blockNumber(), lastReleaseBlock) - confirmations;
        await("watcher at block " + target, () -> w.metrics().processedBlock() >= target);
    }

    /** Everything committed in a topic, partition by partition, read_committed. */
    private static List<ConsumerRecord<String, byte[]>> readCommitted(String topic) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = KAFKA.newConsumer("check-" + System.nanoTime())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static List<ChainTopicRecord> chainRecords(String topic) throws Exception {
        List<ChainTopicRecord> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : readCommitted(topic)) {
            ChainTopicRecord rec = RecordCodec.decodeChainTopic(r.value());
            assertThat(r.timestamp()).as("Kafka timestamp = observedAtMs").isEqualTo(rec.observedAtMs());
            if (rec instanceof EpochReleased e) {
                assertThat(r.key()).isEqualTo(e.dataMarket());
            } else if (rec instanceof SlotAssignment s) {
                assertThat(r.key()).isEqualTo(Topics.slotKey(s.slotId()));
            } else if (rec instanceof DayStarted d) {
                assertThat(r.key()).isEqualTo(d.dataMarket());
            } else if (rec instanceof AccountingParameterUpdated a) {
                assertThat(r.key()).isEqualTo(a.dataMarket());
            } else {
                assertThat(r.key()).isEqualTo(Topics.BLOCK_KEY);
            }
            out.add(rec);
        }
        return out;
    }

    private static List<SlotAssignment> slotRecords(String topic) throws Exception {
        List<SlotAssignment> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : readCommitted(topic)) {
            SlotAssignment s = RecordCodec.decodeSlotAssignment(r.value());
            assertThat(r.key()).isEqualTo(Long.toString(s.slotId()));
            out.add(s);
        }
        return out;
    }

    private static List<EpochReleased> epochs(List<ChainTopicRecord> records, String market) {
        return records.stream()
                .filter(r -> r instanceof EpochReleased e && e.dataMarket().equals(market))
                .map(r -> (EpochReleased) r)
                .toList();
    }

    private static List<Long> blockNumbers(List<ChainTopicRecord> records) {
        return records.stream()
                .filter(r -> r instanceof ChainBlock)
                .map(r -> ((ChainBlock) r).number())
                .toList();
    }

    @Test
    void epochsAndSlotsAppearExactlyOnceAcrossARestart() throws Exception {
        String market = newMarket();
        long slotA = SLOTS.incrementAndGet();
        long slotB = SLOTS.incrementAndGet();
        String snapA = CHAIN.anvil().address(7).toLowerCase();
        String snapB = CHAIN.anvil().address(8).toLowerCase();
        ChainWatcherConfig cfg = config("restart", 1).build();

        ChainWatcher first = new ChainWatcher(cfg);
        first.start();
        for (int e = 0; e < 3; e++) {
            release(market, 1 + 10L * e);
        }
        asOwner.registerSlot(BigInteger.valueOf(slotA), snapA).send();
        CHAIN.anvil().mine(1);
        awaitCaughtUp(first, 1);
        first.stop();

        // while the watcher is down: more epochs and slot changes
        for (int e = 3; e < 6; e++) {
            release(market, 1 + 10L * e);
        }
        asOwner.registerSlot(BigInteger.valueOf(slotB), snapB).send();
        asOwner.deactivateSlot(BigInteger.valueOf(slotA)).send();
        CHAIN.anvil().mine(12); // some empty blocks too: catching up takes several cycles of 7 blocks

        ChainWatcher second = new ChainWatcher(cfg);
        second.start();
        release(market, 61);
        asOwner.setSlotSnapshotter(BigInteger.valueOf(slotA), snapB).send();
        CHAIN.anvil().mine(1);
        awaitCaughtUp(second, 1);
        second.stop();
        assertThat(second.failure()).isNull();

        List<ChainTopicRecord> records = chainRecords(cfg.chainTopic());
        List<EpochReleased> epochs = epochs(records, market);
        assertThat(epochs).extracting(EpochReleased::epochId).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(epochs).extracting(EpochReleased::begin).containsExactly(1L, 11L, 21L, 31L, 41L, 51L, 61L);
        assertThat(epochs).allSatisfy(e -> {
            assertThat(e.removed()).isFalse();
            assertThat(e.end()).isEqualTo(e.begin() + 9);
            assertThat(e.snapshotSubmissionWindow()).isEqualTo(120);
            assertThat(e.batchSubmissionWindow()).isEqualTo(40);
            assertThat(e.chainTimestamp()).isPositive();
        });
        // one block marker per confirmed block, from the start block on: no gap, no duplicate
        List<Long> blocks = blockNumbers(records);
        long start = cfg.startBlock();
        assertThat(blocks).hasSize((int) (blocks.get(blocks.size() - 1) - start + 1));
        for (int i = 0; i < blocks.size(); i++) {
            assertThat(blocks.get(i)).isEqualTo(start + i);
        }
        assertThat(blocks.get(blocks.size() - 1)).isEqualTo(CHAIN.anvil().blockNumber() - 1);
        // every epoch record sits before its block's marker and after the previous one
        for (EpochReleased e : epochs) {
            int at = records.indexOf(e);
            int marker = records.indexOf(records.stream()
                    .filter(r -> r instanceof ChainBlock b && b.number() == e.blockNumber())
                    .findFirst()
                    .orElseThrow());
            assertThat(at).isLessThan(marker);
            assertThat(((ChainBlock) records.get(marker)).hash()).isEqualTo(e.blockHash());
        }

        List<SlotAssignment> slots = slotRecords(cfg.slotsTopic()).stream()
                .filter(s -> s.slotId() == slotA || s.slotId() == slotB)
                .toList();
        assertThat(slots)
                .extracting(SlotAssignment::slotId, SlotAssignment::snapshotter, SlotAssignment::active)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(slotA, snapA, true),
                        org.assertj.core.groups.Tuple.tuple(slotB, snapB, true),
                        org.assertj.core.groups.Tuple.tuple(slotA, snapA, false),
                        org.assertj.core.groups.Tuple.tuple(slotA, snapB, true));
        // the deployment's slots 1 and 2 were registered after the start block: they are there too, once
        assertThat(slotRecords(cfg.slotsTopic()))
                .filteredOn(s -> s.slotId() == 1 || s.slotId() == 2)
                .hasSize(2);
    }

    @Test
    void dayStartsAndAccountingParametersReachTheTopicInOrderWithReleases() throws Exception {
        DataMarketConfig m = market();
        deployer.createDataMarket(asOwner, m);
        String market = m.dataMarket();
        ChainWatcherConfig cfg = config("days", 1).build();
        ChainWatcher w = new ChainWatcher(cfg);
        w.start();
        deployer.setEpochsInADay(asOwner, m, 3);
        deployer.setDailySnapshotQuota(asOwner, market, 7);
        for (int e = 0; e < 7; e++) { // epochs 1..7: days start at epochs 4 and 7
            release(market, 1 + 10L * e);
        }
        CHAIN.anvil().mine(1);
        awaitCaughtUp(w, 1);
        w.stop();
        assertThat(w.failure()).isNull();

        List<ChainTopicRecord> records = chainRecords(cfg.chainTopic()).stream()
                .filter(r -> r instanceof EpochReleased e
                        ? e.dataMarket().equals(market)
                        : r instanceof DayStarted d
                                ? d.dataMarket().equals(market)
                                : r instanceof AccountingParameterUpdated a
                                        && a.dataMarket().equals(market))
                .toList();
        List<String> order = records.stream()
                .map(r -> r instanceof EpochReleased e
                        ? "epoch " + e.epochId()
                        : r instanceof DayStarted d
                                ? "day " + d.dayId() + "@" + d.epochId()
                                : ((AccountingParameterUpdated) r).parameter() + "="
                                        + ((AccountingParameterUpdated) r).value())
                .toList();
        assertThat(order)
                .containsExactly(
                        "DAY_SIZE=" + 3L * 120_000 * 10,
                        "DAILY_SNAPSHOT_QUOTA=7",
                        "epoch 1",
                        "epoch 2",
                        "epoch 3",
                        "day 2@4",
                        "epoch 4",
                        "epoch 5",
                        "epoch 6",
                        "day 3@7",
                        "epoch 7");
        AccountingParameterUpdated size = (AccountingParameterUpdated) records.get(0);
        assertThat(size.epochsInADay()).isEqualTo(3);
        DayStarted day2 = (DayStarted) records.get(5);
        EpochReleased epoch4 = (EpochReleased) records.get(6);
        assertThat(day2.txHash()).isEqualTo(epoch4.txHash());
        assertThat(day2.chainTimestamp()).isEqualTo(epoch4.chainTimestamp());
        assertThat(day2.removed()).isFalse();
        assertThat(w.metrics().snapshot())
                .containsEntry("chain_days_written_total", 2L)
                .containsEntry("chain_accounting_parameters_written_total", 2L);
    }

    @Test
    void reorgIsCorrectedWithRetractionsThenTheNewCanonicalRecords() throws Exception {
        String market = newMarket();
        long slot = SLOTS.incrementAndGet();
        String original = CHAIN.anvil().address(7).toLowerCase();
        String orphaned = CHAIN.anvil().address(8).toLowerCase();
        asOwner.registerSlot(BigInteger.valueOf(slot), original).send();
        release(market, 1);
        ChainWatcherConfig cfg =
                config("reorg", 0).startBlock(CHAIN.anvil().blockNumber()).build();
        ChainWatcher watcher = new ChainWatcher(cfg);
        watcher.start();
        awaitCaughtUp(watcher, 0);

        Anvil anvil = CHAIN.anvil();
        long forkBlock = anvil.blockNumber();
        String snapshot = anvil.snapshot();
        release(market, 11); // epoch 2 on the branch that will be dropped
        asOwner.setSlotSnapshotter(BigInteger.valueOf(slot), orphaned).send();
        anvil.mine(2);
        awaitCaughtUp(watcher, 0);
        long orphanedHead = anvil.blockNumber();

        assertThat(anvil.revert(snapshot)).isTrue();
        lastReleaseBlock = -1; // the released block is gone with the dropped branch
        // the canonical epoch 2 covers other blocks (forceSkipEpoch: no continuity check)
        assertThat(asEpochManager
                        .forceSkipEpoch(market, BigInteger.valueOf(501), BigInteger.valueOf(510))
                        .send()
                        .isStatusOK())
                .isTrue();
        anvil.mine(4);
        await("the reorg", () -> watcher.metrics().reorgs() >= 1);
        awaitCaughtUp(watcher, 0);
        assertThat(watcher.failure()).isNull();
        watcher.stop();

        // a restarted watcher goes on after the new branch: no duplicate, nothing re-retracted
        ChainWatcher again = new ChainWatcher(cfg);
        again.start();
        release(market, 511);
        awaitCaughtUp(again, 0);
        again.stop();

        List<ChainTopicRecord> records = chainRecords(cfg.chainTopic());
        List<EpochReleased> epochs = epochs(records, market);
        assertThat(epochs)
                .extracting(EpochReleased::epochId, EpochReleased::begin, EpochReleased::removed)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1L, 1L, false), // in the start block
                        org.assertj.core.groups.Tuple.tuple(2L, 11L, false),
                        org.assertj.core.groups.Tuple.tuple(2L, 11L, true),
                        org.assertj.core.groups.Tuple.tuple(2L, 501L, false),
                        org.assertj.core.groups.Tuple.tuple(3L, 511L, false));
        EpochReleased dropped = epochs.get(1);
        EpochReleased retraction = epochs.get(2);
        assertThat(retraction.blockHash()).isEqualTo(dropped.blockHash());
        assertThat(retraction.logIndex()).isEqualTo(dropped.logIndex());
        assertThat(epochs.get(3).blockHash()).isNotEqualTo(dropped.blockHash());
        assertThat(epochs.get(3).blockNumber()).isEqualTo(forkBlock + 1);

        // block markers: up to the orphaned head, then again from at most fork+1 on the new branch, consecutive
        List<Long> blocks = blockNumbers(records);
        int rewind = -1;
        for (int i = 1; i < blocks.size(); i++) {
            if (blocks.get(i) <= blocks.get(i - 1)) {
                assertThat(rewind).as("a single rewind").isEqualTo(-1);
                rewind = i;
            } else {
                assertThat(blocks.get(i)).isEqualTo(blocks.get(i - 1) + 1);
            }
        }
        assertThat(rewind).isPositive();
        assertThat(blocks.get(rewind - 1)).isGreaterThanOrEqualTo(orphanedHead);
        assertThat(blocks.get(rewind)).isBetween(forkBlock, forkBlock + 1);
        assertThat(blocks.get(blocks.size() - 1)).isEqualTo(anvil.blockNumber());

        // the slot change of the dropped branch is undone (re-read at the fork block)
        List<SlotAssignment> slots = slotRecords(cfg.slotsTopic()).stream()
                .filter(s -> s.slotId() == slot)
                .toList();
        assertThat(slots).extracting(SlotAssignment::snapshotter).containsExactly(orphaned, original);
        assertThat(slots.get(1).active()).isTrue();
        assertThat(slots.get(1).blockNumber()).isEqualTo(forkBlock);
        assertThat(watcher.metrics().retractions()).isEqualTo(1);
    }

    @Test
    void transactionLeftOpenByACrashedWatcherIsAbortedAndNeverSeen() throws Exception {
        String market = newMarket();
        ChainWatcherConfig cfg =
                config("zombie", 0).startBlock(CHAIN.anvil().blockNumber()).build();
        ChainWatcher first = new ChainWatcher(cfg);
        first.start();
        release(market, 1);
        awaitCaughtUp(first, 0);
        first.stop();

        // a watcher that died in the middle of a cycle: its transaction is open, with records nobody may see
        var zombie = KAFKA.newTransactionalProducer(cfg.transactionalId());
        zombie.beginTransaction();
        EpochReleased ghost = new EpochReleased(
                market,
                99,
                981,
                990,
                1,
                999_999,
                "0x" + "ab".repeat(32),
                "0x" + "cd".repeat(32),
                0,
                120,
                40,
                System.currentTimeMillis(),
                false);
        zombie.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                cfg.chainTopic(), market, RecordCodec.encode(ghost)));
        zombie.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                cfg.chainTopic(),
                Topics.BLOCK_KEY,
                RecordCodec.encode(new ChainBlock(999_999, "0x" + "ab".repeat(32), 1, System.currentTimeMillis()))));
        zombie.flush();

        ChainWatcher second = new ChainWatcher(cfg); // fences the zombie, aborting its transaction
        second.start();
        release(market, 11);
        awaitCaughtUp(second, 0);
        second.stop();
        assertThat(second.failure()).isNull();
        zombie.close(Duration.ZERO);

        List<ChainTopicRecord> records = chainRecords(cfg.chainTopic());
        assertThat(epochs(records, market)).extracting(EpochReleased::epochId).containsExactly(1L, 2L);
        List<Long> blocks = blockNumbers(records);
        assertThat(blocks).doesNotContain(999_999L);
        for (int i = 1; i < blocks.size(); i++) {
            assertThat(blocks.get(i)).isEqualTo(blocks.get(i - 1) + 1);
        }
        assertThat(blocks.get(blocks.size() - 1)).isEqualTo(CHAIN.anvil().blockNumber());
    }
}
