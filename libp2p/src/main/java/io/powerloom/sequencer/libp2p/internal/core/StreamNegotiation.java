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
    private boolean started;
    /** For a lazy outbound stream: the stream context already handed out, which takes over once negotiated. */
    private StreamContextImpl lazy;

    private io.netty.util.concurrent.ScheduledFuture<?> timeout;

    private StreamNegotiation(
            ConnectionImpl connection,
            YamuxStream stream,
            String protocol,
            StreamHandler outboundHandler,
            CompletableFuture<OutboundStream> outbound) {
        this.connection = connection;
        this.stream = stream;
        this.outboundHandler = outboundHandler;
        this.outbound = outbound;
        this.negotiator = protocol == null
                ? MultistreamNegotiator.responder(
                        p -> connection.core().handler(p) != null,
                        b -> stream.write(b, null),
                        stream.session().link().alloc())
                : MultistreamNegotiator.initiator(
                        List.of(protocol),
                        b -> stream.write(b, null),
                        stream.session().link().alloc());
    }

    /**
     * How long an inbound stream may take to name its protocol, counted from its first byte. A stream that has
     * sent nothing is not timed: go-libp2p opens pooled streams with a yamux SYN only and negotiates lazily
     * (header, protocol and first message in one write) whenever its first message comes, possibly minutes
     * later. Such streams live as long as their connection; the per-connection stream cap bounds them.
     */
    static final long NEGOTIATION_TIMEOUT_MS = 10_000;

    /** Negotiates an inbound stream against the host's handlers (reset if it starts but does not finish in time). */
    static void inbound(ConnectionImpl connection, YamuxStream stream) {
        StreamNegotiation n = new StreamNegotiation(connection, stream, null, null, null);
        stream.receiver(n);
        // nothing is written before the peer speaks: a lazy peer's header arrives with its proposal, and our
        // header goes out with the answer (a responder's header is only ever read after the peer's own)
    }

    private void startTimer() {
        timeout = stream.eventLoop()
                .schedule(
                        () -> {
                            if (!finished) {
                                finished = true;
                                negotiator.release();
                                stream.reset();
                            }
                        },
                        NEGOTIATION_TIMEOUT_MS,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void cancelTimer() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    /** Proposes {@code protocol} on an outbound stream. */
    static void outbound(
            ConnectionImpl connection,
            YamuxStream stream,
            String protocol,
            StreamHandler handler,
            CompletableFuture<OutboundStream> future) {
        StreamNegotiation n = new StreamNegotiation(connection, stream, protocol, handler, future);
        stream.receiver(n);
        n.negotiator.start();
    }

    /**
     * Opens {@code stream} lazily (go-multistream's lazy client): the context is handed out at once and its first
     * write carries the header and the protocol; the remote's answer is checked as it arrives.
     */
    static void lazyOutbound(
            ConnectionImpl connection,
            YamuxStream stream,
            String protocol,
            StreamHandler handler,
            CompletableFuture<OutboundStream> future) {
        StreamNegotiation n = new StreamNegotiation(connection, stream, protocol, handler, null);
        StreamContextImpl ctx = new StreamContextImpl(
                connection, stream, protocol, handler, connection.core().nextStreamId());
        ByteBuf prefix = stream.session().link().alloc().buffer(64);
        MultistreamNegotiator.writeLine(prefix, MultistreamNegotiator.HEADER);
        MultistreamNegotiator.writeLine(prefix, protocol);
        ctx.firstWritePrefix(prefix);
        n.lazy = ctx;
        stream.receiver(n);
        future.complete(ctx);
        ctx.open();
    }

    @Override
    public void onData(YamuxStream s, ByteBuf data) {
        if (finished) {
            return;
        }
        if (outbound == null && lazy == null && !started && data.isReadable()) {
            started = true;
            negotiator.start();
            startTimer();
        }
        boolean done;
        try {
            done = negotiator.feed(data);
        } catch (Libp2pException e) {
            finished = true;
            cancelTimer();
            negotiator.release();
            stream.reset();
            if (outbound != null) {
                outbound.completeExceptionally(e);
            }
            if (lazy != null) {
                lazy.onClose(stream, true);
            }
            return;
        }
        if (!done) {
            return;
        }
        finished = true;
        cancelTimer();
        if (lazy != null) {
            stream.receiver(lazy);
            ByteBuf rest = negotiator.takeLeftover();
            try {
                if (rest.isReadable()) {
                    lazy.onData(stream, rest);
                }
            } finally {
                rest.release();
            }
            return;
        }
        String protocol = negotiator.protocol();
        StreamHandler handler =
                outbound != null ? outboundHandler : connection.core().handler(protocol);
        StreamContextImpl ctx = new StreamContextImpl(
                connection, stream, protocol, handler, connection.core().nextStreamId());
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
        cancelTimer();
        negotiator.release();
        stream.reset();
        if (lazy != null) {
            lazy.onClose(stream, reset);
        }
        if (outbound != null) {
            outbound.completeExceptionally(new Libp2pException(
                    Libp2pException.Kind.NEGOTIATION,
                    "stream " + (reset ? "reset" : "closed") + " before protocol negotiation finished"));
        }
    }
}
