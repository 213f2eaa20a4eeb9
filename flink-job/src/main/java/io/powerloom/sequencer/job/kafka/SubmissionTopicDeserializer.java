package io.powerloom.sequencer.job.kafka;

import io.powerloom.sequencer.protocol.records.Heartbeat;
import io.powerloom.sequencer.protocol.records.RecordCodec;
import io.powerloom.sequencer.protocol.records.RecordFormatException;
import io.powerloom.sequencer.protocol.records.SubmissionEnvelope;
import io.powerloom.sequencer.protocol.records.SubmissionTopicRecord;
import io.powerloom.sequencer.verify.CollectedRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the bridge's submissions topic. Nothing here throws: a record that does not decode becomes an
 * {@link CollectedRecord.Kind#UNDECODABLE} record that the verify stage rejects with its reason, so one bad record
 * never stops the job.
 */
public class SubmissionTopicDeserializer implements KafkaRecordDeserializationSchema<CollectedRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<CollectedRecord> out) {
        out.collect(decode(record.value(), record.partition(), record.offset(), record.timestamp()));
    }

    /** Decodes one value; {@code kafkaTimestamp} stands in as event time when the value is unreadable. */
    public static CollectedRecord decode(byte[] value, int partition, long offset, long kafkaTimestamp) {
        if (value == null) {
            return undecodable(partition, offset, kafkaTimestamp, "null value (tombstone)");
        }
        try {
            SubmissionTopicRecord r = RecordCodec.decodeSubmissionTopic(value);
            if (r instanceof SubmissionEnvelope e) {
                return new CollectedRecord(
                        CollectedRecord.Kind.SUBMISSION,
                        e.submissionId(),
                        e.peerId(),
                        e.receivedAtMs(),
                        e.submission(),
                        partition,
                        offset,
                        null);
            }
            Heartbeat h = (Heartbeat) r;
            return new CollectedRecord(
                    CollectedRecord.Kind.HEARTBEAT, null, null, h.receivedAtMs(), null, partition, offset, null);
        } catch (RecordFormatException | RuntimeException e) {
            return undecodable(partition, offset, kafkaTimestamp, e.getMessage());
        }
    }

    private static CollectedRecord undecodable(int partition, long offset, long ts, String why) {
        return new CollectedRecord(CollectedRecord.Kind.UNDECODABLE, null, null, ts, null, partition, offset, why);
    }

    @Override
    public TypeInformation<CollectedRecord> getProducedType() {
        return TypeInformation.of(CollectedRecord.class);
    }
}
