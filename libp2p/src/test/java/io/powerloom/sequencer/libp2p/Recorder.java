package io.powerloom.sequencer.libp2p;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test handler: records each stream's bytes and completes a future with them when the remote closes. */
final class Recorder implements StreamHandler {
    /** What one stream delivered. */
    record Received(StreamContext stream, byte[] bytes, boolean reset) {}

    final List<StreamContext> opened = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Received>> closed = new CopyOnWriteArrayList<>();
    private final Map<Long, ByteArrayOutputStream> buffers = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Received>> futures = new ConcurrentHashMap<>();
    private final boolean echo;
    private final boolean startPaused;

    Recorder(boolean echo, boolean startPaused) {
        this.echo = echo;
        this.startPaused = startPaused;
    }

    /** The future of the n-th stream opened (0-based); waits for it to open. */
    CompletableFuture<Received> stream(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (closed.size() <= n && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        return closed.get(n);
    }

    @Override
    public void onOpen(StreamContext stream) {
        buffers.put(stream.id(), new ByteArrayOutputStream());
        CompletableFuture<Received> f = new CompletableFuture<>();
        futures.put(stream.id(), f);
        opened.add(stream);
        closed.add(f);
        if (startPaused) {
            stream.setReadPaused(true);
        }
    }

    @Override
    public void onData(StreamContext stream, ByteBuf data) {
        byte[] b = new byte[data.readableBytes()];
        data.getBytes(data.readerIndex(), b);
        buffers.get(stream.id()).writeBytes(b);
        if (echo) {
            stream.write(data.retainedDuplicate());
        }
    }

    @Override
    public void onClose(StreamContext stream, boolean reset) {
        if (!reset) {
            stream.close();
        }
        futures.get(stream.id())
                .complete(new Received(stream, buffers.get(stream.id()).toByteArray(), reset));
    }

    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed * 7 + 11);
        }
        return b;
    }
}
