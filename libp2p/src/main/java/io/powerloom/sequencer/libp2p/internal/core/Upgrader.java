package io.powerloom.sequencer.libp2p.internal.core;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.internal.multistream.MultistreamNegotiator;
import io.powerloom.sequencer.libp2p.internal.noise.NoiseHandshake;
import io.powerloom.sequencer.libp2p.internal.noise.SecureLink;
import io.powerloom.sequencer.libp2p.internal.transport.Cumulation;
import io.powerloom.sequencer.libp2p.internal.transport.Link;
import io.powerloom.sequencer.libp2p.internal.yamux.YamuxSession;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Upgrades a raw {@link Link} (TCP, or a relayed stream) to a libp2p connection: multistream-select
 * {@code /noise}, the Noise XX handshake, multistream-select {@code /yamux/1.0.0} inside the secure channel,
 * then a yamux session. The dialer is the initiator at every step. Fails with a typed {@link Libp2pException}
 * and closes the link on any error or when the handshake timeout passes.
 */
final class Upgrader implements Link.Receiver {
    private enum Phase {
        SECURITY_NEGOTIATION,
        NOISE,
        MUXER_NEGOTIATION,
        DONE,
        FAILED
    }

    private final HostCore core;
    private final Link raw;
    private final boolean initiator;
    private final boolean relayed;
    private final CompletableFuture<ConnectionImpl> result = new CompletableFuture<>();
    private final NoiseHandshake noise;
    private final Cumulation noiseFrames;
    private MultistreamNegotiator negotiator;
    private SecureLink secure;
    private Phase phase = Phase.SECURITY_NEGOTIATION;
    private ScheduledFuture<?> timeout;

    private Upgrader(HostCore core, Link raw, boolean initiator, PeerId expected, boolean relayed) {
        this.core = core;
        this.raw = raw;
        this.initiator = initiator;
        this.relayed = relayed;
        this.noise = new NoiseHandshake(initiator, core.identity(), expected);
        this.noiseFrames = new Cumulation(raw.alloc());
    }

    /** Starts the upgrade; call on the link's event loop. */
    static CompletableFuture<ConnectionImpl> start(
            HostCore core, Link raw, boolean initiator, PeerId expected, boolean relayed, Duration timeout) {
        Upgrader u = new Upgrader(core, raw, initiator, expected, relayed);
        raw.receiver(u);
        u.timeout = raw.eventLoop()
                .schedule(
                        () -> u.fail(new Libp2pException(
                                Libp2pException.Kind.TIMEOUT,
                                "connection upgrade did not finish within " + timeout.toMillis() + " ms")),
                        timeout.toMillis(),
                        TimeUnit.MILLISECONDS);
        u.negotiator = initiator
                ? MultistreamNegotiator.initiator(List.of(NoiseHandshake.PROTOCOL_ID), u::writeRaw, raw.alloc())
                : MultistreamNegotiator.responder(NoiseHandshake.PROTOCOL_ID::equals, u::writeRaw, raw.alloc());
        try {
            u.negotiator.start();
            raw.flush();
        } catch (RuntimeException e) {
            u.fail(e);
        }
        return u.result;
    }

    private void writeRaw(ByteBuf b) {
        raw.write(b);
    }

    @Override
    public void onData(ByteBuf data) {
        try {
            switch (phase) {
                case SECURITY_NEGOTIATION -> onSecurityNegotiation(data);
                case NOISE -> onNoise(data);
                case MUXER_NEGOTIATION -> onMuxerNegotiation(data);
                default -> {}
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void onSecurityNegotiation(ByteBuf data) {
        if (!negotiator.feed(data)) {
            raw.flush();
            return;
        }
        ByteBuf leftover = negotiator.takeLeftover();
        phase = Phase.NOISE;
        if (initiator) {
            writeNoise(noise.start());
        }
        raw.flush();
        try {
            if (leftover.isReadable()) {
                onNoise(leftover);
            }
        } finally {
            leftover.release();
        }
    }

    private void onNoise(ByteBuf data) {
        ByteBuf buf = noiseFrames.begin(data);
        try {
            while (phase == Phase.NOISE && buf.readableBytes() >= 2) {
                int len = buf.getUnsignedShort(buf.readerIndex());
                if (buf.readableBytes() < 2 + len) {
                    break;
                }
                buf.skipBytes(2);
                byte[] msg = new byte[len];
                buf.readBytes(msg);
                byte[] reply = noise.onMessage(msg);
                if (reply != null) {
                    writeNoise(reply);
                    raw.flush();
                }
                if (noise.complete()) {
                    enterSecure(buf);
                }
            }
        } finally {
            if (phase == Phase.NOISE) {
                noiseFrames.end(buf);
            } else {
                noiseFrames.release();
            }
        }
    }

    private void writeNoise(byte[] msg) {
        ByteBuf b = raw.alloc().buffer(2 + msg.length);
        b.writeShort(msg.length).writeBytes(msg);
        raw.write(b);
    }

    /** Noise is done: everything after this point is encrypted. {@code rest} holds bytes already received. */
    private void enterSecure(ByteBuf rest) {
        secure = new SecureLink(raw, noise.sender(), noise.receiver());
        raw.receiver(secure);
        secure.receiver(this);
        phase = Phase.MUXER_NEGOTIATION;
        negotiator = initiator
                ? MultistreamNegotiator.initiator(List.of(YamuxSession.PROTOCOL_ID), secure::write, raw.alloc())
                : MultistreamNegotiator.responder(YamuxSession.PROTOCOL_ID::equals, secure::write, raw.alloc());
        negotiator.start();
        if (rest.isReadable()) {
            ByteBuf copy = rest.readRetainedSlice(rest.readableBytes());
            try {
                secure.onData(copy);
            } finally {
                copy.release();
            }
        }
    }

    private void onMuxerNegotiation(ByteBuf data) {
        if (!negotiator.feed(data)) {
            return;
        }
        ByteBuf leftover = negotiator.takeLeftover();
        phase = Phase.DONE;
        timeout.cancel(false);
        ConnectionImpl conn;
        try {
            conn = core.newConnection(secure, initiator, noise.remotePeer(), relayed);
        } catch (RuntimeException e) {
            leftover.release();
            throw e;
        }
        YamuxSession session = conn.session();
        secure.receiver(session);
        result.complete(conn);
        try {
            if (leftover.isReadable()) {
                session.onData(leftover);
            }
        } finally {
            leftover.release();
        }
    }

    @Override
    public void onClose(Throwable cause) {
        fail(
                cause != null
                        ? cause
                        : new Libp2pException(
                                Libp2pException.Kind.CLOSED, "connection closed during the upgrade (" + phase + ")"));
    }

    private void fail(Throwable cause) {
        if (phase == Phase.DONE || phase == Phase.FAILED) {
            return;
        }
        phase = Phase.FAILED;
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (negotiator != null) {
            negotiator.release();
        }
        noiseFrames.release();
        core.countRejected();
        raw.close();
        Throwable typed = cause instanceof Libp2pException
                ? cause
                : new Libp2pException(Libp2pException.Kind.TRANSPORT, "connection upgrade failed: " + cause, cause);
        result.completeExceptionally(typed);
    }
}
