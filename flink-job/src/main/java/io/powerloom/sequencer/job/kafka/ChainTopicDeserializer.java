package io.powerloom.sequencer.job.kafka;

import io.powerloom.sequencer.protocol.records.AccountingParameterUpdated;
import io.powerloom.sequencer.protocol.records.ChainBlock;
import io.powerloom.sequencer.protocol.records.ChainTopicRecord;
import io.powerloom.sequencer.protocol.records.DayStarted;
import io.powerloom.sequencer.protocol.records.EpochReleased;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.RecordFormatException;
import io.powerloom.sequencer.protocol.records.SlotAssignment;
import io.powerloom.sequencer.verify.ChainEvent;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the chain watcher's protocol-chain topic: epoch releases, block heads, slot registrations, day starts and
 * accounting parameter changes. The topic is
 * written by our own watcher, so an unreadable record is logged and skipped (it cannot be a snapshotter's fault).
 */
public class ChainTopicDeserializer implements KafkaRecordDeserializationSchema<ChainEvent> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ChainTopicDeserializer.class);

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ChainEvent> out) {
        try {
            ChainEvent e = decode(record.value());
            if (e != null) {
                out.collect(e);
            }
        } catch (RecordFormatException | RuntimeException e) {
            LOG.warn(
                    "skipping unreadable protocol-chain record at partition {} offset {}: {}",
                    record.partition(),
                    record.offset(),
                    e.getMessage());
        }
    }

    /** Decodes one value of the protocol-chain topic, or returns null for a tombstone. */
    public static ChainEvent decode(byte[] value) throws RecordFormatException {
        if (value == null) {
            return null;
        }
        ChainTopicRecord r = RecordCodec.decodeChainTopic(value);
        if (r instanceof SlotAssignment s) {
            return ChainEvent.slot(
                    s.observedAtMs(),
                    s.slotId(),
                    s.snapshotter().toLowerCase(Locale.ROOT),
                    s.active(),
                    s.blockNumber());
        }
        if (r instanceof EpochReleased e) {
            return ChainEvent.epoch(
                    e.observedAtMs(),
                    e.dataMarket().toLowerCase(Locale.ROOT),
                    e.epochId(),
                    Math.multiplyExact(e.snapshotSubmissionWindow(), 1000L),
                    e.batchSubmissionWindow(),
                    e.blockNumber(),
                    e.removed());
        }
        if (r instanceof DayStarted d) {
            return ChainEvent.dayStarted(
                    d.observedAtMs(),
                    d.dataMarket().toLowerCase(Locale.ROOT),
                    d.dayId(),
                    d.epochId(),
                    d.blockNumber(),
                    d.removed());
        }
        if (r instanceof AccountingParameterUpdated a) {
            String market = a.dataMarket().toLowerCase(Locale.ROOT);
            return a.parameter() == AccountingParameterUpdated.Parameter.DAILY_SNAPSHOT_QUOTA
                    ? ChainEvent.quota(a.observedAtMs(), market, a.value(), a.blockNumber(), a.removed())
                    : ChainEvent.daySize(a.observedAtMs(), market, a.epochsInADay(), a.blockNumber(), a.removed());
        }
        ChainBlock b = (ChainBlock) r;
        return ChainEvent.block(b.observedAtMs(), b.number());
    }

    @Override
    public TypeInformation<ChainEvent> getProducedType() {
        return TypeInformation.of(ChainEvent.class);
    }
}
