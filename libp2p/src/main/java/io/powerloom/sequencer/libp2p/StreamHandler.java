package io.powerloom.sequencer.libp2p;

import io.netty.buffer.ByteBuf;

/**
 * Receives the streams of one protocol (inbound streams registered with
 * {@link Libp2pHost.Builder#handle(String, StreamHandler)}, or the inbound side of a stream opened with
 * {@link Connection#openStream(String, StreamHandler)}).
 *
 * <p>All callbacks run on the stream's event loop ({@link StreamContext#eventLoop()}) and must not block.
 */
public interface StreamHandler {
    /** The stream was negotiated for this handler's protocol. */
    void onOpen(StreamContext stream);

    /**
     * Bytes arrived on the stream. {@code data} is released by the caller after return: copy (or
     * {@code retain()}) what you keep.
     */
    void onData(StreamContext stream, ByteBuf data);

    /** The remote closed its side (FIN), reset the stream, or the connection was lost; called exactly once. */
    void onClose(StreamContext stream, boolean reset);

    /** A handler that ignores everything it receives (used for write-only outbound streams). */
    StreamHandler DISCARD = new StreamHandler() {
        @Override
        public void onOpen(StreamContext stream) {}

        @Override
        public void onData(StreamContext stream, ByteBuf data) {}

        @Override
        public void onClose(StreamContext stream, boolean reset) {}
    };
}
