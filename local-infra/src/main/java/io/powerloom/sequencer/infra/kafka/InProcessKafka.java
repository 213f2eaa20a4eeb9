package io.powerloom.sequencer.infra.kafka;

import io.powerloom.sequencer.infra.TempDirs;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker (KRaft, one combined broker+controller node) inside this JVM, for fast JUnit starts.
 *
 * <p>It runs on Kafka's own test kit ({@code KafkaClusterTestKit} from {@code kafka-test-common-runtime}), an
 * internal API of Kafka: this class is the only place that uses it. Settings are those of {@link KafkaBroker}
 * (replication factor and min ISR 1, no automatic topic creation, one-hour maximum transaction time-out). Its
 * data lives in a fresh folder under {@code java.io.tmpdir}, deleted by {@link #close()}.
 */
public final class InProcessKafka implements LocalKafka {
    private final KafkaClusterTestKit cluster;
    private final Path baseDir;

    private InProcessKafka(KafkaClusterTestKit cluster, Path baseDir) {
        this.cluster = cluster;
        this.baseDir = baseDir;
    }

    /**
     * Formats and starts a one-node cluster and waits until its broker is ready.
     *
     * @throws IllegalStateException when it cannot start (the cause says why)
     */
    public static InProcessKafka start() {
        return start(Map.of());
    }

    /** As {@link #start()}, with extra broker settings that override the defaults. */
    public static InProcessKafka start(Map<String, String> extraSettings) {
        Path baseDir = TempDirs.create("kafka-inprocess-");
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(baseDir)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            SingleNodeSettings.brokerSettings().forEach(builder::setConfigProp);
            extraSettings.forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new InProcessKafka(cluster, baseDir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(cluster, baseDir);
            throw new IllegalStateException("interrupted while starting the in-process Kafka broker", e);
        } catch (Exception e) {
            closeQuietly(cluster, baseDir);
            throw new IllegalStateException("in-process Kafka broker did not start: " + e.getMessage(), e);
        }
    }

    @Override
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Stops the broker and controller threads and deletes the data folder. */
    @Override
    public void close() {
        try {
            cluster.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the in-process Kafka broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("in-process Kafka broker did not stop cleanly: " + e.getMessage(), e);
        } finally {
            TempDirs.deleteRecursively(baseDir);
        }
    }

    private static void closeQuietly(KafkaClusterTestKit cluster, Path baseDir) {
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception suppressed) {
                // already failing: keep the original error
            }
        }
        try {
            TempDirs.deleteRecursively(baseDir);
        } catch (RuntimeException suppressed) {
            // best effort
        }
    }
}
