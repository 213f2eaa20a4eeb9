package io.powerloom.sequencer.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.query.api.Cluster;
import io.powerloom.sequencer.query.api.HttpApi;
import io.powerloom.sequencer.query.api.LocalQueries;
import io.powerloom.sequencer.query.api.Queries;
import io.powerloom.sequencer.query.state.QueryTopology;
import io.powerloom.sequencer.query.state.RouteInput.Input;
import io.powerloom.sequencer.query.state.StateVersions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query service process: Kafka Streams materializes the sequencer's topics into RocksDB stores
 * ({@link QueryTopology}) and {@link HttpApi} answers from them, forwarding to the instance that holds a key
 * ({@link Cluster}). Several instances with the same {@code kafka.application.id} share the state.
 *
 * <p>Usage: {@code QueryService [config.properties] [--<key> <value>]...} (environment overrides, see
 * {@link QueryConfig}).
 */
public final class QueryService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryService.class);

    private final QueryConfig config;
    private final QueryMetrics metrics = new QueryMetrics();
    private final HttpApi http;
    private final KafkaStreams streams;
    private final HostInfo self;
    private final LocalQueries local;
    private final Cluster cluster;
    /** Versions of this instance's state: bumped by its updates, and all at once on every Kafka Streams state change. */
    private final StateVersions versions = new StateVersions();

    private QueryService(QueryConfig config) throws IOException {
        this.config = config;
        ObjectMapper json = new ObjectMapper();
        InetSocketAddress listen = config.httpListen();
        http = new HttpApi(listen, config.httpThreads(), json, config.maxConnections(), config.idleTimeout());
        InetSocketAddress adv = config.advertised();
        String host = adv != null
                ? adv.getHostString()
                : ("0.0.0.0".equals(listen.getHostString()) ? "127.0.0.1" : listen.getHostString());
        self = new HostInfo(host, adv != null ? adv.getPort() : http.port());
        ensureTopics(config);
        Files.createDirectories(config.stateDir());
        streams = new KafkaStreams(QueryTopology.build(config, metrics, versions), streamsProperties(config, self));
        metrics.streamsState(() -> streams.state().name());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                    .REPLACE_THREAD;
        });
        local = new LocalQueries(streams, json, config.partitions());
        cluster = new Cluster(streams, self, local, json, metrics, config.forwardTimeout(), config.operatorToken());
        Queries queries = new Queries(
                cluster,
                json,
                config.maxPageSize(),
                config.defaultDataMarket(),
                config.explorerCidUrl(),
                config.explorerTxUrl(),
                versions,
                config.viewCacheBytes());
        metrics.viewCache(queries::viewCacheStats);
        metrics.connections(http::connectionStats);
        http.start(new HttpApi.Wiring(
                queries,
                local,
                metrics,
                () -> streams.state().name(),
                config.readToken(),
                config.operatorToken(),
                config.maxBodyBytes(),
                config.maxPastDays(),
                self.host() + ":" + self.port()));
    }

    /** Starts an instance and waits until Kafka Streams runs (or {@code startup.timeout} passes). */
    public static QueryService start(QueryConfig config) {
        QueryService s;
        try {
            s = new QueryService(config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the query service", e);
        }
        CountDownLatch running = new CountDownLatch(1);
        s.streams.setStateListener((now, before) -> {
            s.cluster.forgetRoutes();
            s.local.forgetStores();
            s.versions.changedAll();
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        s.streams.start();
        try {
            if (!running.await(config.startupTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Kafka Streams not running after {}; answering 503 until it is", config.startupTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("query service on http://{}:{}/ (state {})", s.self.host(), s.self.port(), s.streams.state());
        return s;
    }

    static Properties streamsProperties(QueryConfig config, HostInfo self) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        // read_committed, and state changes committed with the consumed offsets: a restart loses and repeats nothing
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, String.valueOf(16L << 20));
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "-1");
        p.putAll(config.streamsOverrides());
        return p;
    }

    /** Creates the input topics that do not exist yet, so that the service can start before their writers. */
    private static void ensureTopics(QueryConfig config) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Input in : Input.values()) {
                for (String t : QueryTopology.topics(config, in)) {
                    if (!existing.contains(t)) {
                        missing.add(new NewTopic(t, java.util.Optional.empty(), java.util.Optional.empty()));
                    }
                }
            }
            if (!missing.isEmpty()) {
                LOG.info(
                        "creating input topics not there yet: {}",
                        missing.stream().map(NewTopic::name).toList());
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot reach Kafka at " + config.bootstrapServers() + ": " + e, e);
        }
    }

    /** {@code host:port} this instance serves on. */
    public String address() {
        return self.host() + ":" + self.port();
    }

    /** The base URL of this instance, e.g. {@code http://127.0.0.1:8090}. */
    public String url() {
        return "http://" + address();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public QueryMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        http.close();
        // leave the group at once, so that the partitions move to the other instances without waiting for the
        // session time-out
        streams.close(org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
                        org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(20)));
    }

    public static void main(String[] args) {
        QueryConfig config;
        try {
            // QueryService [config.properties | --config <file>] [--<key> <value>]...
            String[] rest = args;
            String file = null;
            if (args.length > 0 && !args[0].startsWith("--")) {
                file = args[0];
                rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            }
            Map<String, String> given = io.powerloom.sequencer.config.Args.parse(rest);
            String named = given.remove("config");
            file = named != null ? named : file;
            java.util.List<String> others = new java.util.ArrayList<>();
            given.forEach((k, v) -> {
                others.add("--" + k);
                others.add(v);
            });
            config = QueryConfig.load(
                    file == null ? null : Path.of(file), others.toArray(new String[0]), System.getenv());
        } catch (io.powerloom.sequencer.config.ConfigException e) {
            System.err.println("configuration error: " + e.getMessage()
                    + "\nusage: QueryService [config.properties | --config <file>] [--<key> <value>]...");
            System.exit(2);
            return;
        }
        QueryService s = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(s::close, "query-shutdown"));
        System.out.println("query service: " + s.url() + "/explorer/  (API: " + s.url() + "/openapi.json)");
    }
}
