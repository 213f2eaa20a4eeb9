package io.powerloom.sequencer.bridge;

import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration file of a bridge run as a process of its own, as {@link IngestBridgeProcessITCase} and
 * {@link DockerfileEntryCommandITCase} start it.
 */
final class BridgeProcessConfig {
    private BridgeProcessConfig() {}

    /**
     * Creates the topics {@code <prefix>-submissions} (2 partitions) and {@code <prefix>-rejects} (1) and returns the
     * lines of a {@code bridge.properties} that uses them, listens on loopback at the given ports and sends heartbeats
     * every 300 ms; callers may add lines.
     */
    static List<String> lines(
            KafkaExtension kafka, String prefix, String bridgeId, Path identityKey, int p2pPort, int httpPort) {
        kafka.createTopic(prefix + "-submissions", 2);
        kafka.createTopic(prefix + "-rejects", 1);
        return new ArrayList<>(List.of(
                "bridge.id=" + bridgeId,
                "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "kafka.topic.submissions=" + prefix + "-submissions",
                "kafka.topic.rejects=" + prefix + "-rejects",
                "libp2p.listen=/ip4/127.0.0.1/tcp/" + p2pPort,
                "libp2p.identity.key.file=" + identityKey,
                "http.listen=127.0.0.1:" + httpPort,
                "heartbeat.interval=300ms"));
    }
}
