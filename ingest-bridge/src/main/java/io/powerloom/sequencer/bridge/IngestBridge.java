package io.powerloom.sequencer.bridge;

import io.powerloom.sequencer.bridge.chain.ChainWatcher;
import io.powerloom.sequencer.bridge.collect.CollectProtocolHandler;
import io.powerloom.sequencer.bridge.gossip.GossipDiscovery;
import io.powerloom.sequencer.bridge.gossip.GossipSettings;
import io.powerloom.sequencer.bridge.gossip.GossipSource;
import io.powerloom.sequencer.bridge.kafka.HeartbeatEmitter;
import io.powerloom.sequencer.bridge.kafka.ReceiveClock;
import io.powerloom.sequencer.bridge.kafka.SubmissionProducer;
import io.powerloom.sequencer.bridge.ops.BridgeMetrics;
import io.powerloom.sequencer.bridge.ops.HealthCheck;
import io.powerloom.sequencer.bridge.ops.OpsHttpServer;
import io.powerloom.sequencer.libp2p.Libp2pHost;
import io.powerloom.sequencer.libp2p.ReservationState;
import io.powerloom.sequencer.libp2p.crypto.PrivateKey;
import io.powerloom.sequencer.libp2p.pubsub.GossipSub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest bridge process: libp2p {@code /collect} → Kafka, heartbeats, health and metrics.
 *
 * <pre>
 * java -cp ingest-bridge.jar:… io.powerloom.sequencer.bridge.IngestBridge --config bridge.properties
 * </pre>
 *
 * <p>Start-up order: Kafka producer (waits until the topics are there), identity key (created on first start),
 * libp2p host (listen + relay reservations) with the {@link CollectProtocolHandler}, heartbeat emitter, the chain
 * watcher when {@code chain.rpc.url} is set ({@link ChainWatcherSettings}; it stamps {@code observedAtMs} with the
 * same clock as submissions), HTTP server. On SIGTERM (or {@link #close()}) the bridge shuts down gracefully: it stops admitting streams, closes the
 * libp2p host (every byte already read has been decoded and handed to the producer by then; partial messages are
 * rejected as truncated), waits for in-flight sends, sends a last round of heartbeats, flushes and closes the
 * producer, and finally stops the HTTP server.
 */
public final class IngestBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestBridge.class);

    private final BridgeConfig config;
    private final BridgeMetrics metrics;
    private final SubmissionProducer producer;
    private final CollectProtocolHandler handler;
    private final Libp2pHost host;
    private final HeartbeatEmitter heartbeats;
    private final ChainWatcher chainWatcher;
    private final OpsHttpServer http;
    private GossipSub gossip;
    private GossipSource gossipSource;
    private GossipDiscovery gossipDiscovery;
    private final Object closeLock = new Object();
    private boolean closed;

    private IngestBridge(
            BridgeConfig config,
            BridgeMetrics metrics,
            SubmissionProducer producer,
            CollectProtocolHandler handler,
            Libp2pHost host,
            HeartbeatEmitter heartbeats,
            ChainWatcher chainWatcher,
            OpsHttpServer http) {
        this.config = config;
        this.metrics = metrics;
        this.producer = producer;
        this.handler = handler;
        this.host = host;
        this.heartbeats = heartbeats;
        this.chainWatcher = chainWatcher;
        this.http = http;
    }

    /**
     * Starts every part; on failure whatever was started is closed again and the cause rethrown.
     *
     * @throws IllegalStateException with the reason when Kafka, the listen address or the HTTP port is unusable
     */
    public static IngestBridge start(BridgeConfig config) {
        BridgeMetrics metrics = new BridgeMetrics();
        List<AutoCloseable> started = new ArrayList<>();
        try {
            ReceiveClock clock = new ReceiveClock();
            SubmissionProducer producer = SubmissionProducer.create(config, clock, metrics);
            started.add(producer);
            producer.awaitReady(config.kafkaStartupTimeout());

            CollectProtocolHandler handler = new CollectProtocolHandler(config, producer, metrics);
            PrivateKey identity = IdentityKeyFile.loadOrCreate(config.identityKeyFile());
            Libp2pHost.Builder b = Libp2pHost.builder()
                    .identity(identity)
                    .listen(config.libp2pListen())
                    .maxConnections(config.maxConnections())
                    .maxConnectionsPerIp(config.maxConnectionsPerIp())
                    .maxPendingHandshakesPerIp(config.maxPendingHandshakesPerIp())
                    .idleConnectionTimeout(config.idleConnectionTimeout())
                    .maxQueuedBytesPerConnection(config.maxQueuedBytesPerConnection())
                    .handle(CollectProtocolHandler.PROTOCOL, handler);
            config.relays().forEach(b::relay);
            GossipSettings gossipSettings = GossipSettings.from(config);
            GossipSub gossip = null;
            GossipSource gossipSource = null;
            GossipDiscovery gossipDiscovery = null;
            if (gossipSettings.enabled()) {
                gossip = new GossipSub(identity, gossipSettings.params());
                gossip.install(b);
                gossipSource = new GossipSource(
                        gossipSettings,
                        producer,
                        metrics,
                        config.bridgeId(),
                        config.maxMessageBytes(),
                        config.rejectRawMaxBytes(),
                        config.globalInFlightHigh(),
                        config.globalInFlightLow());
            }
            Libp2pHost host = b.build();
            started.add(host);
            host.start().get(config.kafkaStartupTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (gossip != null) {
                started.add(gossip);
                gossip.start(host);
                gossipSource.attach(gossip);
                gossipDiscovery = new GossipDiscovery(
                        gossipSettings, host, gossip, config.gossipDiscoveryInterval(), config.gossipMaxPeers());
                started.add(gossipDiscovery);
                gossipDiscovery.start();
            }
            metrics.openConnections(() -> host.stats().openConnections());
            metrics.extraGauges(() -> libp2pMetrics(host.stats()));
            metrics.relayLimits(() -> {
                Map<String, long[]> out = new LinkedHashMap<>();
                host.reservations()
                        .forEach((relay, state) ->
                                out.put(relay, new long[] {state.limitDurationSeconds(), state.limitDataBytes()}));
                return out;
            });
            metrics.relayReservations(() -> {
                Map<String, Boolean> out = new LinkedHashMap<>();
                host.reservations()
                        .forEach((relay, state) -> out.put(relay, state.status() == ReservationState.Status.RESERVED));
                return out;
            });

            HeartbeatEmitter heartbeats = new HeartbeatEmitter(producer, config.heartbeatInterval());
            started.add(heartbeats);
            heartbeats.start();

            ChainWatcher chainWatcher = null;
            if (ChainWatcherSettings.enabled(config)) {
                chainWatcher = new ChainWatcher(ChainWatcherSettings.from(config), clock.asJavaClock());
                started.add(chainWatcher);
                chainWatcher.start();
                ChainWatcher watcher = chainWatcher;
                metrics.extraGauges(() -> watcher.metrics().snapshot());
            } else if (!config.chainWatcherKeysGiven().isEmpty()) {
                LOG.warn(
                        "chain watcher settings {} without {}: the chain watcher is not started",
                        config.chainWatcherKeysGiven(),
                        BridgeConfig.RPC_URL.key());
            }

            if (gossip != null) {
                GossipSub g = gossip;
                GossipSource src = gossipSource;
                ChainWatcher watcher = chainWatcher;
                metrics.extraGauges(() -> {
                    Map<String, Long> out = new LinkedHashMap<>(
                            watcher == null ? Map.of() : watcher.metrics().snapshot());
                    var st = g.stats();
                    out.put("gossip_peers", (long) st.peers());
                    out.put("gossip_mesh_peers", (long) st.meshPeers());
                    out.put("gossip_messages_received_total", st.received());
                    out.put("gossip_messages_delivered_total", st.delivered());
                    out.put("gossip_messages_duplicate_total", st.duplicates());
                    out.put("gossip_messages_rejected_total", st.rejected());
                    out.put("gossip_messages_forwarded_total", st.forwarded());
                    out.put("gossip_rpcs_graylisted_total", st.graylisted());
                    out.put("gossip_rpcs_dropped_total", st.dropped());
                    out.put("gossip_heartbeats_total", src.heartbeats.sum());
                    out.put("gossip_live_snapshotters", src.livePeers(60_000));
                    out.put("gossip_submissions_accepted_total", src.accepted.sum());
                    out.put("gossip_submissions_resent_total", src.resent.sum());
                    out.put("gossip_submissions_abandoned_total", src.abandoned.sum());
                    return out;
                });
            }

            IngestBridge[] self = new IngestBridge[1];
            OpsHttpServer http = new OpsHttpServer(config.httpListen(), metrics, () -> self[0].health());
            self[0] = new IngestBridge(config, metrics, producer, handler, host, heartbeats, chainWatcher, http);
            self[0].gossip = gossip;
            self[0].gossipSource = gossipSource;
            self[0].gossipDiscovery = gossipDiscovery;
            LOG.info(
                    "ingest bridge {} up: peer {} listening on {}, relays {}, metrics on :{}",
                    config.bridgeId(),
                    host.peerId(),
                    host.listenAddresses(),
                    config.relays(),
                    http.port());
            return self[0];
        } catch (Exception e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("ingest bridge failed to start: " + e.getMessage(), e);
        }
    }

    /**
     * A relay is ready when we hold a reservation on it and it relays without limits: a limited relayed connection
     * (go-libp2p's and js-libp2p's defaults: 2 minutes, 128 KiB) cuts pooled {@code /collect} streams, and
     * go-libp2p collectors do not open streams on limited connections at all.
     */
    static HealthCheck relayCheck(String relay, ReservationState state) {
        String detail = state.status() + (state.lastError() == null ? "" : " (" + state.lastError() + ")");
        if (state.limited()) {
            // Limit.duration is seconds in the circuit v2 spec; js-libp2p relays send milliseconds: show it as sent
            detail += "; the relay limits each relayed connection (Limit.duration " + state.limitDurationSeconds()
                    + ", Limit.data " + state.limitDataBytes() + " bytes): configure it without limits (go-libp2p: "
                    + "relay.WithInfiniteLimits() or Resources.Limit = nil; js-libp2p: reservations.applyDefaultLimit = false)";
        }
        return new HealthCheck(
                "relay " + relay, state.status() == ReservationState.Status.RESERVED && !state.limited(), detail);
    }

    /** The libp2p host's admission and queue counters, by metric name without the prefix. */
    static Map<String, Long> libp2pMetrics(io.powerloom.sequencer.libp2p.HostStats s) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("libp2p_relayed_connections", (long) s.relayedConnections());
        m.put("libp2p_connections_refused_total", s.rejectedConnections());
        m.put("libp2p_connections_refused_per_ip_total", s.refusedPerIp());
        m.put("libp2p_relayed_refused_total", s.refusedRelayed());
        m.put("libp2p_connections_closed_idle_total", s.closedIdle());
        m.put("libp2p_queued_bytes", s.queuedBytes());
        m.put("libp2p_read_pauses_total", s.readPauses());
        m.put("libp2p_limited_circuits_total", s.limitedCircuits());
        return m;
    }

    /**
     * The readiness conditions: libp2p host listening, Kafka acknowledging (heartbeats are acknowledged every
     * interval, so a recent acknowledgement proves the broker reachable), a reservation on every configured relay,
     * and the chain watcher completing its cycles ({@link ChainWatcher#unreadyReason}).
     */
    public List<HealthCheck> health() {
        List<HealthCheck> checks = new ArrayList<>();
        List<String> listening = host.listenAddresses();
        checks.add(new HealthCheck("libp2p", !listening.isEmpty(), "listening on " + listening));
        long sinceAck = System.currentTimeMillis() - producer.lastAckMs();
        long allowed = 3 * config.heartbeatInterval().toMillis() + 5_000;
        boolean kafkaOk = producer.lastAckMs() > 0 && sinceAck <= allowed;
        checks.add(new HealthCheck(
                "kafka",
                kafkaOk,
                producer.lastAckMs() == 0
                        ? "no acknowledgement yet"
                        : "last acknowledgement " + sinceAck + " ms ago (limit " + allowed + " ms)"));
        if (gossip != null) {
            var st = gossip.stats();
            boolean needsPeers = !config.gossipBootstrapPeers().isEmpty();
            checks.add(new HealthCheck(
                    "gossipsub",
                    !needsPeers || st.peers() > 0,
                    st.peers() + " pubsub peers, "
                            + st.meshPeers() + " in our meshes, rendezvous "
                            + (gossipDiscovery != null && gossipDiscovery.advertised()
                                    ? "advertised"
                                    : "not advertised yet")));
        }
        Map<String, ReservationState> reservations = host.reservations();
        if (config.relays().isEmpty()) {
            checks.add(new HealthCheck("relays", true, "no relays configured"));
        }
        reservations.forEach((relay, state) -> checks.add(relayCheck(relay, state)));
        if (chainWatcher != null) {
            String unready = chainWatcher.unreadyReason(System.currentTimeMillis());
            checks.add(new HealthCheck(
                    "chain-watcher",
                    unready == null,
                    unready != null
                            ? unready
                            : "lag " + chainWatcher.metrics().lag() + " blocks, head "
                                    + chainWatcher.metrics().head()));
        }
        return checks;
    }

    /** The libp2p host (peer ID, addresses). */
    public Libp2pHost host() {
        return host;
    }

    /** The metrics registry. */
    public BridgeMetrics metrics() {
        return metrics;
    }

    /** The {@code /collect} handler. */
    public CollectProtocolHandler collectHandler() {
        return handler;
    }

    /** The gossipsub router, or null when {@code gossip.enabled} is false. */
    public GossipSub gossip() {
        return gossip;
    }

    /** The gossipsub source, or null when {@code gossip.enabled} is false. */
    public GossipSource gossipSource() {
        return gossipSource;
    }

    /** The gossipsub discovery (bootstrap, DHT rendezvous), or null when {@code gossip.enabled} is false. */
    public GossipDiscovery gossipDiscovery() {
        return gossipDiscovery;
    }

    /** The port of the health/metrics HTTP server. */
    public int httpPort() {
        return http.port();
    }

    /** Graceful shutdown (see the class description); safe to call more than once. */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        Duration timeout = config.shutdownTimeout();
        LOG.info("ingest bridge {} shutting down", config.bridgeId());
        handler.stopAccepting();
        if (gossipDiscovery != null) {
            gossipDiscovery.close();
        }
        if (gossip != null) {
            gossip.close();
        }
        try {
            host.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the libp2p host: {}", e.toString());
        }
        try {
            if (!handler.awaitNoneInFlight(timeout)) {
                LOG.warn("{} submissions still un-acknowledged after {}", handler.inFlight(), timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (chainWatcher != null) {
            chainWatcher.close();
        }
        heartbeats.close();
        heartbeats.tick(); // a last heartbeat round: event time moves past everything this bridge wrote
        producer.flush(timeout);
        producer.close(timeout);
        http.close();
        LOG.info(
                "ingest bridge {} stopped: received {}, accepted {}, rejected {}",
                config.bridgeId(),
                metrics.received.sum(),
                metrics.accepted.sum(),
                metrics.rejectedTotal());
    }

    /**
     * {@code [--config <file>] [--<key> <value>]...}: the properties file, overridden by the arguments, overridden by
     * the environment ({@code SEQUENCER_<KEY>}), as {@link BridgeConfig} describes.
     */
    public static void main(String[] args) throws InterruptedException {
        BridgeConfig config;
        try {
            Map<String, String> given = io.powerloom.sequencer.config.Args.parse(args);
            String file = given.remove("config");
            List<String> rest = new ArrayList<>();
            given.forEach((k, v) -> {
                rest.add("--" + k);
                rest.add(v);
            });
            config = BridgeConfig.load(
                    file == null ? null : Path.of(file), rest.toArray(new String[0]), System.getenv());
        } catch (io.powerloom.sequencer.config.ConfigException e) {
            System.err.println("configuration error: " + e.getMessage()
                    + "\nusage: IngestBridge [--config bridge.properties] [--<key> <value>]...");
            System.exit(2);
            return;
        }
        IngestBridge bridge = IngestBridge.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                bridge.close();
                            } finally {
                                stopped.countDown();
                                // log4j's own shutdown hook is disabled (log4j2.xml) so that the lines above are
                                // written
                                org.apache.logging.log4j.LogManager.shutdown();
                            }
                        },
                        "ingest-bridge-shutdown"));
        stopped.await();
    }
}
