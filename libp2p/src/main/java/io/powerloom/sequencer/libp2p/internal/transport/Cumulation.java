package io.powerloom.sequencer.libp2p.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Keeps the bytes of an incomplete frame between reads. When nothing is pending, a read is parsed straight from
 * the incoming buffer and only its unparsed tail is copied, so complete frames are never copied.
 */
public final class Cumulation {
    private final ByteBufAllocator alloc;
    private ByteBuf pending;

    public Cumulation(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /** The buffer to parse: {@code in} itself, or the pending bytes with {@code in} appended. */
    public ByteBuf begin(ByteBuf in) {
        if (pending == null || !pending.isReadable()) {
            return in;
        }
        pending.writeBytes(in, in.readerIndex(), in.readableBytes());
        in.skipBytes(in.readableBytes());
        return pending;
    }

    /** Keeps what is left unparsed in {@code parsed} (the buffer {@link #begin} returned) for the next read. */
    public void end(ByteBuf parsed) {
        if (parsed == pending) {
            if (!pending.isReadable()) {
                pending.clear();
            } else {
                pending.discardSomeReadBytes();
            }
            return;
        }
        if (parsed.isReadable()) {
            if (pending == null) {
                pending = alloc.heapBuffer(Math.max(256, parsed.readableBytes()));
            }
            pending.writeBytes(parsed, parsed.readerIndex(), parsed.readableBytes());
            parsed.skipBytes(parsed.readableBytes());
        }
    }

    /** Whether bytes are waiting for the rest of their frame. */
    public boolean hasPending() {
        return pending != null && pending.isReadable();
    }

    /** Removes and returns the pending bytes (caller releases), or an empty buffer. */
    public ByteBuf takePending() {
        if (pending == null || !pending.isReadable()) {
            release();
            return io.netty.buffer.Unpooled.EMPTY_BUFFER;
        }
        ByteBuf out = pending.readRetainedSlice(pending.readableBytes());
        release();
        return out;
    }

    /** Frees the pending bytes. */
    public void release() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
