package io.powerloom.sequencer.libp2p.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;

/**
 * A bidirectional byte pipe that a protocol layer runs on: a TCP channel, a Noise session, or a yamux stream
 * carrying a relayed connection. Layers stack by each becoming the {@link Receiver} of the one below.
 * Every method must be called on {@link #eventLoop()}.
 */
public interface Link {
    /** The event loop that owns this link. */
    EventLoop eventLoop();

    /** The allocator for buffers written to this link. */
    ByteBufAllocator alloc();

    /** Sets (or replaces) the layer above that receives this link's data. */
    void receiver(Receiver receiver);

    /** Queues {@code data} for sending; ownership passes to the link. */
    void write(ByteBuf data);

    /** Sends what was queued. */
    void flush();

    /** Closes the link (gracefully where the transport allows); the receiver gets {@code onClose}. */
    void close();

    /** The remote address as a multiaddr string. */
    String remoteAddress();

    /** The layer above a link. */
    interface Receiver {
        /** Data from below; {@code data} is released by the caller after return. */
        void onData(ByteBuf data);

        /** The link closed; {@code cause} is null for an orderly close. Called at most once. */
        void onClose(Throwable cause);
    }
}
