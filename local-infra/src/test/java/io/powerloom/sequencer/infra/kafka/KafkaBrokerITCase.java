package io.powerloom.sequencer.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.infra.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker contract against {@link KafkaBroker} (own JVM), plus its life cycle: restart, stop, bad set-up. */
class KafkaBrokerITCase extends KafkaBrokerContract {

    @RegisterExtension
    static final KafkaExtension KAFKA = KafkaExtension.ownJvm();

    @Override
    KafkaExtension kafka() {
        return KAFKA;
    }

    @Test
    void runsInAJvmOfItsOwn() {
        KafkaBroker broker = (KafkaBroker) KAFKA.broker();
        assertThat(broker.pid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(ProcessHandle.of(broker.pid()).map(ProcessHandle::isAlive)).contains(true);
        assertThat(broker.dataDir().resolve("broker.log")).content().contains("Kafka Server started");
        assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
        assertThat(Files.exists(broker.dataDir().resolve("kraft-logs/meta.properties")))
                .isTrue();
    }

    @Test
    void restartOverTheSameFolderKeepsTopicsRecordsAndPortAndStopLeavesNoProcess() throws Exception {
        Path dir = TempDirs.create("kafka-restart-");
        try {
            String bootstrap;
            long firstPid;
            long t0 = System.nanoTime();
            try (KafkaBroker broker = KafkaBroker.builder(dir).build().start()) {
                System.out.printf(
                        "KafkaBroker cold start (format + start): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                bootstrap = broker.bootstrapServers();
                firstPid = broker.pid();
                try (Admin admin = Admin.create(adminProps(bootstrap))) {
                    admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1)))
                            .all()
                            .get(30, TimeUnit.SECONDS);
                }
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap))) {
                    producer.send(new ProducerRecord<>("kept", "k", "before-restart"))
                            .get(30, TimeUnit.SECONDS);
                }
            }
            assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false))
                    .isFalse();

            long t1 = System.nanoTime();
            try (KafkaBroker again = KafkaBroker.builder(dir).build().start()) {
                System.out.printf("KafkaBroker warm restart: %d ms%n", (System.nanoTime() - t1) / 1_000_000);
                assertThat(again.bootstrapServers()).isEqualTo(bootstrap);
                assertThat(readFromStart(bootstrap, "kept", 1)).containsExactly("before-restart");
            }

            int oldPort = Integer.parseInt(bootstrap.substring(bootstrap.indexOf(':') + 1));
            try (java.net.ServerSocket taken =
                            new java.net.ServerSocket(oldPort, 1, java.net.InetAddress.getLoopbackAddress());
                    KafkaBroker moved = KafkaBroker.builder(dir).build().start()) {
                assertThat(moved.bootstrapServers()).isNotEqualTo(bootstrap);
                assertThat(readFromStart(moved.bootstrapServers(), "kept", 1)).containsExactly("before-restart");
            }
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void aBrokerThatCannotStartFailsWithItsLog() {
        Path dir = TempDirs.create("kafka-broken-");
        try {
            KafkaBroker broken = KafkaBroker.builder(dir)
                    .classpath(dir.resolve("no-such.jar").toString())
                    .startTimeout(Duration.ofSeconds(30))
                    .build();
            assertThatThrownBy(broken::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with code")
                    .hasMessageContaining(KafkaServerMain.class.getName());
            assertThat(broken.isRunning()).isFalse();
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void aBusyRequestedPortFailsWithTheReason() throws Exception {
        Path dir = TempDirs.create("kafka-busy-");
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            KafkaBroker broker = KafkaBroker.builder(dir)
                    .port(busy.getLocalPort())
                    .startTimeout(Duration.ofSeconds(60))
                    .build();
            assertThatThrownBy(broker::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Address already in use");
            assertThat(broker.isRunning()).isFalse();
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void builderRejectsBadOptions() {
        Path dir = Path.of("unused");
        assertThatThrownBy(() -> KafkaBroker.builder(dir).port(70000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KafkaBroker.builder(dir).maxHeap("lots")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KafkaBroker.builder(dir).classpath(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    private static Properties adminProps(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    private static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    private static List<String> readFromStart(String bootstrap, String topic, int count) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                }
            }
        }
        return out;
    }
}
