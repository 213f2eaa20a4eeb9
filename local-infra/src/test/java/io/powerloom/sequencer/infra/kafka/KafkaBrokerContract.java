package io.powerloom.sequencer.infra.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;

/**
 * What every local broker must do for the sequencer, run against both kinds ({@link InProcessKafkaITCase},
 * {@link KafkaBrokerITCase}): topics, idempotent produce, consumer groups, transactions with read_committed.
 */
abstract class KafkaBrokerContract {

    abstract KafkaExtension kafka();

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void createsTopicsWithPartitionsAndCompaction() throws Exception {
        kafka().createTopic("t-plain", 4);
        kafka().createCompactedTopic("t-compacted", 2);

        Map<String, TopicDescription> described = kafka().admin()
                .describeTopics(List.of("t-plain", "t-compacted"))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS);
        assertThat(described.get("t-plain").partitions()).hasSize(4);
        assertThat(described.get("t-compacted").partitions()).hasSize(2);
        assertThat(described.get("t-plain").partitions().get(0).replicas()).hasSize(1);

        ConfigResource compacted = new ConfigResource(ConfigResource.Type.TOPIC, "t-compacted");
        ConfigResource plain = new ConfigResource(ConfigResource.Type.TOPIC, "t-plain");
        var configs =
                kafka().admin().describeConfigs(List.of(compacted, plain)).all().get(10, TimeUnit.SECONDS);
        assertThat(configs.get(compacted).get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
                .isEqualTo("compact");
        assertThat(configs.get(plain).get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
                .isEqualTo("delete");
    }

    @Test
    void creatingAnExistingTopicFailsWithTheReason() {
        kafka().createTopic("t-twice", 1);
        assertThatThrownBy(() -> kafka().createTopic("t-twice", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("t-twice")
                .hasCauseInstanceOf(TopicExistsException.class);
    }

    @Test
    void idempotentProducerWithAcksAllKeepsPerKeyOrderWithoutDuplicates() throws Exception {
        kafka().createTopic("t-idem", 3);
        Properties props = kafka().producerProperties();
        assertThat(props.get("acks")).isEqualTo("all");
        assertThat(props.get("enable.idempotence")).isEqualTo("true");

        int perKey = 200;
        List<String> keys = List.of("1", "2", "3", "4", "5");
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = kafka().newProducer()) {
            for (int i = 0; i < perKey; i++) {
                for (String key : keys) {
                    acks.add(producer.send(new ProducerRecord<>("t-idem", key, bytes(key + ":" + i))));
                }
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                assertThat(ack.get(30, TimeUnit.SECONDS).hasOffset()).isTrue();
            }
        }

        List<ConsumerRecord<String, byte[]>> got =
                kafka().readAll("t-idem", keys.size() * perKey, Duration.ofSeconds(30));
        assertThat(got).hasSize(keys.size() * perKey);
        Map<String, List<ConsumerRecord<String, byte[]>>> byKey =
                got.stream().collect(Collectors.groupingBy(ConsumerRecord::key));
        for (String key : keys) {
            List<ConsumerRecord<String, byte[]>> records = byKey.get(key);
            assertThat(records.stream().map(ConsumerRecord::partition).distinct())
                    .hasSize(1);
            List<String> values =
                    records.stream().map(r -> new String(r.value(), UTF_8)).collect(Collectors.toList());
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perKey; i++) {
                expected.add(key + ":" + i);
            }
            assertThat(values).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void sendsToAnExplicitPartitionAsHeartbeatsDo() {
        kafka().createTopic("t-hb", 4);
        for (int p = 0; p < 4; p++) {
            RecordMetadata md =
                    kafka().send(new ProducerRecord<>("t-hb", p, 1_000L + p, "hb", bytes("{\"partition\":" + p + "}")));
            assertThat(md.partition()).isEqualTo(p);
        }
        List<ConsumerRecord<String, byte[]>> got = kafka().readAll("t-hb", 4, Duration.ofSeconds(20));
        assertThat(got).hasSize(4);
        for (ConsumerRecord<String, byte[]> r : got) {
            assertThat(new String(r.value(), UTF_8)).isEqualTo("{\"partition\":" + r.partition() + "}");
            assertThat(r.timestamp()).isEqualTo(1_000L + r.partition());
        }
    }

    @Test
    void consumerGroupCommitsOffsets() throws Exception {
        kafka().createTopic("t-group", 2);
        for (int i = 0; i < 10; i++) {
            kafka().send("t-group", Integer.toString(i), bytes("v" + i));
        }
        int seen = 0;
        try (KafkaConsumer<String, byte[]> consumer = kafka().newConsumer("g-1")) {
            consumer.subscribe(List.of("t-group"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen < 10 && System.nanoTime() < deadline) {
                seen += consumer.poll(Duration.ofMillis(200)).count();
            }
            consumer.commitSync(Duration.ofSeconds(10));
        }
        assertThat(seen).isEqualTo(10);
        Map<TopicPartition, OffsetAndMetadata> committed = kafka().admin()
                .listConsumerGroupOffsets("g-1")
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        assertThat(committed.values().stream()
                        .mapToLong(OffsetAndMetadata::offset)
                        .sum())
                .isEqualTo(10);
    }

    @Test
    void transactionalProducerIsSeenByReadCommittedConsumersOnlyAfterCommit() throws Exception {
        kafka().createTopic("t-tx", 2);
        try (KafkaProducer<String, byte[]> producer = kafka().newTransactionalProducer("tx-test-1")) {
            producer.beginTransaction();
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("t-tx", "k" + i, bytes("committed-" + i)));
            }
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("t-tx", "k0", bytes("aborted-0")));
            producer.send(new ProducerRecord<>("t-tx", "k1", bytes("aborted-1")));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("t-tx", "k2", bytes("open-0")));
            producer.flush();
            // still open: a read_committed consumer must not see it yet
            List<String> whileOpen = values(kafka().readAll("t-tx", 4, Duration.ofSeconds(3)));
            assertThat(whileOpen).containsExactlyInAnyOrder("committed-0", "committed-1", "committed-2");
            producer.commitTransaction();
        }

        List<String> committed = values(kafka().readAll("t-tx", 4, Duration.ofSeconds(20)));
        assertThat(committed).containsExactlyInAnyOrder("committed-0", "committed-1", "committed-2", "open-0");

        Properties uncommitted = kafka().consumerProperties("unused");
        uncommitted.remove(ConsumerConfig.GROUP_ID_CONFIG);
        uncommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        List<String> all = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(uncommitted)) {
            List<TopicPartition> tps = List.of(new TopicPartition("t-tx", 0), new TopicPartition("t-tx", 1));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (all.size() < 6 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> all.add(new String(r.value(), UTF_8)));
            }
        }
        assertThat(all)
                .containsExactlyInAnyOrder(
                        "committed-0", "committed-1", "committed-2", "aborted-0", "aborted-1", "open-0");
    }

    @Test
    void transactionsMayLastOneHourButNotLonger() {
        kafka().createTopic("t-tx-long", 1);
        Properties props = kafka().producerProperties();
        props.put("transactional.id", "tx-long");
        props.put("transaction.timeout.ms", Long.toString(SingleNodeSettings.TRANSACTION_MAX_TIMEOUT_MS));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions(); // Kafka's default maximum (15 min) would reject this
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("t-tx-long", "k", bytes("v")));
            producer.commitTransaction();
        }
        assertThat(values(kafka().readAll("t-tx-long", 1, Duration.ofSeconds(20))))
                .containsExactly("v");

        props.put("transactional.id", "tx-too-long");
        props.put("transaction.timeout.ms", Long.toString(SingleNodeSettings.TRANSACTION_MAX_TIMEOUT_MS + 1));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            assertThatThrownBy(producer::initTransactions)
                    .isInstanceOf(KafkaException.class)
                    .hasMessageContaining("transaction.max.timeout.ms");
        }
    }

    private static List<String> values(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), UTF_8)).collect(Collectors.toList());
    }
}
