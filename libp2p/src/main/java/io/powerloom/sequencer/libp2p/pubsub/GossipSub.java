package io.powerloom.sequencer.libp2p.pubsub;

import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.Libp2pHost;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.crypto.PrivateKey;
import io.powerloom.sequencer.libp2p.internal.pubsub.GossipRouter;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A GossipSub v1.2 router (libp2p/specs pubsub, gossipsub v1.0–v1.2) on a {@link Libp2pHost}: speaks
 * {@code /meshsub/1.2.0}, {@code 1.1.0} and {@code 1.0.0}, signs with StrictSign and verifies every message
 * (publisher key, {@code from}, {@code seqno}), uses message id = from + seqno, keeps mesh, gossip (IHAVE/IWANT,
 * IDONTWANT), message and seen caches, and scores peers (invalid deliveries, misbehaviour) down to a graylist.
 *
 * <pre>{@code
 * GossipSub gossip = new GossipSub(key, GossipSubParams.powerloom());
 * Libp2pHost host = gossip.install(Libp2pHost.builder().identity(key).listen("/ip4/0.0.0.0/tcp/0")).build();
 * host.start().join();
 * gossip.start(host);
 * gossip.subscribe("/powerloom/snapshot-submissions/all", msg -> Validation.ACCEPT);
 * gossip.connect("/ip4/10.0.0.5/tcp/9100/p2p/12D3Koo...");
 * }</pre>
 */
public final class GossipSub implements AutoCloseable {
    /** The pubsub protocol ids, newest first. */
    public static final List<String> PROTOCOLS = GossipRouter.PROTOCOLS;

    private final GossipRouter router;
    private volatile Libp2pHost host;

    /** A router signing with {@code identity}, which must be the host's identity key. */
    public GossipSub(PrivateKey identity, GossipSubParams params) {
        Objects.requireNonNull(params, "params");
        this.router = new GossipRouter(params, Objects.requireNonNull(identity, "identity"), this::dial);
    }

    /** Registers the inbound {@code /meshsub/*} handlers on the host being built; returns the builder. */
    public Libp2pHost.Builder install(Libp2pHost.Builder builder) {
        for (String p : PROTOCOLS) {
            builder.handle(p, router.inboundHandler());
        }
        return builder;
    }

    /** Starts the heartbeat on the (started) host built with {@link #install}. */
    public void start(Libp2pHost host) {
        if (!host.peerId().equals(router.self())) {
            throw new Libp2pException(
                    Libp2pException.Kind.INVALID_INPUT,
                    "the router's identity " + router.self() + " is not the host's " + host.peerId());
        }
        this.host = host;
        router.start();
    }

    private CompletableFuture<Connection> dial(String multiaddr) {
        Libp2pHost h = host;
        if (h == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not started"));
        }
        try {
            PeerId peer =
                    io.powerloom.sequencer.libp2p.Multiaddr.parse(multiaddr).peerId();
            List<Connection> open = peer == null ? List.of() : h.connectionsTo(peer);
            if (!open.isEmpty()) {
                return CompletableFuture.completedFuture(open.get(open.size() - 1));
            }
        } catch (Libp2pException e) {
            return CompletableFuture.failedFuture(e);
        }
        return h.dial(multiaddr);
    }

    /** This router's peer id. */
    public PeerId peerId() {
        return router.self();
    }

    /** Subscribes: {@code handler} gets each new valid message of {@code topic} once. */
    public void subscribe(String topic, TopicHandler handler) {
        router.subscribe(Objects.requireNonNull(topic), Objects.requireNonNull(handler));
    }

    public void unsubscribe(String topic) {
        router.unsubscribe(topic);
    }

    /** Called with every message the router refuses (oversized, malformed, bad signature, foreign topic). */
    public void onRejected(RejectionListener listener) {
        router.onRejected(Objects.requireNonNull(listener));
    }

    /** Signs and sends {@code data} on {@code topic}; returns the hex message id. */
    public String publish(String topic, byte[] data) {
        return router.publish(topic, data);
    }

    /**
     * Signs a message for {@code topic} now, to publish later with {@link #publish(Prepared)} (a load driver signs
     * ahead so that the measured run spends no CPU on the publishers' signatures).
     */
    public Prepared prepare(String topic, byte[] data) {
        return new Prepared(router.sign(topic, data));
    }

    /** Publishes a prepared message; returns the hex message id. */
    public String publish(Prepared message) {
        return router.publishSigned(message.message);
    }

    /** A message signed by this router and not yet published. */
    public static final class Prepared {
        private final io.powerloom.sequencer.libp2p.internal.pubsub.Rpc.Message message;

        private Prepared(io.powerloom.sequencer.libp2p.internal.pubsub.Rpc.Message message) {
            this.message = message;
        }
    }

    /** Dials a peer ({@code .../p2p/<id>}) and starts pubsub with it; completes with its peer id. */
    public CompletableFuture<PeerId> connect(String multiaddr) {
        return router.connect(multiaddr);
    }

    /** Starts pubsub on a connection made elsewhere (e.g. by peer discovery). */
    public void addConnection(Connection connection) {
        router.addConnection(connection);
    }

    /**
     * Stops (or resumes) reading all inbound pubsub streams: backpressure for a slow sink. Paused senders stall at
     * their flow-control window; nothing is dropped.
     */
    public void setInboundPaused(boolean paused) {
        router.setInboundPaused(paused);
    }

    /** The peer's current score (0 for unknown peers). */
    public double score(PeerId peer) {
        return router.score(peer);
    }

    public CompletableFuture<Set<PeerId>> meshPeers(String topic) {
        return router.meshPeers(topic);
    }

    public CompletableFuture<Set<PeerId>> topicPeers(String topic) {
        return router.topicPeers(topic);
    }

    public GossipStats stats() {
        return router.stats();
    }

    /** Stops the router (the host is closed by its owner). */
    @Override
    public void close() {
        router.close();
    }
}
