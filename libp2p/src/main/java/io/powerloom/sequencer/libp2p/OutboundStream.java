package io.powerloom.sequencer.libp2p;

/**
 * A stream this host opened with {@link Connection#openStream}. What the remote sends back goes to the handler
 * given when opening it (or is discarded).
 */
public interface OutboundStream extends StreamContext {
    /** The connection the stream belongs to. */
    Connection connection();
}
