package io.powerloom.sequencer.libp2p;

import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.libp2p.crypto.PrivateKey;
import io.powerloom.sequencer.libp2p.internal.core.HostCore;
import io.powerloom.sequencer.libp2p.internal.core.IdentifyService;
import io.powerloom.sequencer.libp2p.internal.core.PingService;
import io.powerloom.sequencer.libp2p.internal.relay.CircuitMessages;
import io.powerloom.sequencer.libp2p.internal.relay.CircuitRelayClient;
import io.powerloom.sequencer.libp2p.internal.relay.RelayReservation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A libp2p host: listens on TCP, keeps reservations on circuit relays, accepts direct and relayed connections,
 * dispatches inbound streams to {@link StreamHandler}s by protocol, and dials out.
 *
 * <pre>{@code
 * Libp2pHost host = Libp2pHost.builder()
 *         .identity(Keys.generateEd25519())
 *         .listen("/ip4/127.0.0.1/tcp/0")
 *         .relay("/ip4/10.0.0.5/tcp/4001/p2p/12D3Koo...")
 *         .handle("/collect", myHandler)
 *         .build();
 * host.start().join();
 * }</pre>
 */
public final class Libp2pHost implements AutoCloseable {
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private final Config config;
    private final HostCore core;
    private final CircuitRelayClient relayClient;
    private final List<RelayReservation> reservations = new ArrayList<>();
    private volatile boolean started;

    private Libp2pHost(Config config) {
        this.config = config;
        this.core = new HostCore(
                config.identity(),
                config.maxConnections(),
                config.maxStreamsPerConnection(),
                config.handshakeTimeout(),
                config.keepAlive(),
                config.eventLoopThreads());
        core.admission(new HostCore.Admission(
                config.maxConnectionsPerIp(),
                config.maxPendingHandshakesPerIp(),
                config.idleConnectionTimeout(),
                config.maxQueuedBytesPerConnection()));
        // relayed connections only through the relays we hold reservations on
        java.util.Set<PeerId> relayIds = new java.util.HashSet<>();
        config.relays().forEach(r -> relayIds.add(r.peerId()));
        core.allowRelaysFrom(relayIds);
        this.relayClient = new CircuitRelayClient(core);
        IdentifyService identify = new IdentifyService(core, config.agentVersion(), this::announcedAddresses);
        core.handle(IdentifyService.PROTOCOL_ID, identify);
        core.handle(IdentifyService.PUSH_PROTOCOL_ID, IdentifyService.PUSH_SINK);
        core.handle(PingService.PROTOCOL_ID, new PingService());
        core.handle(CircuitMessages.STOP, relayClient);
        config.handlers().forEach(core::handle);
        for (Multiaddr relay : config.relays()) {
            reservations.add(new RelayReservation(core, relayClient, relay));
        }
    }

