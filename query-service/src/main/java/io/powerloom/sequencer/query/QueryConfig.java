package io.powerloom.sequencer.query;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every setting of the query service, as typed {@link Option}s under {@code sequencer.*} (Kafka and the input topics
 * from {@link SharedOptions}, so their keys and defaults are the job's and the bridge's).
 *
 * <p>Values come from a properties file (the first argument, or {@code --config <file>}), then {@code --key value}
 * arguments, then environment variables {@code SEQUENCER_<KEY>} (upper case, {@code .} and {@code -} as {@code _}),
 * as for every process ({@link ConfigLoader}). Keys under {@code sequencer.kafka.streams.} pass through to Kafka
 * Streams ({@code SEQUENCER_KAFKA_STREAMS_NUM_STREAM_THREADS} is {@code sequencer.kafka.streams.num.stream.threads}).
 * The keys it had before ({@code kafka.bootstrap.servers}, {@code http.listen}, …, and their
 * {@code SEQUENCER_QUERY_*} variables) are still accepted, each with a warning naming the new key. Any other unknown
 * key is an error, so that a typo does not silently fall back to a default.
 */
public final class QueryConfig {
    private static final Logger LOG = LoggerFactory.getLogger(QueryConfig.class);

    /** Prefix of the environment variables of the deprecated keys. */
    public static final String LEGACY_ENV_PREFIX = "SEQUENCER_QUERY_";
    /** Prefix of keys passed through to Kafka Streams. */
    public static final String STREAMS_PREFIX = "sequencer.kafka.streams.";

