package io.powerloom.sequencer.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.protocol.records.AccountingParameterUpdated;
import io.powerloom.sequencer.protocol.records.DayStarted;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.verify.ChainEvent;
import org.junit.jupiter.api.Test;

/** The chain watcher's accounting records become the job's chain events with their market, day, epoch and value. */
class ChainTopicDeserializerTest {
    private static final String M = "0x00000000000000000000000000000000000000a1";
    private static final String H = "0x" + "ab".repeat(32);

    @Test
    void dayStartsAndParameterChanges() throws Exception {
        ChainEvent day = ChainTopicDeserializer.decode(
                RecordCodec.encode(new DayStarted(M, 3, 41, 1700, 55, H, H, 0, 9_000, false)));
        assertThat(day.kind()).isEqualTo(ChainEvent.Kind.DAY_STARTED);
        assertThat(day.dataMarket()).isEqualTo(M);
        assertThat(day.value()).isEqualTo(3);
        assertThat(day.epochId()).isEqualTo(41);
        assertThat(day.observedAtMs()).isEqualTo(9_000);
        assertThat(day.removed()).isFalse();
        assertThat(ChainTopicDeserializer.decode(
                                RecordCodec.encode(new DayStarted(M, 3, 41, 1700, 55, H, H, 0, 9_500, true)))
                        .removed())
                .isTrue();

        ChainEvent quota = ChainTopicDeserializer.decode(RecordCodec.encode(new AccountingParameterUpdated(
                M, AccountingParameterUpdated.Parameter.DAILY_SNAPSHOT_QUOTA, 400, 0, 56, H, H, 1, 9_100, false)));
        assertThat(quota.kind()).isEqualTo(ChainEvent.Kind.QUOTA);
        assertThat(quota.value()).isEqualTo(400);
        ChainEvent size = ChainTopicDeserializer.decode(RecordCodec.encode(new AccountingParameterUpdated(
                M, AccountingParameterUpdated.Parameter.DAY_SIZE, 24_000_000, 20, 57, H, H, 2, 9_200, false)));
        assertThat(size.kind()).isEqualTo(ChainEvent.Kind.DAY_SIZE);
        assertThat(size.value()).isEqualTo(20);
    }
}
