package io.powerloom.sequencer.libp2p.internal.relay;

import io.netty.buffer.ByteBuf;
import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.internal.transport.Cumulation;
import io.powerloom.sequencer.libp2p.internal.transport.Link;
import java.util.function.BiConsumer;

/**
 * Reads the first varint-framed relay message on a {@link Link} (a taken-over relay stream), then calls
 * {@code onMessage(message, leftover)}; the leftover bytes belong to whatever runs on the link next.
 */
final class FramedMessageLink implements Link.Receiver {
    private final Cumulation cumulation;
    private final BiConsumer<byte[], ByteBuf> onMessage;
    private final java.util.function.Consumer<Throwable> onFailure;
    private boolean done;

    FramedMessageLink(
            Link link, BiConsumer<byte[], ByteBuf> onMessage, java.util.function.Consumer<Throwable> onFailure) {
        this.cumulation = new Cumulation(link.alloc());
        this.onMessage = onMessage;
        this.onFailure = onFailure;
    }

    @Override
    public void onData(ByteBuf data) {
        if (done) {
            return;
        }
        ByteBuf buf = cumulation.begin(data);
        byte[] msg;
        try {
            msg = CircuitMessages.readFramed(buf);
        } catch (Libp2pException e) {
            cumulation.end(buf);
            fail(e);
            return;
        }
        cumulation.end(buf);
        if (msg == null) {
            return;
        }
        done = true;
        ByteBuf leftover = cumulation.takePending();
        try {
            onMessage.accept(msg, leftover);
        } finally {
            leftover.release();
        }
    }

    @Override
    public void onClose(Throwable cause) {
        if (!done) {
            fail(
                    cause != null
                            ? cause
                            : new Libp2pException(
                                    Libp2pException.Kind.RELAY, "relay closed the stream before answering"));
        }
    }

    private void fail(Throwable cause) {
        done = true;
        cumulation.release();
        onFailure.accept(cause);
    }
}
