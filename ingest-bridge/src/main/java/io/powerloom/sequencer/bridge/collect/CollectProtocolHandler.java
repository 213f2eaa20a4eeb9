package io.powerloom.sequencer.bridge.collect;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoop;
import io.powerloom.sequencer.bridge.BridgeConfig;
import io.powerloom.sequencer.bridge.kafka.RejectRecord;
import io.powerloom.sequencer.bridge.kafka.SendListener;
import io.powerloom.sequencer.bridge.ops.BridgeMetrics;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.StreamContext;
import io.powerloom.sequencer.libp2p.StreamHandler;
import io.powerloom.sequencer.protocol.wire.CollectStreamDecoder;
import io.powerloom.sequencer.protocol.wire.CollectStreamDecoder.Frame;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import io.powerloom.sequencer.protocol.wire.WireFormatException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /collect} protocol (SPEC §1): snapshotters' local collectors write submissions — a 36-character
 * UUID immediately followed by the submission's Go JSON — one after another on long-lived, pooled streams.
 *
 * <p>Per stream: one {@link CollectStreamDecoder} (bounded by {@code collect.max.message.bytes}) turns the bytes,
 * in reads of any size, into frames. Each frame is parsed with {@link SubmissionCodec#fromGoJson}:
 * <ul>
 *   <li>valid → handed to the {@link SubmissionSink} (Kafka) with the JSON text exactly as received, keyed by
 *       its slot ID;</li>
 *   <li>framed but not a valid submission (missing field, bad type, bad UTF-8, …) → <b>rejected</b>: counted by
 *       reason and written to the rejects topic; the stream goes on;</li>
 *   <li>framing error (bad UUID, oversized, not a JSON object, malformed JSON) → rejected the same way, and then
 *       <b>only this stream</b> is reset, since its byte boundaries are lost.</li>
 * </ul>
 * A stream that ends (FIN) in the middle of a message is rejected as {@code truncated}.
 *
 * <p><b>Limits.</b> At most {@code collect.max.streams} streams overall and {@code collect.max.streams.per.peer}
 * per peer; a stream over a limit is reset at open (counted in {@code streams_refused_total}). Connections per
 * peer are limited by the libp2p host. Un-acked Kafka sends are bounded per stream and globally by
 * {@link Backpressure}, which pauses reading instead of buffering.
 *
 * <p><b>No response bytes.</b> Like production, the bridge never writes on a {@code /collect} stream: the local
 * collector does not read, and an answer it does not drain would only fill the stream's window. When the remote
 * closes its side we close ours.
 *
 * <p>Callbacks run on the stream's event loop and never block.
 */
public final class CollectProtocolHandler implements StreamHandler {
    /** The protocol id. */
    public static final String PROTOCOL = "/collect";
    /** Bytes decoded between two checks of the pause flag: bounds what one read adds beyond a high-water mark. */
    static final int SLICE_BYTES = 4096;
    /** Runs global pauses/resumes of all streams (one daemon thread shared by handlers; the work is short). */
    private static final java.util.concurrent.Executor FLOW_CONTROL =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "collect-flow-control");
                t.setDaemon(true);
                return t;
            });

    private static final Logger LOG = LoggerFactory.getLogger(CollectProtocolHandler.class);
    /** Per event-loop thread: where off-heap slices are copied for decoding. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SLICE_BYTES]);

    private final String bridgeId;
    private final int maxMessageBytes;
    private final int maxStreams;
    private final int maxStreamsPerPeer;
    private final int rejectRawMaxBytes;
    private final SubmissionSink sink;
    private final BridgeMetrics metrics;
    private final Backpressure backpressure;
    private final Map<Long, CollectStream> streams = new ConcurrentHashMap<>();
    private final Map<PeerId, Integer> streamsPerPeer = new ConcurrentHashMap<>();
    private final Map<String, Integer> streamsPerIp = new ConcurrentHashMap<>();
    private final int maxStreamsPerIp;
    private final AtomicInteger openStreams = new AtomicInteger();
    /** Streams refused at open, by id, with the reason, until their reset (at most one event-loop task). */
    private final Map<Long, String> refused = new ConcurrentHashMap<>();

    private volatile boolean accepting = true;

    /** State of one open {@code /collect} stream. */
    private static final class CollectStream {
        final StreamContext ctx;
        final String peerId;
        /**
         * Null between messages: go-libp2p collectors keep 100 mostly idle streams per connection, and a decoder
         * holds a message buffer (1–2 KiB), so an idle stream drops it and the next bytes get a fresh one.
         */
        CollectStreamDecoder decoder;

        final Backpressure.Tracked flow;
        /** Bytes read while paused (bounded by the yamux window), decoded in order on resume; usually empty. */
        final ArrayDeque<ByteBuf> pending = new ArrayDeque<>(1);

        boolean failed;

        CollectStream(StreamContext ctx, Backpressure.Tracked flow) {
            this.ctx = ctx;
            this.peerId = ctx.remotePeer().toString();
            this.flow = flow;
        }

        boolean idle() {
            return decoder == null || decoder.isIdle();
        }
    }

    public CollectProtocolHandler(BridgeConfig config, SubmissionSink sink, BridgeMetrics metrics) {
        this(config, sink, metrics, FLOW_CONTROL);
    }

    /** With the executor that runs global pauses/resumes ({@code Runnable::run} in tests: synchronous). */
    CollectProtocolHandler(
            BridgeConfig config,
            SubmissionSink sink,
            BridgeMetrics metrics,
            java.util.concurrent.Executor flowControl) {
        this.bridgeId = config.bridgeId();
        this.maxMessageBytes = config.maxMessageBytes();
        this.maxStreams = config.maxStreams();
        this.maxStreamsPerPeer = config.maxStreamsPerPeer();
        this.maxStreamsPerIp = config.maxStreamsPerIp();
        this.rejectRawMaxBytes = config.rejectRawMaxBytes();
        this.sink = sink;
        this.metrics = metrics;
        this.backpressure = new Backpressure(
                config.streamInFlightHigh(),
                config.streamInFlightLow(),
                config.globalInFlightHigh(),
                config.globalInFlightLow(),
                metrics,
                this::onResume,
                flowControl);
    }

    @Override
    public void onOpen(StreamContext ctx) {
        String refusal = admit(ctx);
        if (refusal != null) {
            metrics.streamRefused(refusal);
            LOG.debug("refusing /collect stream {} of {}: {}", ctx.id(), ctx.remotePeer(), refusal);
            // A go-libp2p collector negotiates lazily: its first submission arrived together with the protocol
            // and is delivered right after onOpen, in the same event-loop task. Keep the stream until that task
            // is done so that what it carried is recorded as refused, then reset it.
            refused.put(ctx.id(), refusal);
            EventLoop loop = ctx.eventLoop();
            Runnable reset = () -> {
                refused.remove(ctx.id());
                ctx.reset();
            };
            if (loop == null) {
                reset.run();
            } else {
                loop.execute(reset);
            }
            return;
        }
        CollectStream s = new CollectStream(ctx, backpressure.register(ctx));
        streams.put(ctx.id(), s);
        metrics.openStreams.incrementAndGet();
    }

    /** Reserves a stream slot; returns why the stream is refused, or null when admitted. */
    private String admit(StreamContext ctx) {
        if (!accepting) {
            return "shutting_down";
        }
        if (openStreams.incrementAndGet() > maxStreams) {
            openStreams.decrementAndGet();
            return "max_streams";
        }
        boolean[] over = {false};
        streamsPerPeer.compute(ctx.remotePeer(), (p, n) -> {
            int count = n == null ? 0 : n;
            if (count >= maxStreamsPerPeer) {
                over[0] = true;
                return n;
            }
            return count + 1;
        });
        if (over[0]) {
            openStreams.decrementAndGet();
            return "max_streams_per_peer";
        }
        String ip = sourceIp(ctx);
        if (ip != null) {
            streamsPerIp.compute(ip, (k, n) -> {
                int count = n == null ? 0 : n;
                if (count >= maxStreamsPerIp) {
                    over[0] = true;
                    return n;
                }
                return count + 1;
            });
            if (over[0]) {
                releasePeer(ctx.remotePeer());
                openStreams.decrementAndGet();
                return "max_streams_per_ip";
            }
        }
        return null;
    }

    /** The remote IP address of a direct connection (null when relayed: the address would be the relay's). */
    static String sourceIp(StreamContext ctx) {
        if (ctx.relayed()
                || !(ctx instanceof io.powerloom.sequencer.libp2p.OutboundStream o)
                || o.connection() == null) {
            return null;
        }
        String[] parts = o.connection().remoteAddress().split("/");
        return parts.length > 2 && (parts[1].equals("ip4") || parts[1].equals("ip6")) ? parts[2] : null;
    }

    private void releasePeer(PeerId peer) {
        streamsPerPeer.computeIfPresent(peer, (p, n) -> n <= 1 ? null : n - 1);
    }

    /** Open {@code /collect} streams of one peer. */
    public int openStreams(PeerId peer) {
        return streamsPerPeer.getOrDefault(peer, 0);
    }

    @Override
    public void onData(StreamContext ctx, ByteBuf data) {
        CollectStream s = streams.get(ctx.id());
        if (s == null) {
            String why = refused.get(ctx.id());
            if (why != null) {
                recordRefused(ctx, why, data);
            }
            return;
        }
        if (s.failed) {
            return; // already failed: drop what is still arriving
        }
        metrics.bytes.add(data.readableBytes());
        if (!s.pending.isEmpty()) {
            s.pending.add(data.retain()); // keep the order: decode after what is already waiting
        } else if (!decode(s, data)) {
            s.pending.add(data.retain());
            stopped(s);
        }
    }

    /**
     * Writes a {@code stream_refused} reject record for every submission that came with a refused stream's open
     * (one record with the raw bytes when they do not decode), so that a refusal never loses a submission
     * silently. Bounded: only what arrived before the reset, at most one yamux window.
     */
    private void recordRefused(StreamContext ctx, String why, ByteBuf data) {
        String peer = ctx.remotePeer().toString();
        String detail = "stream refused at open (" + why + ")";
        CollectStreamDecoder decoder = new CollectStreamDecoder(maxMessageBytes);
        int[] frames = {0};
        int length = data.readableBytes();
        try {
            for (ByteBuffer part : data.nioBuffers()) {
                decoder.feed(part, frame -> {
                    frames[0]++;
                    reject(
                            null,
                            peer,
                            "stream_refused",
                            detail,
                            frame.submissionId(),
                            RejectRecord.truncate(frame.json(), rejectRawMaxBytes),
                            frame.json().length);
                });
            }
            if (frames[0] > 0 && decoder.isIdle()) {
                return;
            }
        } catch (WireFormatException e) {
            // fall through: record the raw bytes
        }
        if (frames[0] == 0) {
            reject(
                    null,
                    peer,
                    "stream_refused",
                    detail,
                    null,
                    ByteBufUtil.getBytes(data, data.readerIndex(), Math.min(length, rejectRawMaxBytes)),
                    length);
        }
    }

    /**
     * Decoding of {@code s} stopped for backpressure with bytes kept: make sure they are decoded later — on
     * resume, or right away (on the event loop, not recursively) if the pause ended meanwhile.
     */
    private void stopped(CollectStream s) {
        backpressure.refresh(s.flow);
        if (!backpressure.shouldPause(s.flow)) {
            EventLoop loop = s.ctx.eventLoop();
            if (loop == null) {
                drain(s);
            } else {
                loop.execute(() -> drain(s));
            }
        }
    }

    /**
     * Decodes {@code data} in slices of {@value #SLICE_BYTES} bytes, stopping as soon as the stream is paused.
     *
     * @return true when {@code data} is used up (or the stream failed), false when paused with bytes left
     */
    private boolean decode(CollectStream s, ByteBuf data) {
        return decode(s, data, false);
    }

    private boolean decode(CollectStream s, ByteBuf data, boolean ignorePause) {
        while (data.isReadable() && !s.failed) {
            if (!ignorePause && backpressure.shouldPause(s.flow)) {
                return false;
            }
            int n = Math.min(SLICE_BYTES, data.readableBytes());
            ByteBuf slice = data.slice(data.readerIndex(), n);
            if (s.decoder == null) {
                s.decoder = new CollectStreamDecoder(maxMessageBytes);
            }
            try {
                if (slice.hasArray()) {
                    s.decoder.feed(slice.nioBuffer(), frame -> onFrame(s, frame));
                } else {
                    // copy off-heap bytes into this thread's scratch: a decoder given a direct buffer would keep
                    // an 8 KiB scratch of its own, per stream (1.6 GB for 200,000 pooled streams)
                    byte[] scratch = SCRATCH.get();
                    slice.getBytes(slice.readerIndex(), scratch, 0, n);
                    s.decoder.feed(ByteBuffer.wrap(scratch, 0, n), frame -> onFrame(s, frame));
                }
            } catch (WireFormatException e) {
                byte[] raw = ByteBufUtil.getBytes(slice, 0, Math.min(n, rejectRawMaxBytes));
                fail(s, e, raw, n);
            }
            data.skipBytes(n);
        }
        if (s.decoder != null && s.decoder.isIdle()) {
            s.decoder = null; // between messages: nothing to keep
        }
        return true;
    }

    /** Runs on the stream's event loop after backpressure resumed it: decodes what waited, in order. */
    private void drain(CollectStream s) {
        while (!s.pending.isEmpty() && !s.failed) {
            ByteBuf head = s.pending.peek();
            if (!decode(s, head)) {
                stopped(s); // paused again
                return;
            }
            s.pending.poll().release();
        }
        releasePendingIfFailed(s);
    }

    private void onResume(StreamContext ctx) {
        CollectStream s = streams.get(ctx.id());
        if (s == null) {
            return;
        }
        // `pending` belongs to the event loop: look at it there
        if (ctx.eventLoop() == null || ctx.eventLoop().inEventLoop()) {
            drain(s);
        } else {
            ctx.eventLoop().execute(() -> drain(s));
        }
    }

    private void fail(CollectStream s, WireFormatException e, byte[] raw, int rawLength) {
        reject(s, e, null, raw, rawLength);
        s.failed = true;
        LOG.debug("resetting /collect stream {} of {}: {}", s.ctx.id(), s.peerId, e.getMessage());
        s.ctx.reset();
        releasePendingIfFailed(s);
        release(s);
    }

    private static void releasePendingIfFailed(CollectStream s) {
        if (s.failed) {
            ByteBuf b;
            while ((b = s.pending.poll()) != null) {
                b.release();
            }
        }
    }

    private void onFrame(CollectStream s, Frame frame) {
        metrics.received.increment();
        SnapshotSubmission submission;
        try {
            submission = SubmissionCodec.fromGoJson(frame.json());
        } catch (WireFormatException e) {
            reject(
                    s,
                    e,
                    frame.submissionId(),
                    RejectRecord.truncate(frame.json(), rejectRawMaxBytes),
                    frame.json().length);
            return;
        }
        Backpressure.Tracked flow = s.flow;
        backpressure.sent(flow);
        sink.sendSubmission(
                frame.submissionId(), s.peerId, submission.request().slotId(), frame.jsonText(), new SendListener() {
                    @Override
                    public void onAcked(long latencyNanos) {
                        metrics.accepted.increment();
                        metrics.produceLatency.recordNanos(latencyNanos);
                        backpressure.completed(flow);
                    }

                    @Override
                    public void onFailed(Exception error) {
                        backpressure.completed(flow);
                    }
                });
    }

    @Override
    public void onClose(StreamContext ctx, boolean reset) {
        CollectStream s = streams.get(ctx.id());
        if (s == null) {
            return;
        }
        // what was read before the end is decoded now even if paused: at most one window per stream
        ByteBuf b;
        while ((b = s.pending.poll()) != null) {
            if (!s.failed) {
                decode(s, b, true);
            }
            b.release();
        }
        finish(s, reset);
    }

    /** The stream ended: reject a partial message, close our side, forget the stream. */
    private void finish(CollectStream s, boolean reset) {
        if (!s.failed && !s.idle()) {
            String how = reset ? "stream reset by the remote inside a message" : null;
            try {
                if (how == null) {
                    s.decoder.endOfStream();
                }
            } catch (WireFormatException e) {
                how = e.getMessage();
            }
            if (how != null) {
                reject(s, "truncated", how, null, new byte[0], 0);
            }
        }
        if (!reset && !s.failed) {
            s.ctx.close(); // the remote is done: close our side too (we never write)
        }
        release(s);
    }

    private void release(CollectStream s) {
        if (streams.remove(s.ctx.id(), s)) {
            backpressure.unregister(s.flow);
            releasePeer(s.ctx.remotePeer());
            String ip = sourceIp(s.ctx);
            if (ip != null) {
                streamsPerIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
            }
            openStreams.decrementAndGet();
            metrics.openStreams.decrementAndGet();
        }
    }

    private void reject(CollectStream s, WireFormatException e, String submissionId, byte[] raw, int rawLength) {
        reject(s, reasonToken(e.reason()), e.getMessage(), submissionId, raw, rawLength);
    }

    private void reject(CollectStream s, String reason, String detail, String submissionId, byte[] raw, int rawLength) {
        reject(s.flow, s.peerId, reason, detail, submissionId, raw, rawLength);
    }

    /** Records a reject; it counts as in flight (of {@code flow}, or only globally when null) until acknowledged. */
    private void reject(
            Backpressure.Tracked flow,
            String peerId,
            String reason,
            String detail,
            String submissionId,
            byte[] raw,
            int rawLength) {
        metrics.rejected(reason);
        backpressure.sent(flow);
        try {
            sink.sendReject(
                    new RejectRecord(reason, detail, peerId, submissionId, sink.now(), bridgeId, raw, rawLength),
                    new SendListener() {
                        @Override
                        public void onAcked(long latencyNanos) {
                            backpressure.completed(flow);
                        }

                        @Override
                        public void onFailed(Exception error) {
                            backpressure.completed(flow);
                        }
                    });
        } catch (RuntimeException ex) {
            backpressure.completed(flow);
            LOG.warn("could not record a reject ({}): {}", reason, ex.toString());
        }
    }

    /** The metric/record token of a wire-format fault, e.g. {@code bad_uuid}. */
    public static String reasonToken(WireFormatException.Reason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }

    // ---- operations ----

    /** Stops admitting new streams (they are reset at open); open streams go on. */
    public void stopAccepting() {
        accepting = false;
    }

    /** Open {@code /collect} streams. */
    public int openStreams() {
        return openStreams.get();
    }

    /** Submissions sent to Kafka and not yet acknowledged or failed. */
    public int inFlight() {
        return backpressure.globalInFlight();
    }

    /** The flow control (for tests and metrics). */
    public Backpressure backpressure() {
        return backpressure;
    }

    /** Waits until no submission is in flight; returns whether that happened within {@code timeout}. */
    public boolean awaitNoneInFlight(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (backpressure.globalInFlight() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
