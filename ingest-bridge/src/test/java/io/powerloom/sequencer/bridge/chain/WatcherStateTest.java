package io.powerloom.sequencer.bridge.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.protocol.records.AccountingParameterUpdated;
import io.powerloom.sequencer.protocol.records.ChainBlock;
import io.powerloom.sequencer.protocol.records.DayStarted;
import io.powerloom.sequencer.protocol.records.EpochReleased;
import org.junit.jupiter.api.Test;

class WatcherStateTest {
    private static final String DM = "0x00000000000000000000000000000000000000aa";

    private static String hash(long n, char branch) {
        return "0x" + String.valueOf(branch).repeat(48) + String.format("%016x", n);
    }

    private static ChainBlock block(long n, char branch) {
        return new ChainBlock(n, hash(n, branch), 1000 + n, 5);
    }

    private static EpochReleased epoch(long epochId, long block, char branch, boolean removed) {
        return new EpochReleased(
                DM, epochId, 1, 10, 1000 + block, block, hash(block, branch), hash(block, 'f'), 0, 120, 40, 5, removed);
    }

    @Test
    void remembersOnlyTheLastDepthBlocksAndTheirEpochs() {
        WatcherState s = new WatcherState(3);
        s.apply(epoch(1, 1, 'a', false));
        for (long n = 1; n <= 5; n++) {
            s.apply(block(n, 'a'));
        }
        assertThat(s.lastProcessed()).isEqualTo(5);
        assertThat(s.oldest()).isEqualTo(3);
        assertThat(s.rememberedNewestFirst()).containsExactly(5L, 4L, 3L);
        assertThat(s.hash(2)).isNull();
        assertThat(s.epochsAfter(0)).isEmpty(); // block 1 fell out of memory
    }

    @Test
    void dayStartsAndParameterChangesAreRetractableLikeReleases() {
        WatcherState s = new WatcherState(10);
        DayStarted day = new DayStarted(DM, 2, 4, 1000, 3, hash(3, 'a'), hash(3, 'f'), 0, 5, false);
        AccountingParameterUpdated quota = new AccountingParameterUpdated(
                DM,
                AccountingParameterUpdated.Parameter.DAILY_SNAPSHOT_QUOTA,
                9,
                0,
                2,
                hash(2, 'a'),
                hash(2, 'f'),
                0,
                5,
                false);
        s.apply(quota);
        s.apply(day);
        s.apply(block(2, 'a'));
        s.apply(block(3, 'a'));
        assertThat(s.accountingAfter(1)).containsExactly(quota, day);
        assertThat(s.accountingAfter(2)).containsExactly(day);
        s.apply(day.retracted(6));
        assertThat(s.accountingAfter(1)).containsExactly(quota);
        s.truncateAfter(1);
        assertThat(s.accountingAfter(0)).isEmpty();
    }

    @Test
    void retractionsRemoveLiveEpochsAndTruncationForgetsOrphans() {
        WatcherState s = new WatcherState(10);
        s.apply(epoch(1, 2, 'a', false));
        s.apply(block(1, 'a'));
        s.apply(block(2, 'a'));
        s.apply(epoch(2, 3, 'a', false));
        s.slotChanged(3, 77);
        s.apply(block(3, 'a'));
        assertThat(s.epochsAfter(1)).extracting(EpochReleased::epochId).containsExactly(1L, 2L);
        assertThat(s.slotsAfter(2)).containsExactly(77L);

        s.apply(epoch(2, 3, 'a', true));
        assertThat(s.epochsAfter(1)).extracting(EpochReleased::epochId).containsExactly(1L);

        s.truncateAfter(1);
        assertThat(s.lastProcessed()).isEqualTo(1);
        assertThat(s.epochsAfter(0)).isEmpty();
        assertThat(s.slotsAfter(0)).isEmpty();
    }

    @Test
    void recoveryRewindKeepsTheNewBranchEpochs() {
        // as written after a reorg at block 1: retraction, new epoch in block 2 (branch b), then marker 2b
        WatcherState s = new WatcherState(10);
        s.apply(block(1, 'a'));
        s.apply(epoch(1, 2, 'a', false));
        s.apply(block(2, 'a'));
        s.apply(block(3, 'a'));
        s.apply(epoch(1, 2, 'a', true));
        s.apply(epoch(1, 2, 'b', false));
        s.rewindHashesAfter(1);
        s.apply(block(2, 'b'));
        assertThat(s.lastProcessed()).isEqualTo(2);
        assertThat(s.hash(2)).isEqualTo(hash(2, 'b'));
        assertThat(s.epochsAfter(1)).extracting(EpochReleased::blockHash).containsExactly(hash(2, 'b'));
    }
}
