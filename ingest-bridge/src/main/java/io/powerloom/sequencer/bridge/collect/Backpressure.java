package io.powerloom.sequencer.bridge.collect;

import io.powerloom.sequencer.bridge.ops.BridgeMetrics;
import io.powerloom.sequencer.libp2p.StreamContext;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Counts sends to Kafka that are not yet acknowledged, per stream and over all streams, and pauses reading
 * ({@link StreamContext#setReadPaused}) so that the bridge never buffers without bound:
 * <ul>
 *   <li>a stream with {@code streamHigh} un-acked sends stops reading; it resumes once at most
 *       {@code streamLow} remain;</li>
 *   <li>with {@code globalHigh} un-acked sends over all streams every stream stops reading; they resume once at
 *       most {@code globalLow} remain.</li>
 * </ul>
 * The global pause is applied to a stream when it next delivers data (the decoder checks {@link #shouldPause}
 * first and keeps the bytes), not by visiting every stream: with go-libp2p collectors' pools of 100 mostly idle
 * streams per connection there are hundreds of thousands of them. A stream paused by the global mark waits in a
 * queue, oldest first. Crossing the low mark wakes only as many of them as the headroom ({@code globalHigh -
 * globalLow}) can take, and each later acknowledgement below the high mark wakes one more: a resume costs in
 * proportion to what it lets through, not to the number of waiting streams, and no stream waits behind streams
 * that paused after it. A paused stream grants no yamux window, so its sender stalls after at most one window (256 KiB). Frames
 * already read when the mark is crossed are still sent, so a count can exceed its mark by what one read
 * delivers. Thread-safe: sends are counted on event loops, acknowledgements on the producer's I/O thread.
 */
public final class Backpressure {
    private final int streamHigh;
    private final int streamLow;
    private final int globalHigh;
    private final int globalLow;
    private final BridgeMetrics metrics;
    private final Consumer<StreamContext> onResume;
    private final java.util.concurrent.Executor fanOut;
    private final AtomicInteger global = new AtomicInteger();
    private final Object globalLock = new Object();
    /** Streams paused by the global mark, in the order they paused; closed ones are skipped when polled. */
    private final ConcurrentLinkedQueue<Tracked> waiting = new ConcurrentLinkedQueue<>();
    /** Streams the acknowledgements so far allow to wake (taken from {@link #waiting} by {@link #wake}). */
    private final AtomicInteger wakeCredits = new AtomicInteger();

    private final AtomicBoolean waking = new AtomicBoolean();
    private volatile boolean globalPaused;

    /**
     * @param onResume told (on the thread that resumed it) when a stream's reading resumes, e.g. to decode what
     *                 it kept while paused
     * @param fanOut   runs the waking of waiting streams, so that the thread crossing the mark (the Kafka
     *                 producer's I/O thread acknowledging) is not held up by it ({@code Runnable::run} in tests);
     *                 {@link #shouldPause} sees the global state at once, so decoding stops without waiting for it
     */
    public Backpressure(
            int streamHigh,
            int streamLow,
            int globalHigh,
            int globalLow,
            BridgeMetrics metrics,
            Consumer<StreamContext> onResume,
            java.util.concurrent.Executor fanOut) {
        if (streamLow >= streamHigh || globalLow >= globalHigh || streamLow < 0 || globalLow < 0) {
            throw new IllegalArgumentException("low-water marks must be below high-water marks");
        }
        this.streamHigh = streamHigh;
        this.streamLow = streamLow;
        this.globalHigh = globalHigh;
        this.globalLow = globalLow;
        this.metrics = metrics;
        this.onResume = onResume;
        this.fanOut = fanOut;
    }

    /** The flow-control state of one stream. */
    public static final class Tracked {
        private final StreamContext ctx;
        private final AtomicInteger inFlight = new AtomicInteger();
        private boolean localPaused;
        private boolean readPaused;
        private boolean closed;
        /** In {@link #waiting}: paused by the global mark until woken. */
        private boolean queued;

        Tracked(StreamContext ctx) {
            this.ctx = ctx;
        }

        /** Un-acked sends of this stream. */
        public int inFlight() {
            return inFlight.get();
        }

        /** Whether reading is paused right now. */
        public synchronized boolean readPaused() {
            return readPaused;
        }
    }

    /**
     * Starts tracking a stream. It is not paused yet even when the global mark is crossed: it joins the waiting
     * streams when it first delivers data, so that waking it lets a submission through.
     */
    public Tracked register(StreamContext ctx) {
        return new Tracked(ctx);
    }

    /** Stops tracking a stream; its sends still in flight are still counted until acknowledged. */
    public void unregister(Tracked t) {
        synchronized (t) {
            t.closed = true;
            if (t.readPaused) {
                t.readPaused = false;
                metrics.pausedStreams.decrementAndGet();
            }
        }
    }

    /**
     * Counts one send of {@code t} (null: of no tracked stream, e.g. the reject record of a refused stream);
     * pauses it (or all streams) when a high-water mark is reached.
     */
    public void sent(Tracked t) {
        metrics.inFlight.incrementAndGet();
        boolean streamChanged = false;
        if (t != null)
            synchronized (t) {
                int n = t.inFlight.incrementAndGet();
                streamChanged = !t.localPaused && n >= streamHigh;
                if (streamChanged) {
                    t.localPaused = true;
                }
            }
        if (streamChanged) {
            apply(t);
        }
        boolean globalChanged;
        synchronized (globalLock) {
            int g = global.incrementAndGet();
            globalChanged = !globalPaused && g >= globalHigh;
            if (globalChanged) {
                globalPaused = true;
            }
        }
        // a global pause reaches each stream when it next delivers data (shouldPause → refresh)
    }

    /** Counts one acknowledged (or failed) send of {@code t} (or null); resumes reading below the low-water marks. */
    public void completed(Tracked t) {
        metrics.inFlight.decrementAndGet();
        boolean streamChanged = false;
        if (t != null)
            synchronized (t) {
                int n = t.inFlight.decrementAndGet();
                streamChanged = t.localPaused && n <= streamLow;
                if (streamChanged) {
                    t.localPaused = false;
                }
            }
        if (streamChanged) {
            apply(t);
        }
        boolean globalChanged;
        synchronized (globalLock) {
            int g = global.decrementAndGet();
            globalChanged = globalPaused && g <= globalLow;
            if (globalChanged) {
                globalPaused = false;
            }
        }
        if (globalChanged) {
            wakeCredits.set(globalHigh - globalLow);
            wakeSoon();
        } else if (!globalPaused && !waiting.isEmpty()) {
            wakeCredits.incrementAndGet();
            wakeSoon();
        }
    }

    /**
     * Whether {@code t} should not be read now: its own mark or the global one is crossed. Unlike
     * {@link Tracked#readPaused()} this sees a global pause at once, before it reached every stream.
     */
    public boolean shouldPause(Tracked t) {
        if (globalPaused) {
            return true;
        }
        synchronized (t) {
            return t.localPaused || t.queued;
        }
    }

    /** Brings {@code t}'s read state in line with the marks now (tells the resume listener if that resumes it). */
    public void refresh(Tracked t) {
        apply(t);
    }

    /** Un-acked sends over all streams. */
    public int globalInFlight() {
        return global.get();
    }

    /** Whether the global high-water mark has paused every stream. */
    public boolean globalPaused() {
        return globalPaused;
    }

    /** Wakes waiting streams as the credits allow, on the fan-out executor. */
    private void wakeSoon() {
        if (!waking.compareAndSet(false, true)) {
            return; // the running wake takes the new credits too
        }
        // not on the producer's I/O thread (it would delay acknowledgements) nor on an event loop
        fanOut.execute(this::wake);
    }

    private void wake() {
        while (true) {
            // with nothing in flight no acknowledgement will grant credits: wake on (streams woken without data to
            // send would otherwise leave the rest waiting for good)
            while (!globalPaused && (wakeCredits.get() > 0 || global.get() == 0)) {
                Tracked t = waiting.poll();
                if (t == null) {
                    wakeCredits.set(0);
                    break;
                }
                boolean woken;
                synchronized (t) {
                    woken = t.queued && !t.closed;
                    t.queued = false;
                }
                if (woken) {
                    wakeCredits.decrementAndGet();
                    apply(t);
                }
            }
            waking.set(false);
            // credits granted (or the pause lifted) after the loop's last check, with no wake to take them
            if (globalPaused
                    || (wakeCredits.get() <= 0 && global.get() > 0)
                    || waiting.isEmpty()
                    || !waking.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void apply(Tracked t) {
        boolean resumed = false;
        synchronized (t) {
            if (globalPaused && !t.closed && !t.queued) {
                t.queued = true;
                waiting.add(t);
            }
            boolean want = !t.closed && (t.localPaused || t.queued);
            if (want != t.readPaused) {
                t.readPaused = want;
                metrics.pausedStreams.addAndGet(want ? 1 : -1);
                t.ctx.setReadPaused(want);
                resumed = !want;
            }
        }
        if (resumed) {
            onResume.accept(t.ctx);
        }
    }
}
