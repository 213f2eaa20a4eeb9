package io.powerloom.sequencer.bridge.gossip;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.powerloom.sequencer.bridge.collect.CollectProtocolHandler;
import io.powerloom.sequencer.bridge.collect.SubmissionSink;
import io.powerloom.sequencer.bridge.kafka.RejectRecord;
import io.powerloom.sequencer.bridge.kafka.SendListener;
import io.powerloom.sequencer.bridge.ops.BridgeMetrics;
import io.powerloom.sequencer.libp2p.pubsub.GossipSub;
import io.powerloom.sequencer.libp2p.pubsub.PubsubMessage;
import io.powerloom.sequencer.libp2p.pubsub.Rejection;
import io.powerloom.sequencer.libp2p.pubsub.Validation;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import io.powerloom.sequencer.protocol.wire.WireFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's gossipsub source: subscribes to {@code {prefix}/all} and {@code {prefix}/0}, decodes each message's
 * JSON envelope {@code {"epoch_id","submissions":[…],"snapshotter_id","signature"}} and writes every inner
 * submission to Kafka in the same record as {@code /collect} (origin {@code gossipsub}, the delivering peer, the
 * message id). Heartbeats ({@code epoch_id} 0, no submissions) only update per-peer liveness. Malformed envelopes,
 * bad inner submissions and what the router refuses (oversized, bad signature, foreign topic) go to the rejects
 * topic with a reason (metric and record token {@code gossip_<reason>}); a rejected message is not forwarded and
 * costs its sender score. Backpressure: with {@code collect.global.inflight.high} un-acked sends every inbound
 * pubsub stream stops reading, until at most {@code collect.global.inflight.low} remain.
 */
