package io.powerloom.sequencer.libp2p.internal.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.EventLoop;
import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.internal.transport.Cumulation;
import io.powerloom.sequencer.libp2p.internal.transport.Link;
import java.nio.ByteBuffer;

/**
 * The Noise transport phase over a lower {@link Link}: every message is a 2-byte big-endian length followed by
 * ChaChaPoly ciphertext and tag (at most 65535 bytes). Writes are gathered and encrypted once per event-loop
 * turn, packing many small frames of the layer above into few Noise messages.
 */
public final class SecureLink implements Link, Link.Receiver {
    /** Largest Noise transport message (ciphertext plus tag). */
    public static final int MAX_MESSAGE = 65535;

    private static final int MAX_PLAINTEXT = MAX_MESSAGE - CipherState.TAG;

    private final Link lower;
    private final CipherState sender;
    private final CipherState receiver;
    private final Cumulation cumulation;
    private final CompositeByteBuf pending;
    private final Runnable flushTask = this::flushNow;
    private Receiver upper;
    private boolean flushScheduled;
    private boolean closed;

    public SecureLink(Link lower, CipherState sender, CipherState receiver) {
        this.lower = lower;
        this.sender = sender;
        this.receiver = receiver;
        this.cumulation = new Cumulation(lower.alloc());
        this.pending = lower.alloc().compositeBuffer(4096);
    }

    @Override
    public EventLoop eventLoop() {
        return lower.eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return lower.alloc();
    }

    @Override
    public void receiver(Receiver receiver) {
        this.upper = receiver;
    }

    @Override
    public String remoteAddress() {
        return lower.remoteAddress();
    }

    @Override
    public void write(ByteBuf data) {
        if (closed) {
            data.release();
            return;
        }
        pending.addComponent(true, data);
        flush();
    }

    @Override
    public void flush() {
        if (!flushScheduled && !closed) {
            flushScheduled = true;
            eventLoop().execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        if (closed) {
            return;
        }
        boolean wrote = false;
        while (pending.isReadable()) {
            int n = Math.min(pending.readableBytes(), MAX_PLAINTEXT);
            ByteBuf out = alloc().heapBuffer(2 + n + CipherState.TAG);
            out.writeShort(n + CipherState.TAG);
            ByteBuffer target = out.internalNioBuffer(out.writerIndex(), n + CipherState.TAG);
            int written = sender.encrypt(pending.nioBuffers(pending.readerIndex(), n), target);
            out.writerIndex(out.writerIndex() + written);
            pending.skipBytes(n);
            lower.write(out);
            wrote = true;
        }
        pending.discardReadComponents();
        if (wrote) {
            lower.flush();
        }
    }

    @Override
    public void close() {
        if (!closed) {
            flushNow();
        }
        lower.close();
    }

    @Override
    public void onData(ByteBuf in) {
        ByteBuf buf = cumulation.begin(in);
        try {
            while (!closed && buf.readableBytes() >= 2) {
                int len = buf.getUnsignedShort(buf.readerIndex());
                if (len < CipherState.TAG) {
                    throw new Libp2pException(
                            Libp2pException.Kind.PROTOCOL,
                            "noise message of " + len + " bytes is shorter than its tag");
                }
                if (buf.readableBytes() < 2 + len) {
                    break;
                }
                ByteBuffer src = buf.nioBuffer(buf.readerIndex() + 2, len);
                buf.skipBytes(2 + len);
                ByteBuf plain = alloc().heapBuffer(len - CipherState.TAG);
                try {
                    int n = receiver.decrypt(src, plain.internalNioBuffer(0, len - CipherState.TAG));
                    plain.writerIndex(n);
                    if (upper != null && n > 0) {
                        upper.onData(plain);
                    }
                } finally {
                    plain.release();
                }
            }
        } finally {
            if (!closed) {
                cumulation.end(buf);
            }
        }
    }

    @Override
    public void onClose(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        cumulation.release();
        pending.release();
        if (upper != null) {
            upper.onClose(cause);
        }
    }
}
