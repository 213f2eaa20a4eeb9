package io.powerloom.sequencer.bridge.libp2p;

import io.powerloom.sequencer.bridge.libp2p.crypto.Keys;
import io.powerloom.sequencer.bridge.libp2p.crypto.PrivateKey;
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
    private final Config config;

    private Libp2pHost(Config config) {
        this.config = config;
    }

    /** A builder with defaults: random Ed25519 identity, no listen address, no relays. */
    public static Builder builder() {
        return new Builder();
    }

    /** Binds the listen addresses and starts the relay reservations; completes when listening. */
    public CompletableFuture<Libp2pHost> start() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** This host's peer id. */
    public PeerId peerId() {
        return PeerId.fromPublicKey(config.identity.publicKey());
    }

    /** The bound listen addresses, each ending in {@code /p2p/<our id>}. */
    public List<String> listenAddresses() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** {@code <relay>/p2p-circuit/p2p/<our id>} for every relay we currently hold a reservation on. */
    public List<String> circuitAddresses() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Reservation state per configured relay address (for metrics and health). */
    public Map<String, ReservationState> reservations() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Dials {@code multiaddr}: {@code /ip4/.../tcp/.../p2p/<id>} directly, or
     * {@code <relay>/p2p-circuit/p2p/<id>} through the relay. The {@code /p2p/<id>} part is checked against the
     * peer's Noise identity when present.
     */
    public CompletableFuture<Connection> dial(String multiaddr) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Current counters. */
    public HostStats stats() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Stops listening, ends reservations, closes every connection (go-away) and the event loops. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Configuration gathered by the {@link Builder}. */
    record Config(PrivateKey identity, List<Multiaddr> listen, List<Multiaddr> relays,
                  Map<String, StreamHandler> handlers, int maxConnections, int maxStreamsPerConnection,
                  int eventLoopThreads, Duration handshakeTimeout, String agentVersion) {}

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
        private String agentVersion = "powerloom-sequencer-libp2p/0.1";

        private Builder() {}

        /** The identity key (Ed25519 or secp256k1); default: a fresh Ed25519 key. */
        public Builder identity(PrivateKey key) {
            this.identity = Objects.requireNonNull(key, "key");
            return this;
        }

        /** Adds a TCP listen address, e.g. {@code /ip4/127.0.0.1/tcp/0} (port 0: any free port). */
        public Builder listen(String multiaddr) {
            Multiaddr m = Multiaddr.parse(multiaddr);
            if (m.tcpPort() < 0 || m.host() == null || m.isCircuit()) {
                throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT,
                        "listen address must be /ip4|ip6/<host>/tcp/<port>: " + multiaddr);
            }
            listen.add(m);
            return this;
        }

        /** Adds a circuit relay v2 to hold a reservation on; the address must end in {@code /p2p/<relay id>}. */
        public Builder relay(String multiaddr) {
            Multiaddr m = Multiaddr.parse(multiaddr);
            if (m.peerId() == null || m.tcpPort() < 0 || m.isCircuit()) {
                throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT,
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

        /** The agent version announced by identify. */
        public Builder agentVersion(String agent) {
            this.agentVersion = Objects.requireNonNull(agent);
            return this;
        }

        public Libp2pHost build() {
            PrivateKey key = identity != null ? identity : Keys.generateEd25519();
            return new Libp2pHost(new Config(key, List.copyOf(listen), List.copyOf(relays),
                    Map.copyOf(handlers), maxConnections, maxStreamsPerConnection, eventLoopThreads,
                    handshakeTimeout, agentVersion));
        }

        private static int positive(int v, String name) {
            if (v <= 0) {
                throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, name + " must be positive, got " + v);
            }
            return v;
        }
    }
}
