package io.powerloom.sequencer.libp2p.internal.core;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.OutboundStream;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.StreamHandler;
import io.powerloom.sequencer.libp2p.internal.yamux.YamuxStream;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A negotiated stream: forwards yamux events to the protocol's {@link StreamHandler}; thread-safe API. */
final class StreamContextImpl implements OutboundStream, YamuxStream.Receiver {
    private static final Logger LOG = LoggerFactory.getLogger(StreamContextImpl.class);

    private final ConnectionImpl connection;
    private final YamuxStream stream;
    private final String protocol;
    private final long id;
    private StreamHandler handler;
    private boolean countBytes = true;
    /** Sent in front of the first write, in the same frame (a lazily negotiated stream's header and protocol). */
    private ByteBuf firstWritePrefix;

    StreamContextImpl(ConnectionImpl connection, YamuxStream stream, String protocol, StreamHandler handler, long id) {
        this.connection = connection;
        this.stream = stream;
        this.protocol = protocol;
        this.handler = handler;
        this.id = id;
    }

    /** Replaces the handler (used when a relay stream becomes a link); stops byte accounting for it. */
    void takeOver(StreamHandler newHandler) {
        this.handler = newHandler;
        this.countBytes = false;
    }

    void firstWritePrefix(ByteBuf prefix) {
        this.firstWritePrefix = prefix;
    }

    private void writeOnLoop(ByteBuf data, CompletableFuture<Void> f) {
        ByteBuf prefix = firstWritePrefix;
        if (prefix != null) {
            firstWritePrefix = null;
            data = stream.session().link().alloc().compositeBuffer(2).addComponents(true, prefix, data);
        }
        stream.write(data, f);
    }

    YamuxStream yamux() {
        return stream;
    }

    @Override
    public PeerId remotePeer() {
        return connection.remotePeer();
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public boolean relayed() {
        return connection.relayed();
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public EventLoop eventLoop() {
        return stream.eventLoop();
    }

    @Override
    public Connection connection() {
        return connection;
    }

    @Override
    public void setReadPaused(boolean paused) {
        run(() -> stream.setReadPaused(paused));
    }

    @Override
    public CompletableFuture<Void> write(ByteBuf data) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (countBytes) {
            connection.core().addBytesOut(data.readableBytes());
        }
        if (eventLoop().inEventLoop()) {
            writeOnLoop(data, f);
        } else {
            try {
                eventLoop().execute(() -> writeOnLoop(data, f));
            } catch (RuntimeException e) {
                data.release();
                f.completeExceptionally(new Libp2pException(Libp2pException.Kind.CLOSED, "event loop is shut down", e));
            }
        }
        return f;
    }

    /** Writes on the event loop without a future (link use). */
    void writeDirect(ByteBuf data) {
        stream.write(data, null);
    }

    @Override
    public void close() {
        run(stream::close);
    }

    @Override
    public void reset() {
        run(stream::reset);
    }

    private void run(Runnable r) {
        if (eventLoop().inEventLoop()) {
            r.run();
        } else {
            try {
                eventLoop().execute(r);
            } catch (RuntimeException ignored) {
                // loop shut down: the stream is gone anyway
            }
        }
    }

    void open() {
        try {
            handler.onOpen(this);
        } catch (RuntimeException e) {
            handlerFailed("onOpen", e);
        }
    }

    @Override
    public void onData(YamuxStream s, ByteBuf data) {
        if (countBytes) {
            connection.core().addBytesIn(data.readableBytes());
        }
        try {
            handler.onData(this, data);
        } catch (RuntimeException e) {
            handlerFailed("onData", e);
        }
    }

    @Override
    public void onClose(YamuxStream s, boolean reset) {
        if (firstWritePrefix != null) { // never written
            firstWritePrefix.release();
            firstWritePrefix = null;
        }
        try {
            handler.onClose(this, reset);
        } catch (RuntimeException e) {
            LOG.warn("handler for {} threw in onClose", protocol, e);
        }
    }

    private void handlerFailed(String where, RuntimeException e) {
        LOG.warn("handler for {} threw in {}: resetting stream {} from {}", protocol, where, id, remotePeer(), e);
        stream.reset();
    }

    @Override
    public String toString() {
        return "stream#" + id + "[" + protocol + " from " + connection.remotePeer() + (relayed() ? " relayed" : "")
                + "]";
    }
}
