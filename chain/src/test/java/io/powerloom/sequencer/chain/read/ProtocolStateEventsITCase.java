package io.powerloom.sequencer.chain.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.chain.DataMarketConfig;
import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.chain.ProtocolStateDeployment;
import io.powerloom.sequencer.chain.read.ProtocolStateEvents.DayLog;
import io.powerloom.sequencer.chain.read.ProtocolStateEvents.EpochLog;
import io.powerloom.sequencer.chain.read.ProtocolStateEvents.ParameterLog;
import io.powerloom.sequencer.chain.read.ProtocolStateEvents.SlotLog;
import io.powerloom.sequencer.chain.testenv.TestChain;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.anvil.Anvil;
import io.powerloom.sequencer.infra.anvil.AnvilExtension;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Every event the chain watcher follows, emitted by the deployed contract on a real Anvil and read back with
 * {@link ChainReader#logs}: {@link ProtocolStateEvents} decodes each to the values that were sent, and to the same values
 * as the generated wrapper's own log decoding.
 */
class ProtocolStateEventsITCase {
    private static final long CHAIN_ID = 11171;
    private static final String MARKET = "0x0000000000000000000000000000000000000301";

    @RegisterExtension
    static final AnvilExtension CHAIN = new AnvilExtension(Anvil.builder().chainId(CHAIN_ID));

    @Test
    void decodesEachFollowedEventOfTheDeployedContractAsSentAndAsTheWrapperDoes() throws Exception {
        Anvil anvil = CHAIN.anvil();
        TestChain chain = new TestChain(anvil);
        Web3j web3j = chain.web3j();
        try {
            ProtocolStateDeployer deployer = chain.deployer();
            DataMarketConfig market =
                    new DataMarketConfig(MARKET, 10, 120, 40, anvil.address(1), List.of(anvil.address(2)));
            ProtocolStateDeployment deployment = deployer.deploy(market, 7, List.of(anvil.address(5)));
            PowerloomProtocolState owner = deployment.contract();
            PowerloomProtocolState epochManager = chain.contractAs(deployment.contractAddress(), 1);
            deployer.setEpochsInADay(owner, market, 2); // DaySizeUpdated
            deployer.setDailySnapshotQuota(owner, MARKET, 5); // DailySnapshotQuotaUpdated
            owner.deactivateSlot(BigInteger.valueOf(7)).send(); // SlotSnapshotterUpdated, inactive
            for (long begin = 1; begin <= 21; begin += 10) { // epochs 1..3; epoch 3 starts day 2
                epochManager
                        .releaseEpoch(MARKET, BigInteger.valueOf(begin), BigInteger.valueOf(begin + 9))
                        .send();
            }

            List<EpochLog> epochs = new ArrayList<>();
            List<SlotLog> slots = new ArrayList<>();
            List<DayLog> days = new ArrayList<>();
            List<ParameterLog> parameters = new ArrayList<>();
            try (ChainReader reader =
                    new ChainReader(anvil.rpcUrl(), deployment.contractAddress(), Duration.ofSeconds(10))) {
                for (Log log : reader.logs(0, reader.head())) {
                    if (ProtocolStateEvents.isEpochReleased(log)) {
                        EpochLog e = ProtocolStateEvents.decodeEpoch(log);
                        var w = PowerloomProtocolState.getEpochReleasedEventFromLog(log);
                        assertThat(List.of(e.dataMarket(), e.epochId(), e.begin(), e.end(), e.timestamp()))
                                .isEqualTo(List.of(
                                        w.dataMarketAddress.toLowerCase(),
                                        w.epochId.longValueExact(),
                                        w.begin.longValueExact(),
                                        w.end.longValueExact(),
                                        w.timestamp.longValueExact()));
                        assertPosition(log, e.blockNumber(), e.blockHash(), e.txHash(), e.logIndex());
                        epochs.add(e);
                    } else if (ProtocolStateEvents.isSlotUpdated(log)) {
                        SlotLog s = ProtocolStateEvents.decodeSlot(log);
                        var w = PowerloomProtocolState.getSlotSnapshotterUpdatedEventFromLog(log);
                        assertThat(List.of(s.slotId(), s.snapshotter(), s.active()))
                                .isEqualTo(List.of(w.slotId.longValueExact(), w.snapshotter.toLowerCase(), w.active));
                        assertPosition(
                                log,
                                s.blockNumber(),
                                s.blockHash(),
                                log.getTransactionHash().toLowerCase(),
                                s.logIndex());
                        slots.add(s);
                    } else if (ProtocolStateEvents.isDayStarted(log)) {
                        DayLog d = ProtocolStateEvents.decodeDay(log);
                        var w = PowerloomProtocolState.getDayStartedEventEventFromLog(log);
                        assertThat(List.of(d.dataMarket(), d.dayId(), d.timestamp()))
                                .isEqualTo(List.of(
                                        w.dataMarketAddress.toLowerCase(),
                                        w.dayId.longValueExact(),
                                        w.timestamp.longValueExact()));
                        assertPosition(log, d.blockNumber(), d.blockHash(), d.txHash(), d.logIndex());
                        days.add(d);
                    } else if (ProtocolStateEvents.isParameterUpdated(log)) {
                        ParameterLog p = ProtocolStateEvents.decodeParameter(log);
                        if (p.quota()) {
                            var w = PowerloomProtocolState.getDailySnapshotQuotaUpdatedEventFromLog(log);
                            assertThat(List.of(p.dataMarket(), p.value(), p.epochsInADay()))
                                    .isEqualTo(List.of(
                                            w.dataMarketAddress.toLowerCase(),
                                            w.dailySnapshotQuota.longValueExact(),
                                            0L));
                        } else {
                            var w = PowerloomProtocolState.getDaySizeUpdatedEventFromLog(log);
                            assertThat(List.of(p.dataMarket(), p.value(), p.epochsInADay()))
                                    .isEqualTo(List.of(
                                            w.dataMarketAddress.toLowerCase(),
                                            w.daySize.longValueExact(),
                                            w.epochsInADay.longValueExact()));
                        }
                        assertPosition(log, p.blockNumber(), p.blockHash(), p.txHash(), p.logIndex());
                        parameters.add(p);
                    }
                }
            }

            String snapshotter = anvil.address(5).toLowerCase();
            assertThat(epochs).extracting(EpochLog::epochId).containsExactly(1L, 2L, 3L);
            assertThat(epochs).extracting(EpochLog::begin).containsExactly(1L, 11L, 21L);
            assertThat(epochs).extracting(EpochLog::end).containsExactly(10L, 20L, 30L);
            assertThat(epochs).allSatisfy(e -> assertThat(e.dataMarket()).isEqualTo(MARKET));
            assertThat(slots)
                    .extracting(SlotLog::slotId, SlotLog::snapshotter, SlotLog::active)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(7L, snapshotter, true),
                            org.assertj.core.groups.Tuple.tuple(7L, snapshotter, false));
            assertThat(days).hasSize(1);
            DayLog day = days.get(0);
            EpochLog third = epochs.get(2);
            // the day starts in the transaction of the release that starts it, just before its EpochReleased
            assertThat(day.txHash()).isEqualTo(third.txHash());
            assertThat(day.logIndex()).isEqualTo(third.logIndex() - 1);
            assertThat(day.timestamp()).isEqualTo(third.timestamp());
            assertThat(parameters)
                    .filteredOn(ParameterLog::quota)
                    .extracting(ParameterLog::value)
                    .containsExactly(5L);
            assertThat(parameters)
                    .filteredOn(p -> !p.quota())
                    .extracting(ParameterLog::epochsInADay)
                    .containsExactly(2L);
        } finally {
            web3j.shutdown();
        }
    }

    private static void assertPosition(Log log, long block, String blockHash, String txHash, int logIndex) {
        assertThat(block).isEqualTo(log.getBlockNumber().longValueExact());
        assertThat(blockHash).isEqualTo(log.getBlockHash().toLowerCase());
        assertThat(txHash).isEqualTo(log.getTransactionHash().toLowerCase());
        assertThat(logIndex).isEqualTo(log.getLogIndex().intValueExact());
    }
}
