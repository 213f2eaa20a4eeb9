package io.powerloom.sequencer.bridge;

import io.powerloom.sequencer.config.Config;
import io.powerloom.sequencer.config.ConfigException;
import io.powerloom.sequencer.config.ConfigLoader;
import io.powerloom.sequencer.config.Env;
import io.powerloom.sequencer.config.Option;
import io.powerloom.sequencer.config.OptionSet;
import io.powerloom.sequencer.config.ValueType;
import io.powerloom.sequencer.protocol.config.SharedOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every setting of the ingest bridge and its chain watcher, as typed {@link Option}s under {@code sequencer.*} (the
 * shared ones, Kafka, topics and chain, from {@link SharedOptions}).
 *
 * <p>Values come from a properties file ({@code --config bridge.properties}), then {@code --key value} arguments,
 * then environment variables {@code SEQUENCER_<KEY>} (upper case, {@code .} and {@code -} as {@code _}), as for every
 * process ({@link ConfigLoader}). Keys under {@code sequencer.kafka.producer.} pass through to the Kafka producer
 * ({@code SEQUENCER_KAFKA_PRODUCER_BATCH_SIZE} is {@code sequencer.kafka.producer.batch.size}). The keys the bridge
 * had before ({@code kafka.bootstrap.servers}, {@code chain.rpc.url}, …, and their {@code SEQUENCER_BRIDGE_*}
 * variables) are still accepted, each with a warning naming the new key. Any other unknown key is an error, so that
 * a typo does not silently fall back to a default.
 */
