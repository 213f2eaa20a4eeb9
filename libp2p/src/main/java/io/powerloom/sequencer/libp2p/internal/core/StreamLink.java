package io.powerloom.sequencer.libp2p.internal.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.StreamContext;
import io.powerloom.sequencer.libp2p.StreamHandler;
import io.powerloom.sequencer.libp2p.internal.transport.Link;

/**
 * Turns a negotiated stream into a {@link Link}, so that a whole connection (multistream, Noise, yamux) can run
 * inside it: this is how relayed connections ride on a relay's {@code /stop} or {@code /hop} stream.
 */
public final class StreamLink implements Link, StreamHandler {
    private final StreamContextImpl stream;
    private final String remoteAddress;
    private Receiver receiver;
    private boolean closed;

    private StreamLink(StreamContextImpl stream, String remoteAddress) {
        this.stream = stream;
        this.remoteAddress = remoteAddress;
    }

    /**
     * Takes over {@code stream} (one of this host's streams); from now on its data goes to the link's receiver.
     * Call on the stream's event loop.
     */
    public static StreamLink takeOver(StreamContext stream, String remoteAddress) {
        if (!(stream instanceof StreamContextImpl impl)) {
            throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "not a stream of this host: " + stream);
        }
        StreamLink link = new StreamLink(impl, remoteAddress);
        impl.takeOver(link);
        return link;
    }

    @Override
    public EventLoop eventLoop() {
        return stream.eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return stream.yamux().session().link().alloc();
    }

    @Override
    public void receiver(Receiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public void write(ByteBuf data) {
        if (closed) {
            data.release();
            return;
        }
        stream.writeDirect(data);
    }

    @Override
    public void flush() {
        // the relay connection's Noise layer flushes once per event-loop turn
    }

    @Override
    public void close() {
        if (!closed) {
            stream.yamux().close();
            notifyClose(null);
        }
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public void onOpen(StreamContext s) {}

    @Override
    public void onData(StreamContext s, ByteBuf data) {
        if (receiver == null || closed) {
            return;
        }
        try {
            receiver.onData(data);
        } catch (RuntimeException e) {
            stream.yamux().reset();
            notifyClose(e);
        }
    }

    @Override
    public void onClose(StreamContext s, boolean reset) {
        if (!closed) {
            stream.yamux().reset();
        }
        notifyClose(null);
    }

    private void notifyClose(Throwable cause) {
        if (!closed) {
            closed = true;
            if (receiver != null) {
                receiver.onClose(cause);
            }
        }
    }
}
