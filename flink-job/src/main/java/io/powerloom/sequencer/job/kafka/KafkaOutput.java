package io.powerloom.sequencer.job.kafka;

import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Exactly-once Kafka sinks for the job's outputs: each record's key and value come from {@link OutputRecords}. */
public final class KafkaOutput {
    private KafkaOutput() {}

    /**
     * A transactional sink: records become visible to {@code read_committed} consumers when the checkpoint that
     * covers them completes, so a restore never duplicates them.
     */
    public static <T> KafkaSink<T> exactlyOnce(
            String bootstrap,
            String topic,
            String transactionalIdPrefix,
            SerializableFunction<T, byte[]> key,
            SerializableFunction<T, byte[]> value) {
        Properties props = new Properties();
        // must exceed the checkpoint interval plus recovery time, and stay below the broker's max (15 min default)
        props.setProperty("transaction.timeout.ms", "600000");
        // the outputs come in bursts at each window close (an epoch's project results, then its batches): larger
        // batches, compressed, mean fewer and smaller requests for the broker, which shares the machine's cores
        props.setProperty("compression.type", "snappy");
        props.setProperty("batch.size", Integer.toString(256 * 1024));
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrap)
                .setKafkaProducerConfig(props)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setRecordSerializer(new Serializer<>(topic, key, value))
                .build();
    }

    static final class Serializer<T> implements KafkaRecordSerializationSchema<T> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private final SerializableFunction<T, byte[]> key;
        private final SerializableFunction<T, byte[]> value;

        Serializer(String topic, SerializableFunction<T, byte[]> key, SerializableFunction<T, byte[]> value) {
            this.topic = topic;
            this.key = key;
            this.value = value;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {}

        @Override
        public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, null, timestamp, key.apply(element), value.apply(element));
        }
    }
}
