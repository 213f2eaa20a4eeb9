package io.powerloom.sequencer.libp2p.internal.core;

import io.netty.buffer.ByteBuf;
import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.OutboundStream;
import io.powerloom.sequencer.libp2p.StreamHandler;
import io.powerloom.sequencer.libp2p.internal.multistream.MultistreamNegotiator;
import io.powerloom.sequencer.libp2p.internal.yamux.YamuxStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs multistream-select on a fresh yamux stream, then hands the stream to a {@link StreamContextImpl}
 * (with any bytes that arrived right after the negotiation).
 */
final class StreamNegotiation implements YamuxStream.Receiver {
    private final ConnectionImpl connection;
    private final YamuxStream stream;
    private final MultistreamNegotiator negotiator;
    private final StreamHandler outboundHandler;
    private final CompletableFuture<OutboundStream> outbound;
    private boolean finished;

    private StreamNegotiation(ConnectionImpl connection, YamuxStream stream, String protocol,
                              StreamHandler outboundHandler, CompletableFuture<OutboundStream> outbound) {
        this.connection = connection;
        this.stream = stream;
        this.outboundHandler = outboundHandler;
        this.outbound = outbound;
        this.negotiator = protocol == null
                ? MultistreamNegotiator.responder(p -> connection.core().handler(p) != null,
                        b -> stream.write(b, null), stream.session().link().alloc())
                : MultistreamNegotiator.initiator(List.of(protocol), b -> stream.write(b, null),
                        stream.session().link().alloc());
    }

    /** How long an inbound stream may take to name its protocol before it is reset. */
    static final long NEGOTIATION_TIMEOUT_MS = 10_000;

    /** Negotiates an inbound stream against the host's handlers (reset if it does not finish in time). */
    static void inbound(ConnectionImpl connection, YamuxStream stream) {
        StreamNegotiation n = new StreamNegotiation(connection, stream, null, null, null);
        stream.receiver(n);
        n.negotiator.start();
        stream.eventLoop().schedule(() -> {
            if (n.negotiator.protocol() == null && !n.finished) {
                n.finished = true;
                n.negotiator.release();
                stream.reset();
            }
        }, NEGOTIATION_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Proposes {@code protocol} on an outbound stream. */
    static void outbound(ConnectionImpl connection, YamuxStream stream, String protocol, StreamHandler handler,
                         CompletableFuture<OutboundStream> future) {
        StreamNegotiation n = new StreamNegotiation(connection, stream, protocol, handler, future);
        stream.receiver(n);
        n.negotiator.start();
    }

    @Override
    public void onData(YamuxStream s, ByteBuf data) {
        if (finished) {
            return;
        }
        boolean done;
        try {
            done = negotiator.feed(data);
        } catch (Libp2pException e) {
            finished = true;
            negotiator.release();
            stream.reset();
            if (outbound != null) {
                outbound.completeExceptionally(e);
            }
            return;
        }
        if (!done) {
            return;
        }
        finished = true;
        String protocol = negotiator.protocol();
        StreamHandler handler = outbound != null ? outboundHandler : connection.core().handler(protocol);
        StreamContextImpl ctx = new StreamContextImpl(connection, stream, protocol, handler, connection.core().nextStreamId());
        stream.receiver(ctx);
        ByteBuf leftover = negotiator.takeLeftover();
        try {
            if (outbound != null) {
                outbound.complete(ctx);
            }
            ctx.open();
            if (leftover.isReadable()) {
                ctx.onData(stream, leftover);
            }
        } finally {
            leftover.release();
        }
    }

    @Override
    public void onClose(YamuxStream s, boolean reset) {
        if (finished) {
            return;
        }
        finished = true;
        negotiator.release();
        stream.reset();
        if (outbound != null) {
            outbound.completeExceptionally(new Libp2pException(Libp2pException.Kind.NEGOTIATION,
                    "stream " + (reset ? "reset" : "closed") + " before protocol negotiation finished"));
        }
    }
}
