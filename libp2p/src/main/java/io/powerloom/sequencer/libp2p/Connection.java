package io.powerloom.sequencer.libp2p;

import java.util.concurrent.CompletableFuture;

/** A secured (Noise) and multiplexed (yamux) connection to one peer, direct over TCP or through a relay. */
public interface Connection {
    /** The authenticated peer at the other end. */
    PeerId remotePeer();

    /** The remote address as a multiaddr string (for relayed connections: {@code <relay>/p2p-circuit/p2p/<peer>}). */
    String remoteAddress();

    /** Whether this connection runs through a circuit relay. */
    boolean relayed();

    /** Whether we dialed (true) or accepted (false) the connection. */
    boolean outbound();

    /** Opens a stream for {@code protocol}; what the remote sends back is discarded. */
    default CompletableFuture<OutboundStream> openStream(String protocol) {
        return openStream(protocol, StreamHandler.DISCARD);
    }

    /**
     * Opens a stream and negotiates {@code protocol} with multistream-select; the future fails with a
     * {@link Libp2pException} of kind {@link Libp2pException.Kind#NEGOTIATION} when the remote does not support it.
     */
    CompletableFuture<OutboundStream> openStream(String protocol, StreamHandler handler);

    /**
     * Opens a stream the way go-libp2p's lazy multistream-select client (go-multistream v0.5) does: the yamux SYN
     * goes out now, the multistream header and {@code protocol} go out together with the first write, in one
     * frame; the future completes at once. The remote's answer is checked when it arrives: if it refuses the
     * protocol the stream is reset and {@code handler} sees a reset.
     */
    CompletableFuture<OutboundStream> openStreamLazy(String protocol, StreamHandler handler);

    /** Whether the connection is still usable. */
    boolean isOpen();

    /** Completes when the connection is closed (by either side or by failure). */
    CompletableFuture<Void> closeFuture();

    /** Sends yamux go-away and closes the underlying transport. */
    void close();
}
