package io.powerloom.sequencer.libp2p;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;

/** One yamux stream of a libp2p connection, after protocol negotiation. Methods are thread-safe. */
public interface StreamContext {
    /** The peer at the other end of the connection. */
    PeerId remotePeer();

    /** The negotiated protocol id, e.g. {@code /collect}. */
    String protocol();

    /** Whether the connection runs through a circuit relay. */
    boolean relayed();

    /** Host-wide unique id of this stream (for logs and maps). */
    long id();

    /**
     * Stops or resumes delivering data. While paused no yamux window updates are granted, so the sender stalls
     * once its window (256 KiB) is used; what arrives meanwhile is kept and delivered on resume.
     */
    void setReadPaused(boolean paused);

    /**
     * Writes {@code data} (ownership passes to the stream, which releases it). The future completes when the
     * bytes were handed to the connection, which may wait for the remote's receive window; it fails when the
     * stream is closed or reset.
     */
    CompletableFuture<Void> write(ByteBuf data);

    /** Half-closes our side (yamux FIN); reading goes on until the remote closes. */
    void close();

    /** Aborts the stream in both directions (yamux RST). */
    void reset();

    /** The event loop that runs this stream's callbacks. */
    EventLoop eventLoop();
}
