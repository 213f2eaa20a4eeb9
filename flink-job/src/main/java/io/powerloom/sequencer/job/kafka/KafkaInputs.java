package io.powerloom.sequencer.job.kafka;

import io.powerloom.sequencer.job.SequencerConfig;
import io.powerloom.sequencer.job.SequencerConfig.KafkaPosition;
import io.powerloom.sequencer.verify.ChainEvent;
import io.powerloom.sequencer.verify.CollectedRecord;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

/**
 * The job's Kafka sources. The submissions source starts and stops where {@code sequencer.kafka.start-from} and
 * {@code sequencer.kafka.stop-at} say (replays); the protocol-chain topic is always read from its beginning, so the
 * slot registry, block heads and epoch releases a replayed epoch needs are always there.
 */
public final class KafkaInputs {
    private KafkaInputs() {}

    public static KafkaSource<CollectedRecord> submissions(SequencerConfig cfg) {
        String topic = cfg.get(SequencerConfig.TOPIC_SUBMISSIONS);
        KafkaSourceBuilder<CollectedRecord> b = KafkaSource.<CollectedRecord>builder()
                .setBootstrapServers(cfg.get(SequencerConfig.KAFKA_BOOTSTRAP))
                .setTopics(topic)
                .setGroupId(cfg.get(SequencerConfig.KAFKA_GROUP))
                .setDeserializer(new SubmissionTopicDeserializer())
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "true")
                .setStartingOffsets(startingOffsets(topic, cfg.get(SequencerConfig.START_FROM)));
        OffsetsInitializer stop = stoppingOffsets(topic, cfg.get(SequencerConfig.STOP_AT));
        if (stop != null) {
            b.setBounded(stop);
        }
        return b.build();
    }

    public static KafkaSource<ChainEvent> chain(SequencerConfig cfg) {
        KafkaSourceBuilder<ChainEvent> b = KafkaSource.<ChainEvent>builder()
                .setBootstrapServers(cfg.get(SequencerConfig.KAFKA_BOOTSTRAP))
                .setTopics(cfg.get(SequencerConfig.TOPIC_CHAIN))
                .setGroupId(cfg.get(SequencerConfig.KAFKA_GROUP) + "-chain")
                .setDeserializer(new ChainTopicDeserializer())
                .setProperty("isolation.level", "read_committed")
                .setStartingOffsets(OffsetsInitializer.earliest());
        if (!cfg.get(SequencerConfig.STOP_AT).isNone()) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /** {@code committed-or-earliest | earliest | latest | timestamp:<ms> | offsets:<p>=<o>,...}. */
    public static OffsetsInitializer startingOffsets(String topic, KafkaPosition from) {
        return switch (from.kind()) {
            case COMMITTED_OR_EARLIEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case TIMESTAMP -> OffsetsInitializer.timestamp(Long.parseLong(from.argument()));
            case OFFSETS -> OffsetsInitializer.offsets(offsets(topic, from.argument()), OffsetResetStrategy.EARLIEST);
            case NONE -> throw new IllegalArgumentException(SequencerConfig.START_FROM.key() + ": 'none' is no start");
        };
    }

    /** {@code none | latest | timestamp:<ms> | offsets:<p>=<o>,...}; null for none (unbounded). */
    public static OffsetsInitializer stoppingOffsets(String topic, KafkaPosition stop) {
        return switch (stop.kind()) {
            case NONE -> null;
            case LATEST -> OffsetsInitializer.latest();
            case TIMESTAMP -> OffsetsInitializer.timestamp(Long.parseLong(stop.argument()));
            case OFFSETS -> OffsetsInitializer.offsets(offsets(topic, stop.argument()));
            case EARLIEST, COMMITTED_OR_EARLIEST ->
                throw new IllegalArgumentException(SequencerConfig.STOP_AT.key() + ": '" + stop + "' is no stop");
        };
    }

    static Map<TopicPartition, Long> offsets(String topic, String list) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (String part : list.split(",")) {
            String[] kv = part.trim().split("=");
            if (kv.length != 2) {
                throw new IllegalArgumentException("offsets must look like 0=120,1=98: '" + part + "'");
            }
            offsets.put(new TopicPartition(topic, Integer.parseInt(kv[0].trim())), Long.parseLong(kv[1].trim()));
        }
        return offsets;
    }
}