    /** A builder with defaults: random Ed25519 identity, no listen address, no relays. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the listen addresses and starts the relay reservations; completes when listening (reservations
     * proceed in the background: see {@link #reservations()}).
     */
    public synchronized CompletableFuture<Libp2pHost> start() {
        if (started) {
            return CompletableFuture.failedFuture(
                    new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "already started"));
        }
        started = true;
        List<CompletableFuture<Multiaddr>> binds = new ArrayList<>();
        for (Multiaddr m : config.listen()) {
            binds.add(core.listen(m));
        }
        return CompletableFuture.allOf(binds.toArray(CompletableFuture[]::new)).thenApply(v -> {
            reservations.forEach(RelayReservation::start);
            return this;
        });
    }

    /** This host's peer id. */
    public PeerId peerId() {
        return core.peerId();
    }

    /** The bound listen addresses, each ending in {@code /p2p/<our id>}. */
    public List<String> listenAddresses() {
        List<String> out = new ArrayList<>();
        for (Multiaddr m : core.boundAddresses()) {
            out.add(m + "/p2p/" + peerId());
        }
        return out;
    }

    /** {@code <relay>/p2p-circuit/p2p/<our id>} for every relay we currently hold a reservation on. */
    public List<String> circuitAddresses() {
        List<String> out = new ArrayList<>();
        for (RelayReservation r : reservations) {
            if (r.state().status() == ReservationState.Status.RESERVED) {
                out.add(r.relay() + "/p2p-circuit/p2p/" + peerId());
            }
        }
        return out;
    }

    private List<Multiaddr> announcedAddresses() {
        List<Multiaddr> out = new ArrayList<>(core.boundAddresses());
        for (String c : circuitAddresses()) {
            out.add(Multiaddr.parse(c));
        }
        return out;
    }

    /** Reservation state per configured relay address (for metrics and health). */
    public Map<String, ReservationState> reservations() {
        Map<String, ReservationState> out = new LinkedHashMap<>();
        for (RelayReservation r : reservations) {
            out.put(r.relay().toString(), r.state());
        }
        return out;
    }

    /**
     * Dials {@code multiaddr}: {@code /ip4/.../tcp/.../p2p/<id>} directly, or
     * {@code <relay>/p2p-circuit/p2p/<id>} through the relay. The {@code /p2p/<id>} part is checked against the
     * peer's Noise identity when present. Failures are {@link Libp2pException}s.
     */
    public CompletableFuture<Connection> dial(String multiaddr) {
        Multiaddr m;
        try {
            m = Multiaddr.parse(multiaddr);
        } catch (Libp2pException e) {
            return CompletableFuture.failedFuture(e);
        }
        return m.isCircuit() ? relayClient.dial(m) : core.dialDirect(m);
    }

    /** Open connections to {@code peer} (direct or relayed), newest last. */
    public List<Connection> connectionsTo(PeerId peer) {
        return core.connectionsTo(peer);
    }

    /** Current counters. */
    public HostStats stats() {
        return core.stats();
    }

    /** Stops listening, ends reservations, closes every connection (go-away) and the event loops. */
    @Override
    public void close() {
        if (core.isClosed()) {
            return;
        }
        reservations.forEach(RelayReservation::stop);
        core.close(CLOSE_GRACE);
    }

    /** Configuration gathered by the {@link Builder}. */
    record Config(
            PrivateKey identity,
            List<Multiaddr> listen,
            List<Multiaddr> relays,
            Map<String, StreamHandler> handlers,
            int maxConnections,
            int maxStreamsPerConnection,
            int eventLoopThreads,
            Duration handshakeTimeout,
            Duration keepAlive,
            String agentVersion,
            int maxConnectionsPerIp,
            int maxPendingHandshakesPerIp,
            Duration idleConnectionTimeout,
            int maxQueuedBytesPerConnection) {}

    /** Builds a {@link Libp2pHost}. */
    public static final class Builder {
        private PrivateKey identity;
        private final List<Multiaddr> listen = new ArrayList<>();
        private final List<Multiaddr> relays = new ArrayList<>();
        private final Map<String, StreamHandler> handlers = new LinkedHashMap<>();
        private int maxConnections = 10_000;
        private int maxStreamsPerConnection = 4_096;
        private int eventLoopThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private Duration handshakeTimeout = Duration.ofSeconds(15);
        private Duration keepAlive = Duration.ofSeconds(15);
        private String agentVersion = "powerloom-sequencer-libp2p/0.1";
        private int maxConnectionsPerIp = 64;
        private int maxPendingHandshakesPerIp = 16;
        private Duration idleConnectionTimeout = Duration.ofMinutes(2);
        private int maxQueuedBytesPerConnection = 256 * 1024;

        private Builder() {}

        /**
         * Most inbound direct connections (established plus in handshake) from one IP address; more are refused
         * at accept, so one host cannot take every slot. Default 64.
         */
        public Builder maxConnectionsPerIp(int max) {
            this.maxConnectionsPerIp = positive(max, "maxConnectionsPerIp");
            return this;
        }

        /** Most inbound connections from one IP address still in their handshake. Default 16. */
        public Builder maxPendingHandshakesPerIp(int max) {
            this.maxPendingHandshakesPerIp = positive(max, "maxPendingHandshakesPerIp");
            return this;
        }

        /**
         * An inbound direct connection with no stream open for this long is closed (default 2 min;
         * {@code Duration.ZERO}: never). A go-libp2p collector keeps its pooled streams open, so only peers that
         * connect and do nothing are closed.
         */
        public Builder idleConnectionTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new Libp2pException(
                        Libp2pException.Kind.INVALID_INPUT, "idleConnectionTimeout must not be negative");
            }
            this.idleConnectionTimeout = timeout;
            return this;
        }

        /**
         * Bytes queued for sending on one TCP connection at which it stops reading until half of them drained
         * (default 256 KiB). Everything a peer can make us send (pongs, window updates, resets, acknowledgements)
         * answers what it sent, so a peer that never reads cannot make us queue much more than this.
         */
        public Builder maxQueuedBytesPerConnection(int bytes) {
            this.maxQueuedBytesPerConnection = positive(bytes, "maxQueuedBytesPerConnection");
            return this;
        }

        /** The identity key (Ed25519 or secp256k1); default: a fresh Ed25519 key. */
        public Builder identity(PrivateKey key) {
            this.identity = Objects.requireNonNull(key, "key");
            return this;
        }

        /** Adds a TCP listen address, e.g. {@code /ip4/127.0.0.1/tcp/0} (port 0: any free port). */
        public Builder listen(String multiaddr) {
            return listen(Multiaddr.parse(multiaddr));
        }

        /** Adds a TCP listen address. */
        public Builder listen(Multiaddr m) {
            String multiaddr = m.toString();
            if (m.tcpPort() < 0 || m.host() == null || m.isCircuit()) {
                throw new Libp2pException(
                        Libp2pException.Kind.INVALID_INPUT,
                        "listen address must be /ip4|ip6/<host>/tcp/<port>: " + multiaddr);
            }
            listen.add(m);
            return this;
        }

        /** Adds a circuit relay v2 to hold a reservation on; the address must end in {@code /p2p/<relay id>}. */
        public Builder relay(String multiaddr) {
            return relay(Multiaddr.parse(multiaddr));
        }

        /** Adds a circuit relay v2 to hold a reservation on. */
        public Builder relay(Multiaddr m) {
            String multiaddr = m.toString();
            if (m.peerId() == null || m.tcpPort() < 0 || m.isCircuit()) {
                throw new Libp2pException(
                        Libp2pException.Kind.INVALID_INPUT,
                        "relay address must be /ip4|dns4/<host>/tcp/<port>/p2p/<relay id>: " + multiaddr);
            }
            relays.add(m);
            return this;
        }

        /** Handles inbound streams negotiated for {@code protocolId}. */
        public Builder handle(String protocolId, StreamHandler handler) {
            if (protocolId == null || !protocolId.startsWith("/") || protocolId.contains("\n")) {
                throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "bad protocol id: " + protocolId);
            }
            handlers.put(protocolId, Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /** Most connections open at once (direct and relayed); more inbound ones are refused. Default 10,000. */
        public Builder maxConnections(int max) {
            this.maxConnections = positive(max, "maxConnections");
            return this;
        }

        /** Most streams open at once on one connection; more inbound ones are reset. Default 4,096. */
        public Builder maxStreamsPerConnection(int max) {
            this.maxStreamsPerConnection = positive(max, "maxStreamsPerConnection");
            return this;
        }

        /** Netty event loop threads. Default: the number of cores. */
        public Builder eventLoopThreads(int threads) {
            this.eventLoopThreads = positive(threads, "eventLoopThreads");
            return this;
        }

        /** Time allowed for the connection upgrade (multistream, Noise, yamux). Default 15 s. */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * Interval of yamux keep-alive pings on every connection (default 15 s; {@code Duration.ZERO} turns them
         * off). A connection whose ping stays unanswered for {@code max(interval, 10 s)} is closed, so a relay
         * that vanished without closing TCP is noticed and the reservation re-established elsewhere.
         */
        public Builder keepAlive(Duration interval) {
            if (interval.isNegative()) {
                throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "keepAlive must not be negative");
            }
            this.keepAlive = interval;
            return this;
        }

        /** The agent version announced by identify. */
        public Builder agentVersion(String agent) {
            this.agentVersion = Objects.requireNonNull(agent);
            return this;
        }

        public Libp2pHost build() {
            PrivateKey key = identity != null ? identity : Keys.generateEd25519();
            return new Libp2pHost(new Config(
                    key,
                    List.copyOf(listen),
                    List.copyOf(relays),
                    Map.copyOf(handlers),
                    maxConnections,
                    maxStreamsPerConnection,
                    eventLoopThreads,
                    handshakeTimeout,
                    keepAlive,
                    agentVersion,
                    maxConnectionsPerIp,
                    maxPendingHandshakesPerIp,
                    idleConnectionTimeout,
                    maxQueuedBytesPerConnection));
        }

        private static int positive(int v, String name) {
            if (v <= 0) {
                throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, name + " must be positive, got " + v);
            }
            return v;
        }
    }
}
