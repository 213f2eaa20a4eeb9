package io.powerloom.sequencer.bridge;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Configuration of the ingest bridge: built-in defaults, overridden by a properties file, overridden by
 * environment variables.
 *
 * <h2>Environment mapping</h2>
 * Every key {@code a.b-c.d} can be overridden by the variable {@code SEQUENCER_BRIDGE_A_B_C_D}: prefix
 * {@value #ENV_PREFIX}, key upper-cased, {@code .} and {@code -} replaced by {@code _}. For example
 * {@code kafka.bootstrap.servers} ← {@code SEQUENCER_BRIDGE_KAFKA_BOOTSTRAP_SERVERS}.
 *
 * <p>Two open-ended prefixes pass settings through unchanged:
 * <ul>
 *   <li>{@code kafka.producer.<name>}: any Kafka producer setting, e.g. {@code kafka.producer.batch.size}.
 *       From the environment: {@code SEQUENCER_BRIDGE_KAFKA_PRODUCER_BATCH_SIZE} (the rest of the name is
 *       lower-cased and {@code _} becomes {@code .}).</li>
 *   <li>{@code chain.<name>}: handed to the chain watcher as is
 *       ({@code SEQUENCER_BRIDGE_CHAIN_RPC_URL} → {@code chain.rpc.url}).</li>
 * </ul>
 * Any other unknown key is an error, so that a typo does not silently fall back to a default.
 *
 * <p>Durations accept {@code 250ms}, {@code 1s}, {@code 2m}, {@code 1h} or plain milliseconds; sizes accept
 * {@code 64KiB}, {@code 1MiB} or plain bytes; lists are comma-separated.
 */
public final class BridgeConfig {
    /** Prefix of every environment variable that overrides a key. */
    public static final String ENV_PREFIX = "SEQUENCER_BRIDGE_";
    /** Prefix of keys passed through to the Kafka producer. */
    public static final String KAFKA_PRODUCER_PREFIX = "kafka.producer.";
    /** Prefix of keys passed through to the chain watcher. */
    public static final String CHAIN_PREFIX = "chain.";

    /** Every known key with its default value (empty string = no value). */
    static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("bridge.id", "bridge-0");
        d.put("kafka.bootstrap.servers", "localhost:9092");
        d.put("kafka.topic.submissions", "submissions");
        d.put("kafka.topic.rejects", "submissions-rejected");
        d.put("kafka.linger", "5ms");
        d.put("kafka.startup.timeout", "30s");
        d.put("heartbeat.interval", "1s");
        d.put("collect.max.message.bytes", "64KiB");
        d.put("collect.max.streams", "20000");
        d.put("collect.max.streams.per.peer", "256");
        d.put("collect.max.streams.per.ip", "2048");
        d.put("collect.stream.inflight.high", "64");
        d.put("collect.stream.inflight.low", "32");
        d.put("collect.global.inflight.high", "300");
        d.put("collect.global.inflight.low", "150");
        d.put("collect.reject.raw.max.bytes", "1KiB");
        d.put("libp2p.identity.key.file", "bridge-identity.key");
        d.put("libp2p.listen", "/ip4/0.0.0.0/tcp/9100");
        d.put("libp2p.relays", "");
        d.put("libp2p.max.connections", "10000");
        d.put("libp2p.max.connections.per.ip", "64");
        d.put("libp2p.max.pending.handshakes.per.ip", "16");
        d.put("libp2p.idle.connection.timeout", "2m");
        d.put("libp2p.max.queued.bytes.per.connection", "256KiB");
        d.put("gossip.enabled", "false");
        d.put("gossip.topic.prefix", "/powerloom/snapshot-submissions");
        d.put("gossip.bootstrap.peers", "");
        d.put("gossip.rendezvous", "powerloom-snapshot-submissions");
        d.put("gossip.discovery.interval", "30s");
        d.put("gossip.max.peers", "64");
        d.put("gossip.heartbeat", "700ms");
        d.put("gossip.prune.backoff", "5m");
        d.put("gossip.max.message.bytes", "1MiB");
        d.put("http.listen", "0.0.0.0:8080");
        d.put("shutdown.timeout", "20s");
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    private final Map<String, String> values;

    private BridgeConfig(Map<String, String> values) {
        this.values = values;
        validate();
    }

    /** Defaults only. */
    public static BridgeConfig defaults() {
        return of(Map.of());
    }

    /** Defaults overridden by the given keys (no environment). */
    public static BridgeConfig of(Map<String, String> overrides) {
        Map<String, String> v = new TreeMap<>(DEFAULTS);
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            v.put(checkKey(e.getKey()), e.getValue().trim());
        }
        return new BridgeConfig(v);
    }

    /**
     * Defaults, then the properties file (if not null), then the environment.
     *
     * @throws ConfigException when the file cannot be read, a key is unknown or a value is malformed
     */
    public static BridgeConfig load(Path file, Map<String, String> env) {
        Map<String, String> v = new TreeMap<>();
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException(file.toString(), "cannot read configuration file: " + e.getMessage());
            }
            for (String k : p.stringPropertyNames()) {
                v.put(k, p.getProperty(k));
            }
        }
        v.putAll(fromEnvironment(env));
        return of(v);
    }

    /** The keys the environment overrides, by the mapping described on this class. */
    static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        for (String key : DEFAULTS.keySet()) {
            String value = env.get(envName(key));
            if (value != null) {
                out.put(key, value);
            }
        }
        String producerEnv = envName(KAFKA_PRODUCER_PREFIX);
        String chainEnv = envName(CHAIN_PREFIX);
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (name.startsWith(producerEnv) && name.length() > producerEnv.length()) {
                out.put(KAFKA_PRODUCER_PREFIX + dotted(name.substring(producerEnv.length())), e.getValue());
            } else if (name.startsWith(chainEnv) && name.length() > chainEnv.length()) {
                out.put(CHAIN_PREFIX + dotted(name.substring(chainEnv.length())), e.getValue());
            }
        }
        return out;
    }

    /** The environment variable that overrides {@code key}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String dotted(String envSuffix) {
        return envSuffix.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private static String checkKey(String key) {
        if (DEFAULTS.containsKey(key)
                || (key.startsWith(KAFKA_PRODUCER_PREFIX) && key.length() > KAFKA_PRODUCER_PREFIX.length())
                || (key.startsWith(CHAIN_PREFIX) && key.length() > CHAIN_PREFIX.length())) {
            return key;
        }
        throw new ConfigException(
                key, "unknown configuration key (known: " + DEFAULTS.keySet() + ", plus kafka.producer.* and chain.*)");
    }

    private void validate() {
        bridgeId();
        if (bridgeId().isBlank()) {
            throw new ConfigException("bridge.id", "must not be empty");
        }
        requirePositive("kafka.linger", kafkaLinger().toMillis() + 1);
        requirePositive("heartbeat.interval", heartbeatInterval().toMillis());
        requirePositive("collect.max.message.bytes", maxMessageBytes());
        requirePositive("collect.max.streams", maxStreams());
        requirePositive("collect.max.streams.per.peer", maxStreamsPerPeer());
        requirePositive("libp2p.max.connections", maxConnections());
        requirePositive("collect.max.streams.per.ip", maxStreamsPerIp());
        requirePositive("libp2p.max.connections.per.ip", maxConnectionsPerIp());
        requirePositive("libp2p.max.pending.handshakes.per.ip", maxPendingHandshakesPerIp());
        requirePositive("libp2p.max.queued.bytes.per.connection", maxQueuedBytesPerConnection());
        if (idleConnectionTimeout().isNegative()) {
            throw new ConfigException("libp2p.idle.connection.timeout", "must not be negative");
        }
        requireWaterMarks("collect.stream.inflight", streamInFlightLow(), streamInFlightHigh());
        requireWaterMarks("collect.global.inflight", globalInFlightLow(), globalInFlightHigh());
        rejectRawMaxBytes();
        httpListen();
        shutdownTimeout();
        kafkaStartupTimeout();
        gossipEnabled();
        requirePositive("gossip.heartbeat", gossipHeartbeat().toMillis());
        requirePositive("gossip.max.message.bytes", gossipMaxMessageBytes());
        gossipPruneBackoff();
        requirePositive("gossip.discovery.interval", gossipDiscoveryInterval().toMillis());
        requirePositive("gossip.max.peers", gossipMaxPeers());
        if (!gossipTopicPrefix().startsWith("/") || gossipTopicPrefix().endsWith("/")) {
            throw new ConfigException(
                    "gossip.topic.prefix",
                    "expected a path like /powerloom/snapshot-submissions, got '" + gossipTopicPrefix() + "'");
        }
        for (String topic : List.of("kafka.topic.submissions", "kafka.topic.rejects", "kafka.bootstrap.servers")) {
            if (string(topic).isEmpty()) {
                throw new ConfigException(topic, "must not be empty");
            }
        }
    }

    private static void requirePositive(String key, long value) {
        if (value <= 0) {
            throw new ConfigException(key, "must be positive, got " + value);
        }
    }

    private static void requireWaterMarks(String prefix, int low, int high) {
        if (low < 0 || high <= 0 || low >= high) {
            throw new ConfigException(
                    prefix + ".low",
                    "low-water mark (" + low + ") must be >= 0 and below the high-water mark (" + high + ")");
        }
    }

    // ---- typed accessors ----

    /** Identifies this bridge in every record it writes ({@code bridge.id}). */
    public String bridgeId() {
        return string("bridge.id");
    }

    /** {@code kafka.bootstrap.servers}. */
    public String kafkaBootstrapServers() {
        return string("kafka.bootstrap.servers");
    }

    /** Topic of submissions and heartbeats ({@code kafka.topic.submissions}). */
    public String submissionsTopic() {
        return string("kafka.topic.submissions");
    }

    /** Topic of rejected input ({@code kafka.topic.rejects}). */
    public String rejectsTopic() {
        return string("kafka.topic.rejects");
    }

    /** Producer {@code linger.ms} ({@code kafka.linger}). */
    public Duration kafkaLinger() {
        return duration("kafka.linger");
    }

    /** How long start-up waits for the broker and topic metadata ({@code kafka.startup.timeout}). */
    public Duration kafkaStartupTimeout() {
        return duration("kafka.startup.timeout");
    }

    /** Extra producer settings: every {@code kafka.producer.*} key with the prefix removed. */
    public Map<String, String> kafkaProducerOverrides() {
        return withPrefix(KAFKA_PRODUCER_PREFIX);
    }

    /** Settings for the chain watcher: every {@code chain.*} key with the prefix removed. */
    public Map<String, String> chainSettings() {
        return withPrefix(CHAIN_PREFIX);
    }

    /** {@code heartbeat.interval}. */
    public Duration heartbeatInterval() {
        return duration("heartbeat.interval");
    }

    /** Bound on one submission (UUID + JSON) in bytes ({@code collect.max.message.bytes}). */
    public int maxMessageBytes() {
        return intSize("collect.max.message.bytes");
    }

    /** Concurrent {@code /collect} streams over all peers ({@code collect.max.streams}). */
    public int maxStreams() {
        return integer("collect.max.streams");
    }

    /** Concurrent {@code /collect} streams of one peer ({@code collect.max.streams.per.peer}). */
    public int maxStreamsPerPeer() {
        return integer("collect.max.streams.per.peer");
    }

    /**
     * Concurrent {@code /collect} streams from one IP address over its direct connections
     * ({@code collect.max.streams.per.ip}); relayed streams are limited per peer only.
     */
    public int maxStreamsPerIp() {
        return integer("collect.max.streams.per.ip");
    }

    /** Un-acked sends of one stream at which its reading pauses. */
    public int streamInFlightHigh() {
        return integer("collect.stream.inflight.high");
    }

    /** Un-acked sends of one stream at or below which a paused stream resumes. */
    public int streamInFlightLow() {
        return integer("collect.stream.inflight.low");
    }

    /** Un-acked sends over all streams at which every stream pauses (the global in-flight limit). */
    public int globalInFlightHigh() {
        return integer("collect.global.inflight.high");
    }

    /** Un-acked sends over all streams at or below which the streams resume. */
    public int globalInFlightLow() {
        return integer("collect.global.inflight.low");
    }

    /** At most this many raw bytes of rejected input are kept in a reject record. */
    public int rejectRawMaxBytes() {
        return intSize("collect.reject.raw.max.bytes");
    }

    /** File holding the libp2p identity key; created on first start ({@code libp2p.identity.key.file}). */
    public Path identityKeyFile() {
        return Path.of(string("libp2p.identity.key.file"));
    }

    /** Listen multiaddr of the libp2p host ({@code libp2p.listen}). */
    public String libp2pListen() {
        return string("libp2p.listen");
    }

    /** Whether the gossipsub source runs ({@code gossip.enabled}). */
    public boolean gossipEnabled() {
        String s = string("gossip.enabled");
        if (!s.equals("true") && !s.equals("false")) {
            throw new ConfigException("gossip.enabled", "expected true or false, got '" + s + "'");
        }
        return Boolean.parseBoolean(s);
    }

    /** The gossipsub topic prefix ({@code gossip.topic.prefix}). */
    public String gossipTopicPrefix() {
        return string("gossip.topic.prefix");
    }

    /** Multiaddrs of the gossipsub/DHT bootstrap peers ({@code gossip.bootstrap.peers}). */
    public List<String> gossipBootstrapPeers() {
        return list("gossip.bootstrap.peers");
    }

    /** The DHT rendezvous string ({@code gossip.rendezvous}). */
    public String gossipRendezvous() {
        return string("gossip.rendezvous");
    }

    /** How often the rendezvous providers are looked up ({@code gossip.discovery.interval}). */
    public Duration gossipDiscoveryInterval() {
        return duration("gossip.discovery.interval");
    }

    /** Most peers discovery starts pubsub with ({@code gossip.max.peers}). */
    public int gossipMaxPeers() {
        return integer("gossip.max.peers");
    }

    /** GossipSub heartbeat interval ({@code gossip.heartbeat}). */
    public Duration gossipHeartbeat() {
        return duration("gossip.heartbeat");
    }

    /** GossipSub prune backoff ({@code gossip.prune.backoff}). */
    public Duration gossipPruneBackoff() {
        return duration("gossip.prune.backoff");
    }

    /** Largest gossipsub RPC frame accepted ({@code gossip.max.message.bytes}). */
    public int gossipMaxMessageBytes() {
        return intSize("gossip.max.message.bytes");
    }

    /** Relay multiaddrs to hold reservations on ({@code libp2p.relays}). */
    public List<String> relays() {
        return list("libp2p.relays");
    }

    /** Connections (direct and relayed) the libp2p host keeps open at most ({@code libp2p.max.connections}). */
    public int maxConnections() {
        return integer("libp2p.max.connections");
    }

    /** Inbound direct connections from one IP address, established or in handshake ({@code libp2p.max.connections.per.ip}). */
    public int maxConnectionsPerIp() {
        return integer("libp2p.max.connections.per.ip");
    }

    /** Inbound connections from one IP address still in their handshake ({@code libp2p.max.pending.handshakes.per.ip}). */
    public int maxPendingHandshakesPerIp() {
        return integer("libp2p.max.pending.handshakes.per.ip");
    }

    /** An inbound direct connection with no stream for this long is closed; 0 = never ({@code libp2p.idle.connection.timeout}). */
    public Duration idleConnectionTimeout() {
        return duration("libp2p.idle.connection.timeout");
    }

    /** Queued outgoing bytes at which a connection stops reading ({@code libp2p.max.queued.bytes.per.connection}). */
    public int maxQueuedBytesPerConnection() {
        return intSize("libp2p.max.queued.bytes.per.connection");
    }

    /** Host and port of the health/metrics HTTP server ({@code http.listen}, port 0 = any free port). */
    public java.net.InetSocketAddress httpListen() {
        String s = string("http.listen");
        int colon = s.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("http.listen", "expected host:port, got '" + s + "'");
        }
        int port = parseInt("http.listen", s.substring(colon + 1));
        if (port < 0 || port > 65535) {
            throw new ConfigException("http.listen", "port out of range: " + port);
        }
        return new java.net.InetSocketAddress(s.substring(0, colon), port);
    }

    /** How long a graceful shutdown waits for in-flight sends ({@code shutdown.timeout}). */
    public Duration shutdownTimeout() {
        return duration("shutdown.timeout");
    }

    /** The raw value of any key (after defaults, file and environment), or null. */
    public String raw(String key) {
        return values.get(key);
    }

    /** A copy of this configuration with some keys replaced. */
    public BridgeConfig with(Map<String, String> overrides) {
        Map<String, String> v = new TreeMap<>(values);
        v.putAll(overrides);
        return of(v);
    }

    @Override
    public String toString() {
        return "BridgeConfig" + values;
    }

    // ---- parsing ----

    private String string(String key) {
        String v = values.get(key);
        return v == null ? "" : v.trim();
    }

    private int integer(String key) {
        return parseInt(key, string(key));
    }

    private static int parseInt(String key, String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "not an integer: '" + s + "'");
        }
    }

    private List<String> list(String key) {
        List<String> out = new ArrayList<>();
        for (String part : string(key).split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return List.copyOf(out);
    }

    private Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    private Duration duration(String key) {
        String s = string(key);
        try {
            return parseDuration(s, java.time.temporal.ChronoUnit.MILLIS);
        } catch (NumberFormatException e) {
            throw new ConfigException(
                    key, "not a duration (e.g. 250ms, 1s, 2m): '" + s.trim().toLowerCase(Locale.ROOT) + "'");
        }
    }

    /**
     * Parses {@code 250ms}, {@code 1s}, {@code 2m}, {@code 1h}; a bare number is in {@code bareUnit}.
     *
     * @throws NumberFormatException when the text is not such a duration
     */
    public static Duration parseDuration(String text, java.time.temporal.TemporalUnit bareUnit) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ms")) {
            return Duration.ofMillis(
                    Long.parseLong(s.substring(0, s.length() - 2).trim()));
        } else if (s.endsWith("s")) {
            return Duration.ofSeconds(
                    Long.parseLong(s.substring(0, s.length() - 1).trim()));
        } else if (s.endsWith("m")) {
            return Duration.ofMinutes(
                    Long.parseLong(s.substring(0, s.length() - 1).trim()));
        } else if (s.endsWith("h")) {
            return Duration.ofHours(
                    Long.parseLong(s.substring(0, s.length() - 1).trim()));
        }
        return Duration.of(Long.parseLong(s), bareUnit);
    }

    private int intSize(String key) {
        String s = string(key);
        String lower = s.toLowerCase(Locale.ROOT);
        long factor = 1;
        String digits = lower;
        if (lower.endsWith("kib")) {
            factor = 1024;
            digits = lower.substring(0, lower.length() - 3);
        } else if (lower.endsWith("mib")) {
            factor = 1024 * 1024;
            digits = lower.substring(0, lower.length() - 3);
        } else if (lower.endsWith("b")) {
            digits = lower.substring(0, lower.length() - 1);
        }
        try {
            long v = Long.parseLong(digits.trim()) * factor;
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new ConfigException(key, "size out of range: '" + s + "'");
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "not a size (e.g. 65536, 64KiB, 1MiB): '" + s + "'");
        }
    }

    /** A configuration key is unknown or its value is malformed. */
    public static final class ConfigException extends IllegalArgumentException {
        private final String key;

        public ConfigException(String key, String reason) {
            super(key + ": " + reason);
            this.key = key;
        }

        /** The offending key (or file). */
        public String key() {
            return key;
        }
    }
}
