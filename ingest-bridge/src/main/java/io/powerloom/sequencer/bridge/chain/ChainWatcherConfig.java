package io.powerloom.sequencer.bridge.chain;

import io.powerloom.sequencer.protocol.records.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link ChainWatcher}.
 *
 * @param rpcUrl               JSON-RPC endpoint of the protocol chain
 * @param protocolStateAddress the protocol-state contract to follow
 * @param startBlock           first block to read when the chain topic is empty (afterwards the topic says where to go on)
 * @param confirmations        a block is processed once {@code head - number >= confirmations}
 * @param maxBlockRange        most blocks read (and written as one Kafka transaction) per poll cycle
 * @param pollInterval         pause between cycles once caught up
 * @param reorgDepth           recent blocks whose hashes are remembered; a deeper reorg stops the watcher
 * @param bootstrapServers     Kafka
 * @param chainTopic           the protocol-chain topic (one partition)
 * @param slotsTopic           the compacted slots topic
 * @param transactionalId      fixed Kafka transactional.id of this watcher (one live instance per id)
 * @param createTopics         create missing topics (chain: 1 partition, no retention limit; slots: compacted)
 * @param topicReplication     replication factor of created topics
 * @param kafkaProperties      extra producer/consumer/admin properties (security settings etc.)
 * @param rpcTimeout           connect/read timeout of one JSON-RPC call
 */
public record ChainWatcherConfig(
        String rpcUrl,
        String protocolStateAddress,
        long startBlock,
        int confirmations,
        int maxBlockRange,
        Duration pollInterval,
        int reorgDepth,
        String bootstrapServers,
        String chainTopic,
        String slotsTopic,
        String transactionalId,
        boolean createTopics,
        short topicReplication,
        Map<String, String> kafkaProperties,
        Duration rpcTimeout) {

    public ChainWatcherConfig {
        Objects.requireNonNull(rpcUrl, "rpcUrl");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(chainTopic, "chainTopic");
        Objects.requireNonNull(slotsTopic, "slotsTopic");
        Objects.requireNonNull(transactionalId, "transactionalId");
        if (protocolStateAddress == null || !protocolStateAddress.matches("0x[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException(
                    "protocolStateAddress must be a 0x 20-byte address: " + protocolStateAddress);
        }
        protocolStateAddress = protocolStateAddress.toLowerCase();
        if (startBlock < 0 || confirmations < 0 || maxBlockRange < 1 || reorgDepth < 1 || topicReplication < 1) {
            throw new IllegalArgumentException(
                    "startBlock >= 0, confirmations >= 0, maxBlockRange >= 1, reorgDepth >= 1"
                            + " and topicReplication >= 1 required");
        }
        if (pollInterval == null
                || pollInterval.isNegative()
                || pollInterval.isZero()
                || rpcTimeout == null
                || rpcTimeout.isNegative()
                || rpcTimeout.isZero()) {
            throw new IllegalArgumentException("pollInterval and rpcTimeout must be positive");
        }
        kafkaProperties = Map.copyOf(Objects.requireNonNullElse(kafkaProperties, Map.of()));
    }

    /** A builder with defaults: 2 confirmations, 500 blocks per cycle, 1 s polls, 128 blocks of reorg memory. */
    public static Builder builder(String rpcUrl, String protocolStateAddress, String bootstrapServers) {
        return new Builder(rpcUrl, protocolStateAddress, bootstrapServers);
    }

    /** Builder for {@link ChainWatcherConfig}. */
    public static final class Builder {
        private final String rpcUrl;
        private final String protocolStateAddress;
        private final String bootstrapServers;
        private long startBlock;
        private int confirmations = 2;
        private int maxBlockRange = 500;
        private Duration pollInterval = Duration.ofSeconds(1);
        private int reorgDepth = 128;
        private String chainTopic = Topics.PROTOCOL_CHAIN;
        private String slotsTopic = Topics.SLOTS;
        private String transactionalId = "chain-watcher-0";
        private boolean createTopics = true;
        private short topicReplication = 1;
        private final Map<String, String> kafkaProperties = new HashMap<>();
        private Duration rpcTimeout = Duration.ofSeconds(20);

        private Builder(String rpcUrl, String protocolStateAddress, String bootstrapServers) {
            this.rpcUrl = rpcUrl;
            this.protocolStateAddress = protocolStateAddress;
            this.bootstrapServers = bootstrapServers;
        }

        public Builder startBlock(long v) {
            startBlock = v;
            return this;
        }

        public Builder confirmations(int v) {
            confirmations = v;
            return this;
        }

        public Builder maxBlockRange(int v) {
            maxBlockRange = v;
            return this;
        }

        public Builder pollInterval(Duration v) {
            pollInterval = v;
            return this;
        }

        public Builder reorgDepth(int v) {
            reorgDepth = v;
            return this;
        }

        public Builder chainTopic(String v) {
            chainTopic = v;
            return this;
        }

        public Builder slotsTopic(String v) {
            slotsTopic = v;
            return this;
        }

        public Builder transactionalId(String v) {
            transactionalId = v;
            return this;
        }

        public Builder createTopics(boolean v) {
            createTopics = v;
            return this;
        }

        public Builder topicReplication(short v) {
            topicReplication = v;
            return this;
        }

        public Builder kafkaProperty(String k, String v) {
            kafkaProperties.put(k, v);
            return this;
        }

        public Builder rpcTimeout(Duration v) {
            rpcTimeout = v;
            return this;
        }

        public ChainWatcherConfig build() {
            return new ChainWatcherConfig(
                    rpcUrl,
                    protocolStateAddress,
                    startBlock,
                    confirmations,
                    maxBlockRange,
                    pollInterval,
                    reorgDepth,
                    bootstrapServers,
                    chainTopic,
                    slotsTopic,
                    transactionalId,
                    createTopics,
                    topicReplication,
                    kafkaProperties,
                    rpcTimeout);
        }
    }
}
