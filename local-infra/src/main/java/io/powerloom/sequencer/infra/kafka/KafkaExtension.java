package io.powerloom.sequencer.infra.kafka;

import io.powerloom.sequencer.infra.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs a real single-node Kafka broker for a test class, with small helpers for
 * topics, producers and consumers.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaExtension kafka = new KafkaExtension();            // in-process, fast
 * // static final KafkaExtension kafka = KafkaExtension.ownJvm();     // a broker JVM of its own
 *
 * kafka.createTopic("submissions", 4);
 * kafka.send("submissions", "7", json);
 * List<ConsumerRecord<String, byte[]>> got = kafka.readAll("submissions", 1, Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Registered on a static field (or with {@code @ExtendWith}, then injected as a test method parameter) the
 * broker lives for the whole class; on an instance field, for one test. Keys are strings (slot ids, {@code hb},
 * addresses), values bytes (the UTF-8 JSON records). Producers are idempotent with {@code acks=all}; consumers
 * read committed data only, as consumers of the Flink job's exactly-once topics must.
 */
public final class KafkaExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** Where the broker runs. */
    public enum Mode {
        /** {@link InProcessKafka}: Kafka's test kit in this JVM, the quicker to start. */
        IN_PROCESS,
        /** {@link KafkaBroker}: a JVM of its own, as in the local network. */
        OWN_JVM
    }

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final Mode mode;
    private LocalKafka kafka;
    private Admin admin;
    private Path dataDir;
    private boolean classScoped;

    /** An extension with an in-process broker. */
    public KafkaExtension() {
        this(Mode.IN_PROCESS);
    }

    /** An extension with a broker of the given {@code mode}. */
    public KafkaExtension(Mode mode) {
        this.mode = mode;
    }

    /** An extension whose broker runs in its own JVM ({@link KafkaBroker}). */
    public static KafkaExtension ownJvm() {
        return new KafkaExtension(Mode.OWN_JVM);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        classScoped = true;
        startBroker();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopBroker();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!classScoped) {
            startBroker();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!classScoped) {
            stopBroker();
        }
    }

    private void startBroker() {
        if (mode == Mode.IN_PROCESS) {
            kafka = InProcessKafka.start();
        } else {
            dataDir = TempDirs.create("kafka-broker-");
            kafka = KafkaBroker.builder(dataDir).build().start();
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        admin = Admin.create(p);
    }

    private void stopBroker() {
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
        } finally {
            admin = null;
            try {
                if (kafka != null) {
                    kafka.close();
                }
            } finally {
                kafka = null;
                keepBrokerLogAndDelete(dataDir);
                dataDir = null;
            }
        }
    }

    /** Keeps the broker's log next to its data folder ({@code <folder>.log}) for diagnosis, and deletes the folder. */
    private static void keepBrokerLogAndDelete(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            Path log = dir.resolve("broker.log");
            if (java.nio.file.Files.exists(log)) {
                java.nio.file.Files.move(
                        log,
                        dir.resolveSibling(dir.getFileName() + ".log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (java.io.IOException e) {
            // diagnosis only
        }
        TempDirs.deleteRecursively(dir);
    }

    /** The running broker. */
    public LocalKafka broker() {
        if (kafka == null) {
            throw new IllegalStateException(
                    "Kafka broker not started: register KafkaExtension with @RegisterExtension or @ExtendWith");
        }
        return kafka;
    }

    /** Which kind of broker this extension runs. */
    public Mode mode() {
        return mode;
    }

    /** {@code bootstrap.servers} of the running broker. */
    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** An admin client shared by the tests of this class (do not close it). */
    public Admin admin() {
        broker();
        return admin;
    }

    /** Creates a topic with {@code partitions} partitions (replication factor 1) and waits for it. */
    public void createTopic(String name, int partitions) {
        createTopic(new NewTopic(name, partitions, (short) 1));
    }

    /** Creates a log-compacted topic (as the {@code slots} topic) and waits for it. */
    public void createCompactedTopic(String name, int partitions) {
        createTopic(new NewTopic(name, partitions, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    }

    /** Creates {@code topic} as given and waits until every partition has a leader. */
    public void createTopic(NewTopic topic) {
        try {
            admin().createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitLeaders(topic.name());
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("topic " + topic.name() + " not created within " + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic.name(), e);
        }
    }

    private void awaitLeaders(String name) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            try {
                TopicDescription d = admin().describeTopics(List.of(name))
                        .allTopicNames()
                        .get(5, TimeUnit.SECONDS)
                        .get(name);
                if (d != null
                        && !d.partitions().isEmpty()
                        && d.partitions().stream()
                                .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    // the metadata names a leader a moment before the leader's log exists; a produce in between
                    // fails, and an idempotent producer with several batches in flight may then get stuck
                    // (OutOfOrderSequenceException). ListOffsets is answered by the leader's log itself.
                    Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                    d.partitions()
                            .forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest()));
                    admin().listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // metadata not propagated yet
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topic " + name + " has no leader for every partition");
            }
            Thread.sleep(50);
        }
    }

    /** Producer settings: idempotent, {@code acks=all}, string keys, byte values. */
    public Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        return p;
    }

    /** A new producer with {@link #producerProperties()}; the caller closes it. */
    public KafkaProducer<String, byte[]> newProducer() {
        return new KafkaProducer<>(producerProperties());
    }

    /**
     * A new transactional producer ({@code transactional.id} = {@code transactionalId}), already initialised
     * with {@code initTransactions()}; the caller closes it.
     */
    public KafkaProducer<String, byte[]> newTransactionalProducer(String transactionalId) {
        Properties p = producerProperties();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p);
        producer.initTransactions();
        return producer;
    }

    /** Consumer settings: group {@code groupId}, from the earliest offset, {@code read_committed}, no auto commit. */
    public Properties consumerProperties(String groupId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /** A new consumer with {@link #consumerProperties(String)}; the caller closes it. */
    public KafkaConsumer<String, byte[]> newConsumer(String groupId) {
        return new KafkaConsumer<>(consumerProperties(groupId));
    }

    /** Sends one record and waits for the broker's acknowledgement. */
    public RecordMetadata send(String topic, String key, byte[] value) {
        return send(new ProducerRecord<>(topic, key, value));
    }

    /** Sends one record (e.g. to an explicit partition) and waits for the broker's acknowledgement. */
    public RecordMetadata send(ProducerRecord<String, byte[]> record) {
        try (KafkaProducer<String, byte[]> producer = newProducer()) {
            return producer.send(record).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "send to " + record.topic() + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("send to " + record.topic() + " not acknowledged in 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + record.topic(), e);
        }
    }

    /**
     * Reads committed records of every partition of {@code topic} from the beginning, without a consumer group,
     * until {@code count} records arrived or {@code timeout} passed, then returns what arrived (possibly fewer:
     * assert on the result).
     */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic, int count, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        withReaderAtStart(topic, timeout, (consumer, assigned) -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        });
        return out;
    }

    /**
     * Reads every committed record of {@code topic}, from the beginning of each partition to its end as it stands
     * when called. For topics whose writer has finished (a bounded job, a flushed bridge): it returns as soon as the
     * end is reached, where {@link #readAll} would wait out its timeout to show that nothing more arrives.
     */
    public List<ConsumerRecord<String, byte[]>> readToEnd(String topic, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        withReaderAtStart(topic, timeout, (consumer, assigned) -> {
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (assigned.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "topic " + topic + " not read to its end " + end + " in " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        });
        return out;
    }

    /** Runs {@code read} with a group-less consumer assigned to every partition of {@code topic}, at their start. */
    private void withReaderAtStart(
            String topic,
            Duration timeout,
            java.util.function.BiConsumer<KafkaConsumer<String, byte[]>, List<TopicPartition>> read) {
        Properties p = consumerProperties("unused");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafka-extension-reader-" + UUID.randomUUID());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(pi -> new TopicPartition(pi.topic(), pi.partition()))
                    .collect(Collectors.toList());
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            read.accept(consumer, assigned);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        // only a class-wide registration injects itself, so that a per-test one on a field does not compete
        return classScoped && parameterContext.getParameter().getType() == KafkaExtension.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return this;
    }
}