public final class GossipSource {
    private static final Logger LOG = LoggerFactory.getLogger(GossipSource.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_LIVENESS_ENTRIES = 100_000;
    private static final long RESEND_FIRST_PAUSE_MS = 100;
    private static final long RESEND_MAX_PAUSE_MS = 10_000;

    private final GossipSettings settings;
    private final SubmissionSink sink;
    private final BridgeMetrics metrics;
    private final String bridgeId;
    private final int maxSubmissionBytes;
    private final int rejectRawMaxBytes;
    private final int inFlightHigh;
    private final int inFlightLow;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object pauseLock = new Object();
    private boolean paused;
    private volatile GossipSub gossip;

    /** Messages handed to us by the router (new, correctly signed). */
    public final LongAdder messages = new LongAdder();
    /** Submissions written to Kafka (acknowledged). */
    public final LongAdder accepted = new LongAdder();
    /** Heartbeats heard. */
    public final LongAdder heartbeats = new LongAdder();
    /** Submissions sent again after a send failed with an error that may pass (e.g. the delivery time-out). */
    public final LongAdder resent = new LongAdder();
    /** Submissions given up after an error no resend can fix (e.g. a record too large, the producer closed). */
    public final LongAdder abandoned = new LongAdder();

    private final Map<String, Long> lastHeartbeat = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_LIVENESS_ENTRIES;
        }
    };

    public GossipSource(
            GossipSettings settings,
            SubmissionSink sink,
            BridgeMetrics metrics,
            String bridgeId,
            int maxSubmissionBytes,
            int rejectRawMaxBytes,
            int inFlightHigh,
            int inFlightLow) {
        if (inFlightLow >= inFlightHigh) {
            throw new IllegalArgumentException("low-water mark must be below the high-water mark");
        }
        this.settings = settings;
        this.sink = sink;
        this.metrics = metrics;
        this.bridgeId = bridgeId;
        this.maxSubmissionBytes = maxSubmissionBytes;
        this.rejectRawMaxBytes = rejectRawMaxBytes;
        this.inFlightHigh = inFlightHigh;
        this.inFlightLow = inFlightLow;
    }

    /** Subscribes the topics on {@code gossip} and takes its rejections. */
    public void attach(GossipSub gossip) {
        this.gossip = gossip;
        gossip.onRejected(this::onRouterRejection);
        gossip.subscribe(settings.submissionsTopic(), this::onMessage);
        gossip.subscribe(settings.epochZeroTopic(), this::onMessage);
    }

    /** Last heartbeat time (bridge ms) per snapshotter peer id. */
    public Map<String, Long> liveness() {
        synchronized (lastHeartbeat) {
            return Map.copyOf(lastHeartbeat);
        }
    }

    /** Peers whose last heartbeat is at most {@code withinMs} old. */
    public long livePeers(long withinMs) {
        long now = sink.now();
        synchronized (lastHeartbeat) {
            return lastHeartbeat.values().stream()
                    .filter(t -> now - t <= withinMs)
                    .count();
        }
    }

    /** Un-acknowledged sends. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The envelope of one gossipsub message. */
    record Envelope(long epochId, List<byte[]> submissions, String snapshotterId) {}

    /** Decodes and forwards one message; the verdict decides whether the router forwards it on. */
    public Validation onMessage(PubsubMessage m) {
        messages.increment();
        metrics.received.increment();
        String messageId = m.messageId();
        String peer = m.receivedFrom().toString();
        Envelope env;
        try {
            env = decode(m.data());
        } catch (IOException | IllegalArgumentException e) {
            reject("malformed_envelope", e.getMessage(), peer, messageId, m.data());
            return Validation.REJECT;
        }
        if (env.submissions().isEmpty()) {
            if (env.epochId() == 0) {
                heartbeats.increment();
                String who = env.snapshotterId() != null
                        ? env.snapshotterId()
                        : m.from().toString();
                synchronized (lastHeartbeat) {
                    lastHeartbeat.put(who, sink.now());
                }
                return Validation.ACCEPT;
            }
            reject(
                    "malformed_envelope",
                    "no submissions for epoch " + Long.toUnsignedString(env.epochId()),
                    peer,
                    messageId,
                    m.data());
            return Validation.REJECT;
        }
        List<SnapshotSubmission> parsed = new ArrayList<>();
        for (byte[] raw : env.submissions()) {
            if (raw.length > maxSubmissionBytes) {
                reject(
                        "oversized",
                        "inner submission of " + raw.length + " bytes exceeds " + maxSubmissionBytes,
                        peer,
                        messageId,
                        m.data());
                return Validation.REJECT;
            }
            try {
                parsed.add(SubmissionCodec.fromGoJson(raw));
            } catch (WireFormatException e) {
                reject(CollectProtocolHandler.reasonToken(e.reason()), e.getMessage(), peer, messageId, raw);
                return Validation.REJECT;
            }
        }
        for (int i = 0; i < parsed.size(); i++) {
            String submissionId = i == 0 ? messageId : messageId + "/" + i;
            sent();
            send(
                    submissionId,
                    peer,
                    messageId,
                    parsed.get(i).request().slotId(),
                    new String(env.submissions().get(i), StandardCharsets.UTF_8),
                    0);
        }
        return Validation.ACCEPT;
    }

    /**
     * Sends one submission; it stays in flight (holding backpressure) until Kafka acknowledges it. The router marked
     * its message id seen when it handed it to us, so no copy from the mesh will bring it again: a send that failed
     * with an error that may pass (the producer's delivery time-out while a broker is down, a lost leader) is made
     * again, the same record, after a growing pause. An error no resend can fix (record too large, producer closed)
     * gives up, counted in {@link #abandoned}.
     */
    private void send(String submissionId, String peer, String messageId, long slotId, String json, int attempt) {
        SendListener listener = new SendListener() {
            @Override
            public void onAcked(long latencyNanos) {
                accepted.increment();
                metrics.accepted.increment();
                metrics.produceLatency.recordNanos(latencyNanos);
                completed();
            }

            @Override
            public void onFailed(Exception error) {
                if (!(error instanceof RetriableException)) {
                    abandoned.increment();
                    LOG.warn("gossip submission {} not sent, not retried: {}", submissionId, error.toString());
                    completed();
                    return;
                }
                resent.increment();
                long pauseMs = Math.min(RESEND_MAX_PAUSE_MS, RESEND_FIRST_PAUSE_MS << Math.min(attempt, 10));
                CompletableFuture.delayedExecutor(pauseMs, TimeUnit.MILLISECONDS)
                        .execute(() -> send(submissionId, peer, messageId, slotId, json, attempt + 1));
            }
        };
        try {
            sink.sendGossipSubmission(submissionId, peer, messageId, slotId, json, listener);
        } catch (RuntimeException e) {
            listener.onFailed(e);
        }
    }

    /**
     * Parses the envelope, keeping each inner submission's JSON text byte for byte. Unknown fields are skipped;
     * {@code submissions} may be null or absent (heartbeats).
     */
    static Envelope decode(byte[] data) throws IOException {
        long epochId = -1;
        String snapshotter = null;
        List<byte[]> subs = new ArrayList<>();
        try (JsonParser p = JSON.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("envelope is not a JSON object");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    throw new IllegalArgumentException("malformed envelope object");
                }
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "epoch_id" -> {
                        if (v != JsonToken.VALUE_NUMBER_INT) {
                            throw new IllegalArgumentException("epoch_id is not an integer");
                        }
                        epochId = SubmissionCodecBridge.uint64(p.getText());
                    }
                    case "snapshotter_id" -> snapshotter = v == JsonToken.VALUE_NULL ? null : p.getValueAsString();
                    case "submissions" -> {
                        if (v == JsonToken.VALUE_NULL) {
                            break;
                        }
                        if (v != JsonToken.START_ARRAY) {
                            throw new IllegalArgumentException("submissions is not an array");
                        }
                        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                            if (e != JsonToken.START_OBJECT) {
                                throw new IllegalArgumentException("a submission is not a JSON object");
                            }
                            int start = (int) p.currentTokenLocation().getByteOffset();
                            p.skipChildren();
                            int end = (int) p.currentLocation().getByteOffset();
                            subs.add(Arrays.copyOfRange(data, start, end));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("trailing data after the envelope");
            }
        }
        if (epochId < 0 && subs.isEmpty()) {
            throw new IllegalArgumentException("epoch_id missing");
        }
        return new Envelope(Math.max(epochId, 0), subs, snapshotter);
    }

    /** Parses uint64 decimal text (as Go writes epoch ids). */
    private static final class SubmissionCodecBridge {
        static long uint64(String text) {
            try {
                return SubmissionCodec.parseUint64(text, "epoch_id");
            } catch (WireFormatException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
    }

    private void onRouterRejection(Rejection r) {
        String reason = r.reason().name().toLowerCase(Locale.ROOT);
        String detail = switch (r.reason()) {
            case OVERSIZED ->
                "RPC frame of " + r.size() + " bytes exceeds "
                        + settings.params().maxMessageSize();
            case MALFORMED_RPC -> "not a pubsub RPC protobuf";
            case INVALID_SIGNATURE -> "StrictSign verification failed (missing from/seqno/signature, key or signature)";
            case FOREIGN_TOPIC ->
                "topic '" + r.topic() + "' is not one of " + settings.submissionsTopic() + ", "
                        + settings.epochZeroTopic();
        };
        reject(reason, detail, r.peer().toString(), r.messageId(), r.data() == null ? new byte[0] : r.data(), (int)
                Math.min(Integer.MAX_VALUE, r.size()));
    }

    private void reject(String reason, String detail, String peer, String messageId, byte[] raw) {
        reject(reason, detail, peer, messageId, raw, raw.length);
    }

    private void reject(String reason, String detail, String peer, String messageId, byte[] raw, int rawLength) {
        String token = "gossip_" + reason;
        metrics.rejected(token);
        // a reject counts as in flight until acknowledged, like a submission: the same backpressure bounds both
        sent();
        try {
            sink.sendReject(
                    new RejectRecord(
                            token,
                            detail,
                            peer,
                            messageId,
                            sink.now(),
                            bridgeId,
                            RejectRecord.truncate(raw, rejectRawMaxBytes),
                            rawLength),
                    new SendListener() {
                        @Override
                        public void onAcked(long latencyNanos) {
                            completed();
                        }

                        @Override
                        public void onFailed(Exception error) {
                            completed();
                        }
                    });
        } catch (RuntimeException e) {
            completed();
            LOG.warn("could not record a reject ({}): {}", token, e.toString());
        }
    }

    private void sent() {
        metrics.inFlight.incrementAndGet();
        if (inFlight.incrementAndGet() >= inFlightHigh) {
            setPaused(true);
        }
    }

    private void completed() {
        metrics.inFlight.decrementAndGet();
        if (inFlight.decrementAndGet() <= inFlightLow) {
            setPaused(false);
        }
    }

    private void setPaused(boolean pause) {
        GossipSub g = gossip;
        synchronized (pauseLock) {
            if (paused == pause || g == null) {
                return;
            }
            paused = pause;
            if (pause) {
                metrics.pausedStreams.incrementAndGet();
            } else {
                metrics.pausedStreams.decrementAndGet();
            }
            g.setInboundPaused(pause); // hops to the event loops, does not block
        }
    }
}