    public static final Option<String> KAFKA_BOOTSTRAP = SharedOptions.KAFKA_BOOTSTRAP;
    public static final Option<String> APPLICATION_ID = Option.string("sequencer.query.application-id")
            .defaultValue("sequencer-query")
            .check(s -> !s.isBlank(), "must not be empty")
            .description("Kafka Streams application id: instances with the same id share the state.")
            .deprecatedKeys("kafka.application.id");
    public static final Option<String> TOPIC_SUBMISSIONS = SharedOptions.TOPIC_SUBMISSIONS;
    public static final Option<String> TOPIC_CHAIN = SharedOptions.TOPIC_CHAIN;
    public static final Option<String> TOPIC_FINALIZED = SharedOptions.TOPIC_FINALIZED;
    public static final Option<String> TOPIC_BATCHES = SharedOptions.TOPIC_BATCHES;
    public static final Option<String> TOPIC_REJECTED = SharedOptions.TOPIC_REJECTED;
    public static final Option<String> TOPIC_BRIDGE_REJECTS = SharedOptions.TOPIC_BRIDGE_REJECTS;
    public static final Option<String> TOPIC_SLOT_COUNTS = SharedOptions.TOPIC_SLOT_COUNTS;
    public static final Option<String> TOPIC_DISCARDED = SharedOptions.TOPIC_DISCARDED;
    public static final Option<Integer> PARTITIONS = Option.integer("sequencer.query.partitions")
            .defaultValue(4)
            .atLeast(1)
            .description("Partitions of the internal routed topic: the unit by which state spreads over instances "
                    + "(the most instances that can hold state).")
            .deprecatedKeys("kafka.partitions");
    public static final Option<String> STATE_DIR = Option.string("sequencer.query.state-dir")
            .defaultValue("query-state")
            .check(s -> !s.isBlank(), "must not be empty")
            .description("Folder of this instance's RocksDB stores (rebuilt from Kafka when lost).")
            .deprecatedKeys("state.dir");
    public static final Option<InetSocketAddress> HTTP_LISTEN = Option.of(
                    "sequencer.query.http-listen", ValueType.HOST_PORT)
            .defaultValue(InetSocketAddress.createUnresolved("0.0.0.0", 8090))
            .description("Address of the HTTP API and the explorer (port 0 = any free port).")
            .deprecatedKeys("http.listen");
    public static final Option<InetSocketAddress> HTTP_ADVERTISED = Option.of(
                    "sequencer.query.http-advertised", ValueType.HOST_PORT)
            .defaultDescription("the listen address, 127.0.0.1 for 0.0.0.0")
            .description("host:port other instances use to reach this one.")
            .deprecatedKeys("http.advertised");
    public static final Option<Integer> HTTP_THREADS = Option.integer("sequencer.query.http-threads")
            .defaultValue(16)
            .atLeast(1)
            .description("Handler threads running requests (I/O runs on two Netty event loops).")
            .deprecatedKeys("http.threads");
    public static final Option<Long> HTTP_MAX_BODY_BYTES = Option.byteSize("sequencer.query.http-max-body-bytes")
            .defaultValue(65536L)
            .check(v -> v > 0 && v <= Integer.MAX_VALUE, "must be positive and below 2 GiB")
            .description("Largest request body accepted.")
            .deprecatedKeys("http.max.body.bytes");
    public static final Option<Integer> HTTP_MAX_CONNECTIONS = Option.integer("sequencer.query.http-max-connections")
            .defaultValue(1024)
            .atLeast(1)
            .description("Connections served at once; one more is closed at once (counted in "
                    + "query_http_connections_refused_total).")
            .deprecatedKeys("http.max.connections");
    public static final Option<Duration> HTTP_IDLE_TIMEOUT = Option.duration("sequencer.query.http-idle-timeout")
            .defaultValue(Duration.ofSeconds(60))
            .check(d -> d.toMillis() > 0, "must be positive")
            .description("A connection with no request for this long is closed.")
            .deprecatedKeys("http.idle.timeout");
    public static final Option<Long> VIEW_CACHE_BYTES = Option.byteSize("sequencer.query.view-cache-bytes")
            .defaultValue(64L << 20)
            .description("Most bytes of serialized per-slot and per-epoch answers kept, each until what it was read "
                    + "from changes (0: none kept).")
            .deprecatedKeys("query.view.cache.bytes");
    public static final Option<String> READ_TOKEN = Option.string("sequencer.query.auth.read-token")
            .defaultValue("")
            .description("Token of the node-runner endpoints (empty: open to anyone).")
            .deprecatedKeys("auth.read.token");
    public static final Option<String> OPERATOR_TOKEN = Option.string("sequencer.query.auth.operator-token")
            .defaultValue("")
            .description("Token of the operator endpoints (empty: operator endpoints refuse every request).")
            .deprecatedKeys("auth.operator.token");
    public static final Option<String> DATA_MARKET = Option.string("sequencer.query.data-market")
            .defaultValue("")
            .description("Market assumed when a request names none (empty: the only market seen, if there is one).")
            .deprecatedKeys("query.data-market");
    public static final Option<Integer> MAX_PAGE_SIZE = Option.integer("sequencer.query.max-page-size")
            .defaultValue(100)
            .atLeast(1)
            .description("Largest page of a paged answer.")
            .deprecatedKeys("query.max.page.size");
    public static final Option<Integer> RETENTION_DAYS = Option.integer("sequencer.query.retention-days")
            .defaultValue(45)
            .atLeast(0)
            .description("Epochs and days unchanged for this many days (of the input's time) are removed from the "
                    + "stores, and a slot's per-day entries this many days before its latest day; 0 keeps everything. "
                    + "Must exceed `sequencer.query.max-past-days`.")
            .deprecatedKeys("retention.days");
    public static final Option<Duration> RETENTION_CHECK_INTERVAL = Option.duration(
                    "sequencer.query.retention-check-interval")
            .defaultValue(Duration.ofMinutes(10))
            .check(d -> d.toMillis() > 0, "must be positive")
            .description("How often, in the input's time, retention runs.")
            .deprecatedKeys("retention.check.interval");
    public static final Option<Integer> MAX_PAST_DAYS = Option.integer("sequencer.query.max-past-days")
            .defaultValue(30)
            .atLeast(1)
            .description("Largest pastDays a request may ask for.")
            .deprecatedKeys("query.max.past.days");
    public static final Option<String> EXPLORER_CID_URL = Option.string("sequencer.query.explorer.cid-url")
            .defaultValue("https://ipfs.io/ipfs/{cid}")
            .description("Link the explorer makes for a CID ({cid} is replaced; empty: no link).")
            .deprecatedKeys("explorer.cid.url");
    public static final Option<String> EXPLORER_TX_URL = Option.string("sequencer.query.explorer.tx-url")
            .defaultValue("")
            .description("Link the explorer makes for a protocol-chain transaction ({tx} is replaced; empty: no link).")
            .deprecatedKeys("explorer.tx.url");
    public static final Option<Duration> FORWARD_TIMEOUT = Option.duration("sequencer.query.forward-timeout")
            .defaultValue(Duration.ofSeconds(5))
            .check(d -> d.toMillis() > 0, "must be positive")
            .description("Time-out of a request forwarded to the instance holding a key.")
            .deprecatedKeys("forward.timeout");
    public static final Option<Duration> STARTUP_TIMEOUT = Option.duration("sequencer.query.startup-timeout")
            .defaultValue(Duration.ofSeconds(60))
            .check(d -> d.toMillis() > 0, "must be positive")
            .description("How long start-up waits for Kafka Streams to be running.")
            .deprecatedKeys("startup.timeout");

    /** Every option of the query service, in declaration order. */
    public static final OptionSet OPTIONS = OptionSet.of(
                    "query-service", "The query service", OptionSet.declaredIn(QueryConfig.class))
            .withPassThrough(STREAMS_PREFIX, "kafka.streams.")
            .withLegacyEnvPrefix(LEGACY_ENV_PREFIX);

    private final Config config;

    private QueryConfig(Config config) {
        this.config = config;
        validate();
    }

    /** Defaults overridden by the given keys (no environment); deprecated keys are accepted with a warning. */
    public static QueryConfig of(Map<String, String> overrides) {
        return new QueryConfig(ConfigLoader.of(OPTIONS)
                .onWarning(LOG::warn)
                .map("settings", overrides)
                .load());
    }

