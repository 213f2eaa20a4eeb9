package io.powerloom.sequencer.bridge.collect;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.StreamContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link StreamContext} for handler tests, driven by hand: records pause/resume, writes, close and reset. */
public final class FakeStream implements StreamContext {
    private static final AtomicLong IDS = new AtomicLong();

    public final PeerId peer;
    final long id = IDS.incrementAndGet();
    final List<Boolean> pauseCalls = new ArrayList<>();
    volatile boolean paused;
    volatile boolean closed;
    public volatile boolean reset;
    public volatile int bytesWritten;

    public FakeStream(PeerId peer) {
        this.peer = peer;
    }

    @Override
    public PeerId remotePeer() {
        return peer;
    }

    @Override
    public String protocol() {
        return CollectProtocolHandler.PROTOCOL;
    }

    @Override
    public boolean relayed() {
        return false;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public synchronized void setReadPaused(boolean paused) {
        pauseCalls.add(paused);
        this.paused = paused;
    }

    @Override
    public CompletableFuture<Void> write(ByteBuf data) {
        bytesWritten += data.readableBytes();
        data.release();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public void reset() {
        reset = true;
    }

    @Override
    public EventLoop eventLoop() {
        return null;
    }
}
