package io.powerloom.sequencer.bridge;

import io.powerloom.sequencer.bridge.BridgeConfig.ConfigException;
import io.powerloom.sequencer.bridge.chain.ChainWatcherConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the {@code chain.*} keys of the bridge configuration into a {@link ChainWatcherConfig}. The watcher runs
 * only when {@code chain.rpc.url} is set.
 *
 * <table>
 *   <caption>keys (environment: {@code SEQUENCER_BRIDGE_CHAIN_…})</caption>
 *   <tr><td>chain.rpc.url</td><td>JSON-RPC endpoint of the protocol chain (required)</td></tr>
 *   <tr><td>chain.protocol.state.address</td><td>protocol-state contract (required)</td></tr>
 *   <tr><td>chain.start.block</td><td>first block when the chain topic is empty (default 0)</td></tr>
 *   <tr><td>chain.confirmations</td><td>blocks behind the head (default 2)</td></tr>
 *   <tr><td>chain.max.block.range</td><td>blocks per cycle (default 500)</td></tr>
 *   <tr><td>chain.poll.interval</td><td>pause between cycles when caught up (default 1s)</td></tr>
 *   <tr><td>chain.reorg.depth</td><td>remembered block hashes (default 128)</td></tr>
 *   <tr><td>chain.topic.protocol.chain</td><td>default {@code protocol-chain}</td></tr>
 *   <tr><td>chain.topic.slots</td><td>default {@code slots}</td></tr>
 *   <tr><td>chain.transactional.id</td><td>default {@code chain-watcher-<bridge.id>}</td></tr>
 *   <tr><td>chain.create.topics</td><td>create missing topics (default true)</td></tr>
 *   <tr><td>chain.topic.replication</td><td>replication of created topics (default 1)</td></tr>
 *   <tr><td>chain.rpc.timeout</td><td>per JSON-RPC call (the watcher's default)</td></tr>
 * </table>
 */
public final class ChainWatcherSettings {
    static final Set<String> KEYS = Set.of(
            "rpc.url",
            "protocol.state.address",
            "start.block",
            "confirmations",
            "max.block.range",
            "poll.interval",
            "reorg.depth",
            "topic.protocol.chain",
            "topic.slots",
            "transactional.id",
            "create.topics",
            "topic.replication",
            "rpc.timeout");

    private ChainWatcherSettings() {}

    /** Whether the configuration asks for a chain watcher ({@code chain.rpc.url} set). */
    public static boolean enabled(BridgeConfig config) {
        String url = config.chainSettings().get("rpc.url");
        return url != null && !url.isBlank();
    }

    /**
     * The watcher's configuration.
     *
     * @throws ConfigException naming the key when one is unknown, missing or malformed
     */
    public static ChainWatcherConfig from(BridgeConfig config) {
        checkKnownKeys(config);
        Map<String, String> c = new HashMap<>(config.chainSettings());
        ChainWatcherConfig.Builder b = ChainWatcherConfig.builder(
                required(c, "rpc.url"), required(c, "protocol.state.address"), config.kafkaBootstrapServers());
        try {
            if (c.containsKey("start.block")) {
                b.startBlock(Long.parseLong(c.get("start.block").trim()));
            }
            if (c.containsKey("confirmations")) {
                b.confirmations(Integer.parseInt(c.get("confirmations").trim()));
            }
            if (c.containsKey("max.block.range")) {
                b.maxBlockRange(Integer.parseInt(c.get("max.block.range").trim()));
            }
            if (c.containsKey("reorg.depth")) {
                b.reorgDepth(Integer.parseInt(c.get("reorg.depth").trim()));
            }
            if (c.containsKey("topic.replication")) {
                b.topicReplication(Short.parseShort(c.get("topic.replication").trim()));
            }
        } catch (NumberFormatException e) {
            throw new ConfigException("chain.*", "not a number: " + e.getMessage());
        }
        if (c.containsKey("poll.interval")) {
            b.pollInterval(duration("chain.poll.interval", c.get("poll.interval")));
        }
        if (c.containsKey("rpc.timeout")) {
            b.rpcTimeout(duration("chain.rpc.timeout", c.get("rpc.timeout")));
        }
        if (c.containsKey("topic.protocol.chain")) {
            b.chainTopic(c.get("topic.protocol.chain").trim());
        }
        if (c.containsKey("topic.slots")) {
            b.slotsTopic(c.get("topic.slots").trim());
        }
        b.transactionalId(c.getOrDefault("transactional.id", "chain-watcher-" + config.bridgeId())
                .trim());
        if (c.containsKey("create.topics")) {
            String v = c.get("create.topics").trim().toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new ConfigException("chain.create.topics", "expected true or false, got '" + v + "'");
            }
            b.createTopics(Boolean.parseBoolean(v));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("chain.*", e.getMessage());
        }
    }

    /**
     * Refuses an unknown {@code chain.*} key, also when the watcher is off (a misspelled {@code chain.rpc.url} must not
     * silently leave it off).
     *
     * @throws ConfigException naming the key and the known ones
     */
    public static void checkKnownKeys(BridgeConfig config) {
        for (String k : new java.util.TreeSet<>(config.chainSettings().keySet())) {
            if (!KEYS.contains(k)) {
                throw new ConfigException(
                        "chain." + k,
                        "unknown chain watcher key (known: chain."
                                + String.join(", chain.", new java.util.TreeSet<>(KEYS)) + ")");
            }
        }
    }

    private static String required(Map<String, String> c, String key) {
        String v = c.get(key);
        if (v == null || v.isBlank()) {
            throw new ConfigException("chain." + key, "required when the chain watcher is enabled");
        }
        return v.trim();
    }

    /** A positive duration written like the bridge's own ({@code 500ms}, {@code 2s}, …). */
    static Duration duration(String key, String text) {
        try {
            return BridgeConfig.of(Map.of("heartbeat.interval", text)).heartbeatInterval();
        } catch (ConfigException e) {
            throw new ConfigException(key, "not a positive duration (e.g. 500ms, 2s): '" + text + "'");
        }
    }
}
