package io.powerloom.sequencer.query;

import io.powerloom.sequencer.protocol.records.Topics;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Configuration of the query service: built-in defaults, overridden by a properties file, overridden by environment
 * variables, in the same scheme as the bridge's {@code BridgeConfig}.
 *
 * <p>Every key {@code a.b-c.d} can be overridden by the variable {@code SEQUENCER_QUERY_A_B_C_D} (prefix
 * {@value #ENV_PREFIX}, key upper-cased, {@code .} and {@code -} replaced by {@code _}). Keys under
 * {@code kafka.streams.} pass through to Kafka Streams unchanged (from the environment:
 * {@code SEQUENCER_QUERY_KAFKA_STREAMS_NUM_STREAM_THREADS} → {@code kafka.streams.num.stream.threads}). Any other
 * unknown key is an error, so that a typo does not silently fall back to a default.
 *
 * <p>Durations accept {@code 250ms}, {@code 1s}, {@code 2m} or plain milliseconds.
 */
public final class QueryConfig {
    /** Prefix of every environment variable that overrides a key. */
    public static final String ENV_PREFIX = "SEQUENCER_QUERY_";
    /** Prefix of keys passed through to Kafka Streams. */
    public static final String STREAMS_PREFIX = "kafka.streams.";

    /** Every known key with its default value (empty string = no value), and what it means. */
    static final Map<String, String[]> KEYS;

    static {
        Map<String, String[]> d = new LinkedHashMap<>();
        d.put("kafka.bootstrap.servers", new String[] {"localhost:9092", "Kafka brokers"});
        d.put("kafka.application.id", new String[] {
            "sequencer-query", "Kafka Streams application id: instances with the same id share the state"
        });
        d.put("kafka.topic.submissions", new String[] {Topics.SUBMISSIONS, "bridge: submissions and heartbeats"});
        d.put("kafka.topic.protocol-chain", new String[] {Topics.PROTOCOL_CHAIN, "chain watcher: epoch releases"});
        d.put("kafka.topic.finalized", new String[] {Topics.FINALIZED, "job: one record per project and epoch"});
        d.put("kafka.topic.batches", new String[] {Topics.BATCHES, "job: batch and epoch-end outcomes"});
        d.put("kafka.topic.rejected", new String[] {Topics.REJECTED, "job: rejected submissions with a reason"});
        d.put("kafka.topic.bridge-rejects", new String[] {"submissions-rejected", "bridge: rejected /collect input"});
        d.put("kafka.topic.slot-counts", new String[] {Topics.SLOT_COUNTS, "job accounting: slot counts, eligible nodes"
        });
        d.put("kafka.topic.discarded", new String[] {Topics.DISCARDED, "job accounting: discarded submissions"});
        d.put("kafka.partitions", new String[] {
            "4", "partitions of the internal routed topic: the unit by which state spreads over instances"
        });
        d.put("state.dir", new String[] {"query-state", "folder of this instance's RocksDB stores"});
        d.put("http.listen", new String[] {"0.0.0.0:8090", "address of the HTTP API and the explorer"});
        d.put("http.advertised", new String[] {
            "", "host:port other instances use to reach this one (default: the listen address, 127.0.0.1 for 0.0.0.0)"
        });
        d.put("http.threads", new String[] {"16", "handler threads running requests (I/O runs on two Netty event loops)"
        });
        d.put("http.max.body.bytes", new String[] {"65536", "largest request body accepted"});
        d.put("http.max.connections", new String[] {
            "1024",
            "connections served at once; one more is closed at once (counted in query_http_connections_refused_total)"
        });
        d.put("http.idle.timeout", new String[] {"60s", "a connection with no request for this long is closed"});
        d.put("query.view.cache.bytes", new String[] {
            "67108864",
            "most bytes of serialized per-slot and per-epoch "
                    + "answers kept, each until what it was read from changes (0: none kept)"
        });
        d.put("auth.read.token", new String[] {"", "token of the node-runner endpoints (empty: open to anyone)"});
        d.put(
                "auth.operator.token",
                new String[] {"", "token of the operator endpoints (empty: operator endpoints refuse every request)"});
        d.put("query.data-market", new String[] {
            "", "market assumed when a request names none (empty: the only market seen, if there is one)"
        });
        d.put("query.max.page.size", new String[] {"100", "largest page of a paged answer"});
        d.put("retention.days", new String[] {
            "45",
            "epochs and days unchanged for this many days (of the input's "
                    + "time) are removed from the stores, and a slot's per-day entries this many days before its latest "
                    + "day; 0 keeps everything"
        });
        d.put("retention.check.interval", new String[] {"10m", "how often, in the input's time, retention runs"});
        d.put("query.max.past.days", new String[] {"30", "largest pastDays a request may ask for"});
        d.put("explorer.cid.url", new String[] {
            "https://ipfs.io/ipfs/{cid}", "link the explorer makes for a CID ({cid} is replaced; empty: no link)"
        });
        d.put("explorer.tx.url", new String[] {
            "", "link the explorer makes for a protocol-chain transaction ({tx} is replaced; empty: no link)"
        });
        d.put("forward.timeout", new String[] {"5s", "time-out of a request forwarded to the instance holding a key"});
        d.put("startup.timeout", new String[] {"60s", "how long start-up waits for Kafka Streams to be running"});
        KEYS = Collections.unmodifiableMap(d);
    }

    private final Map<String, String> values;

    private QueryConfig(Map<String, String> values) {
        this.values = values;
        validate();
    }

    /** Defaults overridden by the given keys (no environment). */
    public static QueryConfig of(Map<String, String> overrides) {
        Map<String, String> v = new TreeMap<>();
        KEYS.forEach((k, d) -> v.put(k, d[0]));
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            v.put(checkKey(e.getKey()), e.getValue().trim());
        }
        return new QueryConfig(v);
    }

    /**
     * Defaults, then the properties file (if not null), then the environment.
     *
     * @throws IllegalArgumentException when the file cannot be read, a key is unknown or a value is malformed
     */
    public static QueryConfig load(Path file, Map<String, String> env) {
        Map<String, String> v = new TreeMap<>();
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException(file + ": cannot read configuration file: " + e.getMessage());
            }
            for (String k : p.stringPropertyNames()) {
                v.put(k, p.getProperty(k));
            }
        }
        for (String key : KEYS.keySet()) {
            String value = env.get(envName(key));
            if (value != null) {
                v.put(key, value);
            }
        }
        String streamsEnv = envName(STREAMS_PREFIX);
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith(streamsEnv) && e.getKey().length() > streamsEnv.length()) {
                v.put(
                        STREAMS_PREFIX
                                + e.getKey()
                                        .substring(streamsEnv.length())
                                        .toLowerCase(Locale.ROOT)
                                        .replace('_', '.'),
                        e.getValue());
            }
        }
        return of(v);
    }

    /** The environment variable that overrides {@code key}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String checkKey(String key) {
        if (KEYS.containsKey(key) || (key.startsWith(STREAMS_PREFIX) && key.length() > STREAMS_PREFIX.length())) {
            return key;
        }
        throw new IllegalArgumentException(
                key + ": unknown configuration key (known: " + KEYS.keySet() + ", plus kafka.streams.*)");
    }

    private void validate() {
        for (String k : List.of(
                "kafka.bootstrap.servers",
                "kafka.application.id",
                "state.dir",
                "kafka.topic.submissions",
                "kafka.topic.protocol-chain",
                "kafka.topic.finalized",
                "kafka.topic.batches",
                "kafka.topic.rejected",
                "kafka.topic.bridge-rejects",
                "kafka.topic.slot-counts",
                "kafka.topic.discarded")) {
            if (string(k).isEmpty()) {
                throw new IllegalArgumentException(k + ": must not be empty");
            }
        }
        positive("kafka.partitions", partitions());
        positive("http.threads", httpThreads());
        positive("http.max.body.bytes", maxBodyBytes());
        positive("http.max.connections", maxConnections());
        positive("http.idle.timeout", idleTimeout().toMillis());
        if (viewCacheBytes() < 0) {
            throw new IllegalArgumentException("query.view.cache.bytes: must be 0 or more, got " + viewCacheBytes());
        }
        positive("query.max.page.size", maxPageSize());
        positive("query.max.past.days", maxPastDays());
        if (retentionDays() < 0 || (retentionDays() > 0 && retentionDays() <= maxPastDays())) {
            throw new IllegalArgumentException("retention.days must be 0 (keep everything) or more than "
                    + "query.max.past.days (" + maxPastDays() + "), got " + retentionDays());
        }
        if (retentionCheckInterval().isNegative() || retentionCheckInterval().isZero()) {
            throw new IllegalArgumentException("retention.check.interval must be positive");
        }
        positive("forward.timeout", forwardTimeout().toMillis());
        positive("startup.timeout", startupTimeout().toMillis());
        httpListen();
        advertised();
    }

    private static void positive(String key, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + ": must be positive, got " + v);
        }
    }

    // ---- typed accessors ----

    public String bootstrapServers() {
        return string("kafka.bootstrap.servers");
    }

    public String applicationId() {
        return string("kafka.application.id");
    }

    /** The input topic of {@code kafka.topic.<name>} (as written: one topic, or several separated by commas). */
    public String topic(String name) {
        return string("kafka.topic." + name);
    }

    /** The input topics of {@code kafka.topic.<name>}: a comma-separated list reads the same kind of fact from each. */
    public java.util.List<String> topics(String name) {
        return java.util.Arrays.stream(topic(name).split(","))
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .toList();
    }

    public int partitions() {
        return integer("kafka.partitions");
    }

    public Path stateDir() {
        return Path.of(string("state.dir"));
    }

    /** {@code http.listen} (port 0 = any free port). */
    public InetSocketAddress httpListen() {
        return hostPort("http.listen", string("http.listen"));
    }

    /** {@code http.advertised}, or null when not set. */
    public InetSocketAddress advertised() {
        String a = string("http.advertised");
        return a.isEmpty() ? null : hostPort("http.advertised", a);
    }

    public int httpThreads() {
        return integer("http.threads");
    }

    /** {@code http.max.connections}. */
    public int maxConnections() {
        return integer("http.max.connections");
    }

    /** {@code http.idle.timeout}. */
    public Duration idleTimeout() {
        return duration("http.idle.timeout");
    }

    /** {@code query.view.cache.bytes}. */
    public long viewCacheBytes() {
        try {
            return Long.parseLong(string("query.view.cache.bytes"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "query.view.cache.bytes: not an integer: \"" + string("query.view.cache.bytes") + "\"");
        }
    }

    public int maxBodyBytes() {
        return integer("http.max.body.bytes");
    }

    public String readToken() {
        return string("auth.read.token");
    }

    public String operatorToken() {
        return string("auth.operator.token");
    }

    public String defaultDataMarket() {
        return string("query.data-market").toLowerCase(Locale.ROOT);
    }

    public int maxPageSize() {
        return integer("query.max.page.size");
    }

    public int retentionDays() {
        return integer("retention.days");
    }

    public Duration retentionCheckInterval() {
        return duration("retention.check.interval");
    }

    public int maxPastDays() {
        return integer("query.max.past.days");
    }

    public String explorerCidUrl() {
        return string("explorer.cid.url");
    }

    public String explorerTxUrl() {
        return string("explorer.tx.url");
    }

    public Duration forwardTimeout() {
        return duration("forward.timeout");
    }

    public Duration startupTimeout() {
        return duration("startup.timeout");
    }

    /** Every {@code kafka.streams.*} key with the prefix removed. */
    public Map<String, String> streamsOverrides() {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(STREAMS_PREFIX)) {
                out.put(k.substring(STREAMS_PREFIX.length()), v);
            }
        });
        return out;
    }

    /** A copy with {@code key} set to {@code value}. */
    public QueryConfig with(String key, String value) {
        Map<String, String> v = new TreeMap<>(values);
        v.put(checkKey(key), value);
        return new QueryConfig(v);
    }

    private String string(String key) {
        return values.getOrDefault(key, "");
    }

    private int integer(String key) {
        try {
            return Integer.parseInt(string(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not an integer: \"" + string(key) + "\"");
        }
    }

    private Duration duration(String key) {
        String s = string(key).toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            } else if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            } else if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            return Duration.ofMillis(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a duration (250ms, 1s, 2m): \"" + string(key) + "\"");
        }
    }

    private static InetSocketAddress hostPort(String key, String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(key + ": expected host:port, got \"" + s + "\"");
        }
        try {
            int port = Integer.parseInt(s.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return InetSocketAddress.createUnresolved(s.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": bad port in \"" + s + "\"");
        }
    }
}