public final class BridgeConfig {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeConfig.class);

    /** Prefix of the environment variables of the deprecated keys. */
    public static final String LEGACY_ENV_PREFIX = "SEQUENCER_BRIDGE_";
    /** Prefix of keys passed through to the Kafka producer. */
    public static final String KAFKA_PRODUCER_PREFIX = "sequencer.kafka.producer.";

    public static final Option<String> BRIDGE_ID = Option.string("sequencer.bridge.id")
            .defaultValue("bridge-0")
            .check(s -> !s.isBlank(), "must not be empty")
            .description("Identifies this bridge in every record it writes.")
            .deprecatedKeys("bridge.id");
    public static final Option<String> KAFKA_BOOTSTRAP = SharedOptions.KAFKA_BOOTSTRAP;
    public static final Option<String> TOPIC_SUBMISSIONS = SharedOptions.TOPIC_SUBMISSIONS;
    public static final Option<String> TOPIC_BRIDGE_REJECTS = SharedOptions.TOPIC_BRIDGE_REJECTS;
    public static final Option<Duration> KAFKA_LINGER = Option.duration("sequencer.bridge.kafka-linger")
            .defaultValue(Duration.ofMillis(5))
            .notNegative()
            .description("Producer `linger.ms`.")
            .deprecatedKeys("kafka.linger");
    public static final Option<Duration> KAFKA_STARTUP_TIMEOUT = Option.duration(
                    "sequencer.bridge.kafka-startup-timeout")
            .defaultValue(Duration.ofSeconds(30))
            .notNegative()
            .description("How long start-up waits for the broker and topic metadata.")
            .deprecatedKeys("kafka.startup.timeout");
    public static final Option<Duration> HEARTBEAT_INTERVAL = Option.duration("sequencer.bridge.heartbeat-interval")
            .defaultValue(Duration.ofSeconds(1))
            .check(d -> d.toMillis() > 0, "must be positive")
            .description("How often a heartbeat goes to every partition of the submissions topic.")
            .deprecatedKeys("heartbeat.interval");
    public static final Option<Long> MAX_MESSAGE_BYTES = size("sequencer.collect.max-message-bytes", 64 << 10)
            .description("Bound on one `/collect` submission (UUID + JSON).")
            .deprecatedKeys("collect.max.message.bytes");
    public static final Option<Integer> MAX_STREAMS = positive("sequencer.collect.max-streams", 20000)
            .description("Concurrent `/collect` streams over all peers.")
            .deprecatedKeys("collect.max.streams");
    public static final Option<Integer> MAX_STREAMS_PER_PEER = positive("sequencer.collect.max-streams-per-peer", 256)
            .description("Concurrent `/collect` streams of one peer.")
            .deprecatedKeys("collect.max.streams.per.peer");
    public static final Option<Integer> MAX_STREAMS_PER_IP = positive("sequencer.collect.max-streams-per-ip", 2048)
            .description("Concurrent `/collect` streams from one IP address over its direct connections; relayed "
                    + "streams are limited per peer only.")
            .deprecatedKeys("collect.max.streams.per.ip");
    public static final Option<Integer> STREAM_INFLIGHT_HIGH = positive("sequencer.collect.stream-inflight-high", 64)
            .description("Un-acked sends of one stream at which its reading pauses.")
            .deprecatedKeys("collect.stream.inflight.high");
    public static final Option<Integer> STREAM_INFLIGHT_LOW = Option.integer("sequencer.collect.stream-inflight-low")
            .defaultValue(32)
            .atLeast(0)
            .description("Un-acked sends of one stream at or below which a paused stream resumes (below the high "
                    + "mark).")
            .deprecatedKeys("collect.stream.inflight.low");
    public static final Option<Integer> GLOBAL_INFLIGHT_HIGH = positive("sequencer.collect.global-inflight-high", 300)
            .description("Un-acked sends over all streams at which every stream pauses (the global in-flight limit).")
            .deprecatedKeys("collect.global.inflight.high");
    public static final Option<Integer> GLOBAL_INFLIGHT_LOW = Option.integer("sequencer.collect.global-inflight-low")
            .defaultValue(150)
            .atLeast(0)
            .description("Un-acked sends over all streams at or below which the streams resume (below the high mark).")
            .deprecatedKeys("collect.global.inflight.low");
    public static final Option<Long> REJECT_RAW_MAX_BYTES = Option.byteSize("sequencer.collect.reject-raw-max-bytes")
            .defaultValue(1024L)
            .check(v -> v <= Integer.MAX_VALUE, "must be below 2 GiB")
            .description("At most this many raw bytes of rejected input are kept in a reject record.")
            .deprecatedKeys("collect.reject.raw.max.bytes");
    public static final Option<String> IDENTITY_KEY_FILE = Option.string("sequencer.libp2p.identity-key-file")
            .defaultValue("bridge-identity.key")
            .description("File holding the libp2p identity key; created on first start (protobuf, base64 as the Go "
                    + "sequencer keeps it, hex, or raw Ed25519 hex).")
            .deprecatedKeys("libp2p.identity.key.file");
    public static final Option<String> LIBP2P_LISTEN = Option.string("sequencer.libp2p.listen")
            .defaultValue("/ip4/0.0.0.0/tcp/9100")
            .description("Listen multiaddr of the libp2p host.")
            .deprecatedKeys("libp2p.listen");
    public static final Option<List<String>> RELAYS = Option.list("sequencer.libp2p.relays")
            .defaultValue(List.of())
            .description("Relay multiaddrs to hold reservations on.")
            .deprecatedKeys("libp2p.relays");
    public static final Option<Integer> MAX_CONNECTIONS = positive("sequencer.libp2p.max-connections", 10000)
            .description("Connections (direct and relayed) the libp2p host keeps open at most.")
            .deprecatedKeys("libp2p.max.connections");
    public static final Option<Integer> MAX_CONNECTIONS_PER_IP = positive("sequencer.libp2p.max-connections-per-ip", 64)
            .description("Inbound direct connections from one IP address, established or in handshake.")
            .deprecatedKeys("libp2p.max.connections.per.ip");
    public static final Option<Integer> MAX_PENDING_HANDSHAKES_PER_IP = positive(
                    "sequencer.libp2p.max-pending-handshakes-per-ip", 16)
            .description("Inbound connections from one IP address still in their handshake.")
            .deprecatedKeys("libp2p.max.pending.handshakes.per.ip");
    public static final Option<Duration> IDLE_CONNECTION_TIMEOUT = Option.duration(
                    "sequencer.libp2p.idle-connection-timeout")
            .defaultValue(Duration.ofMinutes(2))
            .notNegative()
            .description("An inbound direct connection with no stream for this long is closed; 0 = never.")
            .deprecatedKeys("libp2p.idle.connection.timeout");
    public static final Option<Long> MAX_QUEUED_BYTES_PER_CONNECTION = size(
                    "sequencer.libp2p.max-queued-bytes-per-connection", 256 << 10)
            .description("Queued outgoing bytes at which a connection stops reading.")
            .deprecatedKeys("libp2p.max.queued.bytes.per.connection");
    public static final Option<Boolean> GOSSIP_ENABLED = Option.bool("sequencer.gossip.enabled")
            .defaultValue(false)
            .description("Whether the gossipsub source runs.")
            .deprecatedKeys("gossip.enabled");
    public static final Option<String> GOSSIP_TOPIC_PREFIX = Option.string("sequencer.gossip.topic-prefix")
            .defaultValue("/powerloom/snapshot-submissions")
            .check(s -> s.startsWith("/") && !s.endsWith("/"), "expected a path like /powerloom/snapshot-submissions")
            .description("The gossipsub topic prefix.")
            .deprecatedKeys("gossip.topic.prefix");
    public static final Option<List<String>> GOSSIP_BOOTSTRAP_PEERS = Option.list("sequencer.gossip.bootstrap-peers")
            .defaultValue(List.of())
            .description("Multiaddrs of the gossipsub/DHT bootstrap peers.")
            .deprecatedKeys("gossip.bootstrap.peers");
    public static final Option<String> GOSSIP_RENDEZVOUS = Option.string("sequencer.gossip.rendezvous")
            .defaultValue("powerloom-snapshot-submissions")
            .description("The DHT rendezvous string.")
            .deprecatedKeys("gossip.rendezvous");
    public static final Option<Duration> GOSSIP_DISCOVERY_INTERVAL = Option.duration(
                    "sequencer.gossip.discovery-interval")
            .defaultValue(Duration.ofSeconds(30))
            .check(d -> d.toMillis() > 0, "must be positive")
            .description("How often the rendezvous providers are looked up.")
            .deprecatedKeys("gossip.discovery.interval");
    public static final Option<Integer> GOSSIP_MAX_PEERS = positive("sequencer.gossip.max-peers", 64)
            .description("Most peers discovery starts pubsub with.")
            .deprecatedKeys("gossip.max.peers");
    public static final Option<Duration> GOSSIP_HEARTBEAT = Option.duration("sequencer.gossip.heartbeat")
            .defaultValue(Duration.ofMillis(700))
            .check(d -> d.toMillis() > 0, "must be positive")
            .description("GossipSub heartbeat interval.")
            .deprecatedKeys("gossip.heartbeat");
    public static final Option<Duration> GOSSIP_PRUNE_BACKOFF = Option.duration("sequencer.gossip.prune-backoff")
            .defaultValue(Duration.ofMinutes(5))
            .notNegative()
            .description("GossipSub prune backoff.")
            .deprecatedKeys("gossip.prune.backoff");
    public static final Option<Long> GOSSIP_MAX_MESSAGE_BYTES = size("sequencer.gossip.max-message-bytes", 1 << 20)
            .description("Largest gossipsub RPC frame accepted.")
            .deprecatedKeys("gossip.max.message.bytes");
    public static final Option<InetSocketAddress> HTTP_LISTEN = Option.of(
                    "sequencer.bridge.http-listen", ValueType.HOST_PORT)
            .defaultValue(InetSocketAddress.createUnresolved("0.0.0.0", 8080))
            .description("Host and port of the health/metrics HTTP server (port 0 = any free port).")
            .deprecatedKeys("http.listen");
    public static final Option<Duration> SHUTDOWN_TIMEOUT = Option.duration("sequencer.bridge.shutdown-timeout")
            .defaultValue(Duration.ofSeconds(20))
            .notNegative()
            .description("How long a graceful shutdown waits for in-flight sends.")
            .deprecatedKeys("shutdown.timeout");

    // ---- the chain watcher (ChainWatcherSettings) ----
    public static final Option<Boolean> CHAIN_WATCHER_ENABLED = Option.bool("sequencer.chain-watcher.enabled")
            .defaultDescription("true when `sequencer.chain.rpc-url` is set")
            .description("Whether the bridge runs the chain watcher (epoch releases, slots and block heads to Kafka).");
    public static final Option<String> RPC_URL = SharedOptions.RPC_URL;
    public static final Option<String> PROTOCOL_STATE = SharedOptions.PROTOCOL_STATE;
    public static final Option<String> TOPIC_CHAIN = SharedOptions.TOPIC_CHAIN;
    public static final Option<String> TOPIC_SLOTS = SharedOptions.TOPIC_SLOTS;
    public static final Option<Long> CHAIN_START_BLOCK = Option.longValue("sequencer.chain-watcher.start-block")
            .defaultValue(0L)
            .atLeast(0)
            .description("First block when the chain topic is empty.")
            .deprecatedKeys("chain.start.block");
    public static final Option<Integer> CHAIN_CONFIRMATIONS = Option.integer("sequencer.chain-watcher.confirmations")
            .defaultValue(2)
            .atLeast(0)
            .description("Blocks behind the head.")
            .deprecatedKeys("chain.confirmations");
    public static final Option<Integer> CHAIN_MAX_BLOCK_RANGE = positive("sequencer.chain-watcher.max-block-range", 500)
            .description("Blocks per cycle.")
            .deprecatedKeys("chain.max.block.range");
    public static final Option<Duration> CHAIN_POLL_INTERVAL = Option.duration("sequencer.chain-watcher.poll-interval")
            .defaultValue(Duration.ofSeconds(1))
            .check(d -> d.toMillis() > 0, "must be positive")
            .description("Pause between cycles when caught up.")
            .deprecatedKeys("chain.poll.interval");
    public static final Option<Integer> CHAIN_REORG_DEPTH = positive("sequencer.chain-watcher.reorg-depth", 128)
            .description("Remembered block hashes.")
            .deprecatedKeys("chain.reorg.depth");
    public static final Option<String> CHAIN_TRANSACTIONAL_ID = Option.string(
                    "sequencer.chain-watcher.transactional-id")
            .defaultDescription("chain-watcher-<bridge id>")
            .description("Transactional id of the watcher's Kafka producer.")
            .deprecatedKeys("chain.transactional.id");
    public static final Option<Boolean> CHAIN_CREATE_TOPICS = Option.bool("sequencer.chain-watcher.create-topics")
            .defaultValue(true)
            .description("Create the chain and slots topics when missing.")
            .deprecatedKeys("chain.create.topics");
    public static final Option<Integer> CHAIN_TOPIC_REPLICATION = Option.integer(
                    "sequencer.chain-watcher.topic-replication")
            .defaultValue(1)
            .check(v -> v >= 1 && v <= Short.MAX_VALUE, "must be 1.." + Short.MAX_VALUE)
            .description("Replication of the topics the watcher creates.")
            .deprecatedKeys("chain.topic.replication");
    public static final Option<Duration> CHAIN_RPC_TIMEOUT = Option.duration("sequencer.chain-watcher.rpc-timeout")
            .defaultValue(Duration.ofSeconds(20))
            .check(d -> d.toMillis() > 0, "must be positive")
            .description("Time-out of one JSON-RPC call.")
            .deprecatedKeys("chain.rpc.timeout");

    /** Every option of the bridge: every {@code public static final Option} of this class, in declaration order. */
    public static final OptionSet OPTIONS = OptionSet.of(
                    "ingest-bridge", "The ingest bridge", OptionSet.declaredIn(BridgeConfig.class))
            .withPassThrough(KAFKA_PRODUCER_PREFIX, "kafka.producer.")
            .withLegacyEnvPrefix(LEGACY_ENV_PREFIX);

    private final Config config;

    private BridgeConfig(Config config) {
        this.config = config;
        validate();
    }

    /** Defaults only. */
    public static BridgeConfig defaults() {
        return of(Map.of());
    }

    /** Defaults overridden by the given keys (no environment); deprecated keys are accepted with a warning. */
    public static BridgeConfig of(Map<String, String> overrides) {
        return new BridgeConfig(ConfigLoader.of(OPTIONS)
                .onWarning(LOG::warn)
                .map("settings", overrides)
                .load());
    }

    /**
     * Defaults, then the properties file (if not null), then the environment.
     *
     * @throws ConfigException when the file cannot be read, a key is unknown or a value is malformed
     */
    public static BridgeConfig load(Path file, Map<String, String> env) {
        return load(file, new String[0], env);
    }

    /**
     * Defaults, then the properties file (if not null), then {@code --key value} arguments, then the environment.
     *
     * @throws ConfigException when the file cannot be read, a key is unknown or a value is malformed
     */
    public static BridgeConfig load(Path file, String[] args, Map<String, String> env) {
        ConfigLoader loader = ConfigLoader.of(OPTIONS).onWarning(LOG::warn);
        if (file != null) {
            loader.file(file);
        }
        return new BridgeConfig(loader.args(args).env(env).load());
    }

    /** The environment variable that overrides {@code key}. */
    public static String envName(String key) {
        return Env.name(key);
    }

    private void validate() {
        requireWaterMarks(STREAM_INFLIGHT_LOW, streamInFlightLow(), streamInFlightHigh());
        requireWaterMarks(GLOBAL_INFLIGHT_LOW, globalInFlightLow(), globalInFlightHigh());
    }

    private static void requireWaterMarks(Option<Integer> low, int lowValue, int high) {
        if (lowValue >= high) {
            throw new ConfigException(
                    low.key(),
                    "low-water mark (" + lowValue + ") must be >= 0 and below the high-water mark (" + high + ")");
        }
    }

    private static Option<Integer> positive(String key, int dflt) {
        return Option.integer(key).defaultValue(dflt).atLeast(1);
    }

    private static Option<Long> size(String key, long dflt) {
        return Option.byteSize(key)
                .defaultValue(dflt)
                .check(v -> v > 0 && v <= Integer.MAX_VALUE, "must be positive and below 2 GiB");
    }

    // ---- typed accessors ----

    /** The value of any option of {@link #OPTIONS}. */
    public <T> T get(Option<T> option) {
        return config.get(option);
    }

    /** Whether a value was given for the option (not its default). */
    public boolean isSet(Option<?> option) {
        return config.isSet(option);
    }

    /** One line per deprecated key that was used, naming its replacement. */
    public List<String> warnings() {
        return config.warnings();
    }

    /** Identifies this bridge in every record it writes. */
    public String bridgeId() {
        return get(BRIDGE_ID).trim();
    }

    public String kafkaBootstrapServers() {
        return get(KAFKA_BOOTSTRAP).trim();
    }

    /** Topic of submissions and heartbeats. */
    public String submissionsTopic() {
        return get(TOPIC_SUBMISSIONS).trim();
    }

    /** Topic of rejected input. */
    public String rejectsTopic() {
        return get(TOPIC_BRIDGE_REJECTS).trim();
    }

    public Duration kafkaLinger() {
        return get(KAFKA_LINGER);
    }

    public Duration kafkaStartupTimeout() {
        return get(KAFKA_STARTUP_TIMEOUT);
    }

    /** Extra producer settings: every {@code sequencer.kafka.producer.*} key with the prefix removed. */
    public Map<String, String> kafkaProducerOverrides() {
        return config.withPrefix(KAFKA_PRODUCER_PREFIX);
    }

    public Duration heartbeatInterval() {
        return get(HEARTBEAT_INTERVAL);
    }

    public int maxMessageBytes() {
        return Math.toIntExact(get(MAX_MESSAGE_BYTES));
    }

    public int maxStreams() {
        return get(MAX_STREAMS);
    }

    public int maxStreamsPerPeer() {
        return get(MAX_STREAMS_PER_PEER);
    }

    public int maxStreamsPerIp() {
        return get(MAX_STREAMS_PER_IP);
    }

    public int streamInFlightHigh() {
        return get(STREAM_INFLIGHT_HIGH);
    }

    public int streamInFlightLow() {
        return get(STREAM_INFLIGHT_LOW);
    }

    public int globalInFlightHigh() {
        return get(GLOBAL_INFLIGHT_HIGH);
    }

    public int globalInFlightLow() {
        return get(GLOBAL_INFLIGHT_LOW);
    }

    public int rejectRawMaxBytes() {
        return Math.toIntExact(get(REJECT_RAW_MAX_BYTES));
    }

    public Path identityKeyFile() {
        return Path.of(get(IDENTITY_KEY_FILE).trim());
    }

    public String libp2pListen() {
        return get(LIBP2P_LISTEN).trim();
    }

    public boolean gossipEnabled() {
        return get(GOSSIP_ENABLED);
    }

    public String gossipTopicPrefix() {
        return get(GOSSIP_TOPIC_PREFIX).trim();
    }

    public List<String> gossipBootstrapPeers() {
        return get(GOSSIP_BOOTSTRAP_PEERS);
    }

    public String gossipRendezvous() {
        return get(GOSSIP_RENDEZVOUS).trim();
    }

    public Duration gossipDiscoveryInterval() {
        return get(GOSSIP_DISCOVERY_INTERVAL);
    }

    public int gossipMaxPeers() {
        return get(GOSSIP_MAX_PEERS);
    }

    public Duration gossipHeartbeat() {
        return get(GOSSIP_HEARTBEAT);
    }

    public Duration gossipPruneBackoff() {
        return get(GOSSIP_PRUNE_BACKOFF);
    }

    public int gossipMaxMessageBytes() {
        return Math.toIntExact(get(GOSSIP_MAX_MESSAGE_BYTES));
    }

    public List<String> relays() {
        return get(RELAYS);
    }

    public int maxConnections() {
        return get(MAX_CONNECTIONS);
    }

    public int maxConnectionsPerIp() {
        return get(MAX_CONNECTIONS_PER_IP);
    }

    public int maxPendingHandshakesPerIp() {
        return get(MAX_PENDING_HANDSHAKES_PER_IP);
    }

    public Duration idleConnectionTimeout() {
        return get(IDLE_CONNECTION_TIMEOUT);
    }

    public int maxQueuedBytesPerConnection() {
        return Math.toIntExact(get(MAX_QUEUED_BYTES_PER_CONNECTION));
    }

    /** Host and port of the health/metrics HTTP server (port 0 = any free port). */
    public InetSocketAddress httpListen() {
        InetSocketAddress a = get(HTTP_LISTEN);
        return new InetSocketAddress(a.getHostString(), a.getPort());
    }

    public Duration shutdownTimeout() {
        return get(SHUTDOWN_TIMEOUT);
    }

    /** The text given for a key (a deprecated key is read as its new key), or null. */
    public String raw(String key) {
        Option<?> o = OPTIONS.find(key);
        return config.raw(o == null ? key : o.key());
    }

    /** A copy of this configuration with some keys replaced. */
    public BridgeConfig with(Map<String, String> overrides) {
        Map<String, String> v = new LinkedHashMap<>(config.values());
        ConfigLoader loader = ConfigLoader.of(OPTIONS).onWarning(LOG::warn).map("configuration", v);
        return new BridgeConfig(loader.map("overrides", overrides).load());
    }

    /** The keys given, for logs. */
    public Set<String> givenKeys() {
        return config.values().keySet();
    }

    @Override
    public String toString() {
        return "BridgeConfig" + config;
    }

    /** Every chain watcher option given, by key (for the warning when the watcher is off). */
    List<String> chainWatcherKeysGiven() {
        List<String> out = new ArrayList<>();
        for (Option<?> o : List.of(
                CHAIN_START_BLOCK,
                CHAIN_CONFIRMATIONS,
                CHAIN_MAX_BLOCK_RANGE,
                CHAIN_POLL_INTERVAL,
                CHAIN_REORG_DEPTH,
                CHAIN_TRANSACTIONAL_ID,
                CHAIN_TOPIC_REPLICATION,
                CHAIN_RPC_TIMEOUT,
                PROTOCOL_STATE)) {
            if (isSet(o)) {
                out.add(o.key());
            }
        }
        return out;
    }
}
