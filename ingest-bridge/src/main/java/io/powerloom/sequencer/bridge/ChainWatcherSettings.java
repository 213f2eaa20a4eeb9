package io.powerloom.sequencer.bridge;

import io.powerloom.sequencer.bridge.chain.ChainWatcherConfig;
import io.powerloom.sequencer.config.ConfigException;
import java.util.Locale;

/**
 * Turns the chain watcher's options of the bridge configuration ({@code sequencer.chain-watcher.*} and the shared
 * {@code sequencer.chain.*} and topic options, declared in {@link BridgeConfig}) into a {@link ChainWatcherConfig}.
 * The watcher runs when {@code sequencer.chain-watcher.enabled} is true, by default when
 * {@code sequencer.chain.rpc-url} is set.
 */
public final class ChainWatcherSettings {
    private ChainWatcherSettings() {}

    /** Whether the configuration asks for a chain watcher. */
    public static boolean enabled(BridgeConfig config) {
        Boolean enabled = config.get(BridgeConfig.CHAIN_WATCHER_ENABLED);
        if (enabled != null) {
            return enabled;
        }
        return config.isSet(BridgeConfig.RPC_URL)
                && !config.get(BridgeConfig.RPC_URL).isBlank();
    }

    /**
     * The watcher's configuration.
     *
     * @throws ConfigException naming the key when one is missing or malformed
     */
    public static ChainWatcherConfig from(BridgeConfig config) {
        String protocolState = config.get(BridgeConfig.PROTOCOL_STATE);
        if (protocolState == null || protocolState.isBlank()) {
            throw new ConfigException(BridgeConfig.PROTOCOL_STATE.key(), "required when the chain watcher is enabled");
        }
        String rpc = config.get(BridgeConfig.RPC_URL).trim();
        ChainWatcherConfig.Builder b = ChainWatcherConfig.builder(
                        rpc, protocolState.trim().toLowerCase(Locale.ROOT), config.kafkaBootstrapServers())
                .startBlock(config.get(BridgeConfig.CHAIN_START_BLOCK))
                .confirmations(config.get(BridgeConfig.CHAIN_CONFIRMATIONS))
                .maxBlockRange(config.get(BridgeConfig.CHAIN_MAX_BLOCK_RANGE))
                .reorgDepth(config.get(BridgeConfig.CHAIN_REORG_DEPTH))
                .topicReplication(
                        config.get(BridgeConfig.CHAIN_TOPIC_REPLICATION).shortValue())
                .pollInterval(config.get(BridgeConfig.CHAIN_POLL_INTERVAL))
                .rpcTimeout(config.get(BridgeConfig.CHAIN_RPC_TIMEOUT))
                .chainTopic(config.get(BridgeConfig.TOPIC_CHAIN).trim())
                .slotsTopic(config.get(BridgeConfig.TOPIC_SLOTS).trim())
                .createTopics(config.get(BridgeConfig.CHAIN_CREATE_TOPICS));
        String txId = config.get(BridgeConfig.CHAIN_TRANSACTIONAL_ID);
        b.transactionalId(txId != null ? txId.trim() : "chain-watcher-" + config.bridgeId());
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("sequencer.chain-watcher", e.getMessage());
        }
    }
}
