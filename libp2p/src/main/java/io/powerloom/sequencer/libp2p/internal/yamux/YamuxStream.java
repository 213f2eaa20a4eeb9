package io.powerloom.sequencer.libp2p.internal.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.powerloom.sequencer.libp2p.Libp2pException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * One yamux stream with flow control. Receiving: the window starts at 256 KiB and is re-granted (window
 * update) once half of it was delivered; while paused, arriving data is held and no window is granted, so the
 * sender stalls. Sending: data beyond the remote's window waits in a queue until it grants more.
 * All methods run on the session's event loop.
 */
public final class YamuxStream {
    /** The layer above a stream. */
    public interface Receiver {
        /** Data arrived; {@code data} is released by the caller after return. */
        void onData(YamuxStream stream, ByteBuf data);

        /** The remote closed its side ({@code reset=false}) or the stream was reset / the session lost. Once. */
        void onClose(YamuxStream stream, boolean reset);
    }

    private record PendingWrite(ByteBuf data, CompletableFuture<Void> promise) {}

    private final YamuxSession session;
    private final int id;
    private Receiver receiver;
    private long sendWindow = YamuxSession.INITIAL_WINDOW;
    private long recvWindow = YamuxSession.INITIAL_WINDOW;
    private int delivered;
    private final ArrayDeque<PendingWrite> writes = new ArrayDeque<>();
    /**
     * Bytes received while paused, copied (not retained slices: tiny frames must not pin whole decrypted
     * messages), so a paused stream holds at most its 256 KiB window.
     */
    private ByteBuf held;

    private boolean paused;
    private boolean finRequested;
    private boolean localFin;
    private boolean remoteFin;
    private boolean remoteFinDelivered;
    private boolean reset;
    private boolean closeNotified;

    YamuxStream(YamuxSession session, int id) {
        this.session = session;
        this.id = id;
    }

    public int id() {
        return id;
    }

    public YamuxSession session() {
        return session;
    }

    public EventLoop eventLoop() {
        return session.eventLoop();
    }

    public void receiver(Receiver receiver) {
        this.receiver = receiver;
    }

    /** Whether the stream can still send. */
    public boolean writable() {
        return !reset && !finRequested && session.isOpen();
    }

    /** Bytes we may still send before the remote grants more. */
    public long sendWindow() {
        return sendWindow;
    }

    /**
     * Queues {@code data} (ownership passes) and sends what the window allows.
     * {@code promise} (may be null) completes once all of it was framed, or fails when the stream closes first.
     */
    public void write(ByteBuf data, CompletableFuture<Void> promise) {
        if (!writable()) {
            data.release();
            if (promise != null) {
                promise.completeExceptionally(new Libp2pException(
                        Libp2pException.Kind.CLOSED,
                        "stream " + id + (reset ? " was reset" : " is closed for writing")));
            }
            return;
        }
        writes.add(new PendingWrite(data, promise));
        drainWrites();
    }

    private void drainWrites() {
        while (!writes.isEmpty() && !reset) {
            PendingWrite w = writes.peek();
            ByteBuf data = w.data();
            while (data.isReadable() && sendWindow > 0) {
                int n = (int) Math.min(Math.min(data.readableBytes(), sendWindow), YamuxSession.MAX_DATA_FRAME);
                session.writeFrame(YamuxSession.TYPE_DATA, 0, id, n, data.readRetainedSlice(n));
                sendWindow -= n;
            }
            if (data.isReadable()) {
                return; // window exhausted: wait for an update
            }
            writes.poll();
            data.release();
            if (w.promise() != null) {
                w.promise().complete(null);
            }
        }
        if (finRequested && !localFin && writes.isEmpty() && !reset) {
            localFin = true;
            session.writeFrame(YamuxSession.TYPE_WINDOW_UPDATE, YamuxSession.FLAG_FIN, id, 0, null);
            maybeRemove();
        }
    }

