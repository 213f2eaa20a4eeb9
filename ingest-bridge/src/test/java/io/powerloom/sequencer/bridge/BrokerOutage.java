package io.powerloom.sequencer.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.powerloom.sequencer.bridge.load.SignedSubmissions;
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
 * {@link PingUnderKafkaStallITCase}).
 */
final class BrokerOutage {
    private BrokerOutage() {}

    /** Creates {@code submissions} with {@code partitions} partitions and {@code submissions-rejected} with one. */
    static void createTopics(String bootstrapServers, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic("submissions", partitions, (short) 1),
                    new NewTopic("submissions-rejected", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Starts a bridge on the broker, listening on free loopback ports (libp2p and HTTP), its identity key in
     * {@code work}, heartbeats every {@code heartbeatInterval}, with {@code settings} on top.
     */
    static IngestBridge startBridge(String bootstrapServers, Path work, String heartbeatInterval,
            Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of(
                "kafka.bootstrap.servers", bootstrapServers,
                "heartbeat.interval", heartbeatInterval,
                "libp2p.listen", "/ip4/127.0.0.1/tcp/0",
                "libp2p.identity.key.file", work.resolve("id.key").toString(),
                "http.listen", "127.0.0.1:0"));
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
