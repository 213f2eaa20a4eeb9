package io.powerloom.sequencer.libp2p.internal.core;

import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.OutboundStream;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.StreamHandler;
import io.powerloom.sequencer.libp2p.internal.transport.Link;
import io.powerloom.sequencer.libp2p.internal.yamux.YamuxSession;
import io.powerloom.sequencer.libp2p.internal.yamux.YamuxStream;
import java.util.concurrent.CompletableFuture;

/** A secured, multiplexed connection: a yamux session whose inbound streams are negotiated against the host's handlers. */
final class ConnectionImpl implements Connection, YamuxSession.Listener {
    private final HostCore core;
    private final PeerId remotePeer;
    private final boolean outbound;
    private final boolean relayed;
    private final String remoteAddress;
    private final YamuxSession session;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    ConnectionImpl(HostCore core, Link secure, boolean outbound, PeerId remotePeer, boolean relayed) {
        this.core = core;
        this.remotePeer = remotePeer;
        this.outbound = outbound;
        this.relayed = relayed;
        this.remoteAddress = secure.remoteAddress() + (relayed ? "" : "/p2p/" + remotePeer);
        this.session = new YamuxSession(secure, outbound, core.maxStreamsPerConnection(), this);
    }

    HostCore core() {
        return core;
    }

    YamuxSession session() {
        return session;
    }

    @Override
    public PeerId remotePeer() {
        return remotePeer;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public boolean relayed() {
        return relayed;
    }

    @Override
    public boolean outbound() {
        return outbound;
    }

    @Override
    public boolean isOpen() {
        return !closeFuture.isDone();
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    @Override
    public CompletableFuture<OutboundStream> openStream(String protocol, StreamHandler handler) {
        return open(protocol, handler, false);
    }

    @Override
    public CompletableFuture<OutboundStream> openStreamLazy(String protocol, StreamHandler handler) {
        return open(protocol, handler, true);
    }

    private CompletableFuture<OutboundStream> open(String protocol, StreamHandler handler, boolean lazy) {
        CompletableFuture<OutboundStream> f = new CompletableFuture<>();
        Runnable open = () -> {
            try {
                YamuxStream s = session.openStream();
                core.streamOpened();
                if (lazy) {
                    StreamNegotiation.lazyOutbound(this, s, protocol, handler, f);
                } else {
                    StreamNegotiation.outbound(this, s, protocol, handler, f);
                }
            } catch (Libp2pException e) {
                f.completeExceptionally(e);
            }
        };
        if (session.eventLoop().inEventLoop()) {
            open.run();
        } else {
            try {
                session.eventLoop().execute(open);
            } catch (RuntimeException e) {
                f.completeExceptionally(new Libp2pException(Libp2pException.Kind.CLOSED, "host is closed", e));
            }
        }
        return f;
    }

    @Override
    public void close() {
        if (session.eventLoop().inEventLoop()) {
            session.close();
        } else {
            try {
                session.eventLoop().execute(session::close);
            } catch (RuntimeException ignored) {
                // loop gone: channel closed with it
            }
        }
    }

    @Override
    public void onInboundStream(YamuxStream stream) {
        core.streamOpened();
        StreamNegotiation.inbound(this, stream);
    }

    @Override
    public void onStreamClosed(YamuxStream stream) {
        core.streamClosed();
    }

    @Override
    public void onSessionClosed(Throwable cause) {
        core.connectionClosed(this);
        closeFuture.complete(null);
    }

    @Override
    public String toString() {
        return "connection[" + remotePeer + " " + remoteAddress + (outbound ? " out" : " in") + "]";
    }
}