    /** Half-closes our side (FIN after queued data). */
    public void close() {
        if (reset || finRequested) {
            return;
        }
        finRequested = true;
        drainWrites();
    }

    /** Aborts the stream (RST). */
    public void reset() {
        if (reset || (localFin && remoteFin)) {
            return;
        }
        session.writeFrame(YamuxSession.TYPE_WINDOW_UPDATE, YamuxSession.FLAG_RST, id, 0, null);
        abort(true);
    }

    /** Stops or resumes delivery; see the class comment. */
    public void setReadPaused(boolean pause) {
        if (paused == pause) {
            return;
        }
        paused = pause;
        if (!pause) {
            drainHeld();
        }
    }

    public boolean readPaused() {
        return paused;
    }

    /** Checks a data frame of {@code length} bytes against the receive window; resets the stream when it overflows. */
    boolean acceptIncoming(int length) {
        if (reset) {
            return false;
        }
        if (length > recvWindow) {
            session.writeFrame(YamuxSession.TYPE_WINDOW_UPDATE, YamuxSession.FLAG_RST, id, 0, null);
            abort(true);
            return false;
        }
        recvWindow -= length;
        return true;
    }

    void onRemoteData(ByteBuf slice) {
        if (reset || remoteFin) {
            return;
        }
        if (paused || hasHeld()) {
            if (held == null) {
                held = session.alloc()
                        .heapBuffer(Math.max(1024, slice.readableBytes()), YamuxSession.INITIAL_WINDOW * 2);
            }
            held.writeBytes(slice, slice.readerIndex(), slice.readableBytes());
            return;
        }
        deliver(slice);
        maybeGrant();
    }

    private boolean hasHeld() {
        return held != null && held.isReadable();
    }

    private void deliver(ByteBuf data) {
        delivered += data.readableBytes();
        if (receiver != null) {
            receiver.onData(this, data);
        }
    }

    private void drainHeld() {
        if (hasHeld() && !paused && !reset) {
            ByteBuf b = held;
            held = null;
            try {
                deliver(b);
            } finally {
                b.release();
            }
        }
        if (!reset && remoteFin && !remoteFinDelivered && !hasHeld()) {
            remoteFinDelivered = true;
            notifyClose(false);
            maybeRemove();
        }
        maybeGrant();
    }

    private void maybeGrant() {
        if (reset || remoteFin || paused) {
            return;
        }
        if (delivered >= YamuxSession.INITIAL_WINDOW / 2) {
            int delta = delivered;
            delivered = 0;
            recvWindow += delta;
            session.writeFrame(YamuxSession.TYPE_WINDOW_UPDATE, 0, id, delta, null);
        }
    }

    void onWindowUpdate(long delta) {
        if (delta > 0) {
            sendWindow += delta;
            drainWrites();
        }
    }

    void onRemoteFin() {
        if (remoteFin || reset) {
            return;
        }
        remoteFin = true;
        if (!hasHeld()) {
            remoteFinDelivered = true;
            notifyClose(false);
            maybeRemove();
        }
    }

    void onRemoteReset() {
        abort(true);
    }

    void onSessionClosed() {
        abort(true);
    }

    private void abort(boolean notify) {
        if (reset) {
            return;
        }
        reset = true;
        if (held != null) {
            held.release();
            held = null;
        }
        Libp2pException closed = new Libp2pException(Libp2pException.Kind.CLOSED, "stream " + id + " was reset");
        PendingWrite w;
        while ((w = writes.poll()) != null) {
            w.data().release();
            if (w.promise() != null) {
                w.promise().completeExceptionally(closed);
            }
        }
        if (notify) {
            notifyClose(true);
        }
        session.remove(this);
    }

    private void notifyClose(boolean wasReset) {
        if (!closeNotified) {
            closeNotified = true;
            if (receiver != null) {
                receiver.onClose(this, wasReset);
            }
        }
    }

    private void maybeRemove() {
        if (localFin && remoteFinDelivered) {
            session.remove(this);
        }
    }
}
