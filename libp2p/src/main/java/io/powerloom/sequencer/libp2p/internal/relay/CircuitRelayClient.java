package io.powerloom.sequencer.libp2p.internal.relay;

import io.netty.buffer.ByteBuf;
import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.Multiaddr;
import io.powerloom.sequencer.libp2p.OutboundStream;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.StreamContext;
import io.powerloom.sequencer.libp2p.StreamHandler;
import io.powerloom.sequencer.libp2p.internal.core.HostCore;
import io.powerloom.sequencer.libp2p.internal.core.StreamLink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of circuit relay v2: reserving a slot ({@code /hop} RESERVE), accepting relayed connections
 * ({@code /stop} CONNECT, as the {@link StreamHandler} of {@link CircuitMessages#STOP}), and dialing a peer
 * through a relay ({@code /hop} CONNECT). A relayed connection is a full libp2p connection (Noise + yamux)
 * running inside the relay stream.
 */
public final class CircuitRelayClient implements StreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CircuitRelayClient.class);
    private static final long EXCHANGE_TIMEOUT_MS = 15_000;

    private final HostCore core;

    public CircuitRelayClient(HostCore core) {
        this.core = core;
    }

    // ---- STOP: a relay delivers a connection from a peer ----

    @Override
    public void onOpen(StreamContext stream) {
        Connection relay = ((OutboundStream) stream).connection();
        StreamLink link = StreamLink.takeOver(stream, relay.remoteAddress() + "/p2p-circuit");
        link.receiver(
                new FramedMessageLink(link, (bytes, leftover) -> onStopMessage(stream, link, bytes, leftover), e -> {
                    LOG.debug("relay stop stream from {} failed: {}", relay.remotePeer(), e.getMessage());
                    stream.reset();
                }));
    }

    private void onStopMessage(StreamContext stream, StreamLink link, byte[] bytes, ByteBuf leftover) {
        CircuitMessages.Message m;
        try {
            m = CircuitMessages.decode(bytes, false);
        } catch (Libp2pException e) {
            answerAndClose(link, 400);
            return;
        }
        if (m.type() != CircuitMessages.STOP_CONNECT || m.peer() == null) {
            answerAndClose(link, m.type() != CircuitMessages.STOP_CONNECT ? 401 : 400);
            return;
        }
        if (!core.relayAllowed(((OutboundStream) stream).connection().remotePeer())) {
            LOG.debug(
                    "refusing a relayed connection through {}: not a configured relay",
                    ((OutboundStream) stream).connection().remotePeer());
            answerAndClose(link, 202); // PERMISSION_DENIED
            return;
        }
        if (!core.hasConnectionCapacity()) {
            core.countRejected();
            answerAndClose(link, 201); // RESOURCE_LIMIT_EXCEEDED: the dialer learns why at once
            return;
        }
        if (m.limitDurationSeconds() > 0 || m.limitDataBytes() > 0) {
            core.countLimitedCircuit();
            LOG.debug(
                    "relayed connection from {} is limited to {} s and {} bytes",
                    m.peer(),
                    m.limitDurationSeconds(),
                    m.limitDataBytes());
        }
        ByteBuf ok = link.alloc().buffer(8);
        CircuitMessages.writeFramed(ok, CircuitMessages.stopStatus(CircuitMessages.STATUS_OK));
        link.write(ok);
        core.upgradeRelayed(link, false, null).whenComplete((c, e) -> {
            if (e != null) {
                LOG.debug("relayed connection from {} failed: {}", m.peer(), e.getMessage());
            } else if (!c.remotePeer().equals(m.peer())) {
                LOG.warn("relay announced {} but the Noise identity is {}: closing", m.peer(), c.remotePeer());
                c.close();
            }
        });
        if (leftover.isReadable()) {
            link.onData(stream, leftover);
        }
    }

    private static void answerAndClose(StreamLink link, int status) {
        ByteBuf b = link.alloc().buffer(8);
        CircuitMessages.writeFramed(b, CircuitMessages.stopStatus(status));
        link.write(b);
        link.close();
    }

    @Override
    public void onData(StreamContext stream, ByteBuf data) {}

    @Override
    public void onClose(StreamContext stream, boolean reset) {}

    // ---- HOP: reserve and connect ----

    /** Sends RESERVE on a new hop stream of {@code relay}; completes with the relay's OK answer. */
    public CompletableFuture<CircuitMessages.Message> reserve(Connection relay) {
        return hopExchange(relay, CircuitMessages.reserve(), (link, m, leftover) -> {
            link.close();
            return CompletableFuture.completedFuture(m);
        });
    }

    /**
     * Dials {@code <relay>/p2p-circuit/p2p/<target>}: reuses an open connection to the relay or dials it,
     * sends CONNECT, and upgrades the stream to a connection with the target (as initiator).
     */
    public CompletableFuture<Connection> dial(Multiaddr circuit) {
        Multiaddr relayAddr = circuit.relayPart();
        PeerId relayPeer = relayAddr.peerId();
        PeerId target = circuit.peerId();
        if (relayPeer == null || target == null || target.equals(relayPeer)) {
            return CompletableFuture.failedFuture(new Libp2pException(
                    Libp2pException.Kind.INVALID_INPUT,
                    "circuit address must be <relay>/p2p/<relay id>/p2p-circuit/p2p/<target id>: " + circuit));
        }
        List<Connection> existing = core.connectionsTo(relayPeer);
        CompletableFuture<Connection> relayConn =
                existing.isEmpty() ? core.dialDirect(relayAddr) : CompletableFuture.completedFuture(existing.get(0));
        return relayConn.thenCompose(relay ->
                hopExchange(relay, CircuitMessages.connect(target), (link, m, leftover) -> {
                    CompletableFuture<Connection> c = core.upgradeRelayed(link, true, target);
                    if (leftover.isReadable()) {
                        link.onData(null, leftover);
                    }
                    return c;
                }));
    }

    /** What to do with the relay's OK answer on a hop stream. */
    private interface OnOk<T> {
        CompletableFuture<T> apply(StreamLink link, CircuitMessages.Message answer, ByteBuf leftover);
    }

    private <T> CompletableFuture<T> hopExchange(Connection relay, byte[] request, OnOk<T> onOk) {
        CompletableFuture<T> result = new CompletableFuture<>();
        relay.openStream(CircuitMessages.HOP).whenComplete((stream, err) -> {
            if (err != null) {
                result.completeExceptionally(err);
                return;
            }
            Runnable start = () -> {
                StreamLink link = StreamLink.takeOver(stream, relay.remoteAddress() + "/p2p-circuit");
                link.receiver(new FramedMessageLink(
                        link,
                        (bytes, leftover) -> {
                            try {
                                CircuitMessages.Message m = CircuitMessages.decode(bytes, true);
                                if (m.type() != CircuitMessages.HOP_STATUS || m.status() != CircuitMessages.STATUS_OK) {
                                    link.close();
                                    result.completeExceptionally(new Libp2pException(
                                            Libp2pException.Kind.RELAY,
                                            "relay " + relay.remotePeer() + " answered "
                                                    + CircuitMessages.statusName(m.status())));
                                    return;
                                }
                                onOk.apply(link, m, leftover).whenComplete((v, e) -> {
                                    if (e != null) {
                                        result.completeExceptionally(e);
                                    } else {
                                        result.complete(v);
                                    }
                                });
                            } catch (RuntimeException e) {
                                link.close();
                                result.completeExceptionally(e);
                            }
                        },
                        e -> {
                            stream.reset();
                            result.completeExceptionally(e);
                        }));
                ByteBuf b = link.alloc().buffer(request.length + 4);
                CircuitMessages.writeFramed(b, request);
                link.write(b);
            };
            if (stream.eventLoop().inEventLoop()) {
                start.run();
            } else {
                stream.eventLoop().execute(start);
            }
        });
        return result.orTimeout(EXCHANGE_TIMEOUT_MS * 2, TimeUnit.MILLISECONDS);
    }
}