    /**
     * Defaults, then the properties file (if not null), then the environment.
     *
     * @throws ConfigException when the file cannot be read, a key is unknown or a value is malformed
     */
    public static QueryConfig load(Path file, Map<String, String> env) {
        return load(file, new String[0], env);
    }

    /** Defaults, then the properties file (if not null), then {@code --key value} arguments, then the environment. */
    public static QueryConfig load(Path file, String[] args, Map<String, String> env) {
        ConfigLoader loader = ConfigLoader.of(OPTIONS).onWarning(LOG::warn);
        if (file != null) {
            loader.file(file);
        }
        return new QueryConfig(loader.args(args).env(env).load());
    }

    /** The environment variable that overrides {@code key}. */
    public static String envName(String key) {
        return Env.name(key);
    }

    private void validate() {
        int retention = retentionDays();
        if (retention > 0 && retention <= maxPastDays()) {
            throw new ConfigException(
                    RETENTION_DAYS.key(),
                    "must be 0 (keep everything) or more than " + MAX_PAST_DAYS.key() + " (" + maxPastDays() + "), got "
                            + retention);
        }
    }

    // ---- typed accessors ----

    public <T> T get(Option<T> option) {
        return config.get(option);
    }

    /** One line per deprecated key that was used, naming its replacement. */
    public List<String> warnings() {
        return config.warnings();
    }

    public String bootstrapServers() {
        return get(KAFKA_BOOTSTRAP).trim();
    }

    public String applicationId() {
        return get(APPLICATION_ID).trim();
    }

    /**
     * The input topic {@code sequencer.kafka.topics.<name>} (as written: one topic, or several separated by commas).
     *
     * @throws IllegalArgumentException when no topic option has that name
     */
    @SuppressWarnings("unchecked")
    public String topic(String name) {
        Option<?> o = OPTIONS.find("sequencer.kafka.topics." + name);
        if (o == null) {
            throw new IllegalArgumentException("no topic option sequencer.kafka.topics." + name);
        }
        return ((String) get(o)).trim();
    }

    /** The input topics of {@link #topic}: a comma-separated list reads the same kind of fact from each. */
    public List<String> topics(String name) {
        return ValueType.LIST.parse(topic(name));
    }

    public int partitions() {
        return get(PARTITIONS);
    }

    public Path stateDir() {
        return Path.of(get(STATE_DIR).trim());
    }

    /** The HTTP listen address (port 0 = any free port). */
    public InetSocketAddress httpListen() {
        return get(HTTP_LISTEN);
    }

    /** The advertised address, or null when not set. */
    public InetSocketAddress advertised() {
        return get(HTTP_ADVERTISED);
    }

    public int httpThreads() {
        return get(HTTP_THREADS);
    }

    public int maxConnections() {
        return get(HTTP_MAX_CONNECTIONS);
    }

    public Duration idleTimeout() {
        return get(HTTP_IDLE_TIMEOUT);
    }

    public long viewCacheBytes() {
        return get(VIEW_CACHE_BYTES);
    }

    public int maxBodyBytes() {
        return Math.toIntExact(get(HTTP_MAX_BODY_BYTES));
    }

    public String readToken() {
        return get(READ_TOKEN);
    }

    public String operatorToken() {
        return get(OPERATOR_TOKEN);
    }

    public String defaultDataMarket() {
        return get(DATA_MARKET).trim().toLowerCase(Locale.ROOT);
    }

    public int maxPageSize() {
        return get(MAX_PAGE_SIZE);
    }

    public int retentionDays() {
        return get(RETENTION_DAYS);
    }

    public Duration retentionCheckInterval() {
        return get(RETENTION_CHECK_INTERVAL);
    }

    public int maxPastDays() {
        return get(MAX_PAST_DAYS);
    }

    public String explorerCidUrl() {
        return get(EXPLORER_CID_URL);
    }

    public String explorerTxUrl() {
        return get(EXPLORER_TX_URL);
    }

    public Duration forwardTimeout() {
        return get(FORWARD_TIMEOUT);
    }

    public Duration startupTimeout() {
        return get(STARTUP_TIMEOUT);
    }

    /** Every {@code sequencer.kafka.streams.*} key with the prefix removed. */
    public Map<String, String> streamsOverrides() {
        return config.withPrefix(STREAMS_PREFIX);
    }

    /** A copy with {@code key} (new or deprecated) set to {@code value}. */
    public QueryConfig with(String key, String value) {
        Map<String, String> v = new LinkedHashMap<>(config.values());
        return new QueryConfig(ConfigLoader.of(OPTIONS)
                .onWarning(LOG::warn)
                .map("configuration", v)
                .map("overrides", Map.of(key, value))
                .load());
    }

    @Override
    public String toString() {
        return "QueryConfig" + config;
    }
}
