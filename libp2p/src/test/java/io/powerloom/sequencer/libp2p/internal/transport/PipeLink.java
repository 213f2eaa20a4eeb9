package io.powerloom.sequencer.libp2p.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test transport: two in-memory {@link Link}s on one event loop; what one side flushes arrives at the other in
 * a later loop task (as with a socket), optionally cut into small pieces to exercise frame reassembly.
 */
public final class PipeLink implements Link {
    private final EventLoop loop;
    private final int chunk;
    private final List<ByteBuf> pending = new ArrayList<>();
    private final AtomicLong bytesSent = new AtomicLong();
    private PipeLink peer;
    private Receiver receiver;
    private boolean closed;

    private PipeLink(EventLoop loop, int chunk) {
        this.loop = loop;
        this.chunk = chunk;
    }

    /** A connected pair; deliveries are cut into pieces of at most {@code chunk} bytes. */
    public static PipeLink[] pair(EventLoop loop, int chunk) {
        PipeLink a = new PipeLink(loop, chunk);
        PipeLink b = new PipeLink(loop, chunk);
        a.peer = b;
        b.peer = a;
        return new PipeLink[] {a, b};
    }

    public long bytesSent() {
        return bytesSent.get();
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public ByteBufAllocator alloc() {
        return PooledByteBufAllocator.DEFAULT;
    }

    @Override
    public void receiver(Receiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public void write(ByteBuf data) {
        if (closed) {
            data.release();
            return;
        }
        pending.add(data);
    }

    @Override
    public void flush() {
        List<ByteBuf> out = new ArrayList<>(pending);
        pending.clear();
        for (ByteBuf b : out) {
            bytesSent.addAndGet(b.readableBytes());
            loop.execute(() -> peer.deliver(b));
        }
    }

    private void deliver(ByteBuf b) {
        try {
            while (b.isReadable() && !closed && receiver != null) {
                ByteBuf piece = b.readSlice(Math.min(chunk, b.readableBytes()));
                receiver.onData(piece);
            }
        } finally {
            b.release();
        }
    }

    @Override
    public void close() {
        flush();
        loop.execute(() -> {
            closeLocal();
            peer.closeLocal();
        });
    }

    private void closeLocal() {
        if (!closed) {
            closed = true;
            pending.forEach(ByteBuf::release);
            pending.clear();
            if (receiver != null) {
                receiver.onClose(null);
            }
        }
    }

    @Override
    public String remoteAddress() {
        return "/ip4/127.0.0.1/tcp/1";
    }
}
