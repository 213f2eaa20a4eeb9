package io.powerloom.sequencer.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.powerloom.sequencer.bridge.load.SignedSubmissions;
import io.powerloom.sequencer.infra.TempDirs;
import io.powerloom.sequencer.infra.kafka.InProcessKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * What the ITCases that stop the broker under a running bridge share ({@link KafkaOutageITCase},
 * {@link PingUnderKafkaStallITCase}): an in-process broker with the topics, a bridge on it, {@link #stopBroker()};
 * closing stops the bridge and what is left of the broker and deletes the bridge's folder.
 */
final class BrokerOutage implements AutoCloseable {
    private final Path work;
    private InProcessKafka kafka;
    private IngestBridge bridge;

    private BrokerOutage(Path work, InProcessKafka kafka) {
        this.work = work;
        this.kafka = kafka;
    }

    /**
     * Starts the broker with {@code submissions} of {@code partitions} partitions and a bridge on it
     * (listening on free loopback ports, heartbeats every {@code heartbeatInterval}, {@code settings} on top), its folder a new temporary one named {@code name...}.
     */
    static BrokerOutage start(String name, int partitions, String heartbeatInterval, Map<String, String> settings)
            throws Exception {
        BrokerOutage outage = new BrokerOutage(TempDirs.create(name), InProcessKafka.start());
        try {
            createTopics(outage.kafka.bootstrapServers(), partitions);
            outage.bridge = startBridge(outage.kafka.bootstrapServers(), outage.work, heartbeatInterval, settings);
            return outage;
        } catch (Exception | Error e) {
            outage.close();
            throw e;
        }
    }

    IngestBridge bridge() {
        return bridge;
    }

    /** Stops the broker under the running bridge. */
    void stopBroker() {
        kafka.close();
        kafka = null;
    }

    @Override
    public void close() throws Exception {
        try {
            if (bridge != null) {
                bridge.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            TempDirs.deleteRecursively(work);
        }
    }

    /** Creates {@code submissions} with {@code partitions} partitions and {@code submissions-rejected} with one. */
    private static void createTopics(String bootstrapServers, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(
                            new NewTopic("submissions", partitions, (short) 1),
                            new NewTopic("submissions-rejected", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Starts a bridge on the broker, listening on free loopback ports (libp2p and HTTP), its identity key in
     * {@code work}, heartbeats every {@code heartbeatInterval}, with {@code settings} on top.
     */
    private static IngestBridge startBridge(
            String bootstrapServers, Path work, String heartbeatInterval, Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of(
                "kafka.bootstrap.servers",
                bootstrapServers,
                "heartbeat.interval",
                heartbeatInterval,
                "libp2p.listen",
                "/ip4/127.0.0.1/tcp/0",
                "libp2p.identity.key.file",
                work.resolve("id.key").toString(),
                "http.listen",
                "127.0.0.1:0"));
        all.putAll(settings);
        return IngestBridge.start(BridgeConfig.of(all));
    }

    /** {@code count} signed go-JSON submissions of slot 1 (epoch and project i), each after a UUID. */
    static ByteBuf collectBatch(int count) {
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < count; i++) {
            batch.append(UUID.randomUUID())
                    .append(new String(SignedSubmissions.goJson(1, i, i), StandardCharsets.UTF_8));
        }
        return Unpooled.wrappedBuffer(batch.toString().getBytes(StandardCharsets.UTF_8));
    }
}
