package io.powerloom.sequencer.bridge.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.powerloom.sequencer.bridge.BridgeConfig;
import io.powerloom.sequencer.bridge.kafka.RejectRecord;
import io.powerloom.sequencer.bridge.ops.BridgeMetrics;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.protocol.wire.Request;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CollectProtocolHandlerTest {
    private static final PeerId PEER_A =
            PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
    private static final PeerId PEER_B =
            PeerId.fromPublicKey(Keys.generateSecp256k1().publicKey());

    private final BridgeMetrics metrics = new BridgeMetrics();
    private final RecordingSink sink = new RecordingSink();

    private CollectProtocolHandler handler(Map<String, String> overrides) {
        Map<String, String> cfg = new HashMap<>(Map.of("bridge.id", "bridge-test"));
        cfg.putAll(overrides);
        return new CollectProtocolHandler(BridgeConfig.of(cfg), sink, metrics, Runnable::run);
    }

    /** One message as a local collector writes it: UUID then Go JSON. */
    private static Message message(long slotId, String projectId) {
        String id = UUID.randomUUID().toString();
        SnapshotSubmission s = new SnapshotSubmission(
                new Request(slotId, 1000 + slotId, "bafkreiabc" + slotId, 42, projectId),
                "ab".repeat(65),
                "0x" + "11".repeat(32),
                "0x" + "22".repeat(20),
                null);
        return new Message(id, new String(SubmissionCodec.toGoJson(s), StandardCharsets.UTF_8));
    }

    private record Message(String id, String json) {
        byte[] bytes() {
            return (id + json).getBytes(StandardCharsets.UTF_8);
        }
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static void feedInChunks(CollectProtocolHandler h, FakeStream s, byte[] bytes, int chunk) {
        for (int i = 0; i < bytes.length; i += chunk) {
            ByteBuf buf = Unpooled.copiedBuffer(bytes, i, Math.min(chunk, bytes.length - i));
            h.onData(s, buf);
            buf.release();
        }
    }

    @Test
    void severalSubmissionsOnOneStreamAcrossSplitReadsArriveIntactAndInOrder() {
        CollectProtocolHandler h = handler(Map.of());
        FakeStream s = new FakeStream(PEER_A);
        h.onOpen(s);
        List<Message> msgs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            msgs.add(message(100 + i, "proj:0xabc:" + i));
        }
        byte[] bytes = concat(msgs.stream().map(Message::bytes).toList());
        feedInChunks(h, s, bytes, 7);

        assertThat(sink.sent).hasSize(5);
        for (int i = 0; i < 5; i++) {
            RecordingSink.Sent sent = sink.sent.get(i);
            assertThat(sent.submissionId()).isEqualTo(msgs.get(i).id());
            assertThat(sent.json()).isEqualTo(msgs.get(i).json());
            assertThat(sent.slotId()).isEqualTo(100 + i);
            assertThat(sent.peerId()).isEqualTo(PEER_A.toString());
        }
        assertThat(metrics.received.sum()).isEqualTo(5);
        assertThat(metrics.bytes.sum()).isEqualTo(bytes.length);
        assertThat(metrics.accepted.sum()).isZero();
        sink.ack(5);
        assertThat(metrics.accepted.sum()).isEqualTo(5);
        assertThat(metrics.produceLatency.count()).isEqualTo(5);
        assertThat(h.inFlight()).isZero();
        assertThat(s.reset).isFalse();
        assertThat(sink.rejects).isEmpty();

        h.onClose(s, false);
        assertThat(s.closed).as("our side is closed after the remote's FIN").isTrue();
        assertThat(s.bytesWritten).as("no response bytes on /collect").isZero();
        assertThat(h.openStreams()).isZero();
        assertThat(metrics.openStreams.get()).isZero();
    }

    @Test
    void compositeBufferWithSeveralNioBuffersIsDecoded() {
        CollectProtocolHandler h = handler(Map.of());
        FakeStream s = new FakeStream(PEER_A);
        h.onOpen(s);
        Message m1 = message(1, "p1");
        Message m2 = message(2, "p2");
        byte[] all = concat(List.of(m1.bytes(), m2.bytes()));
        CompositeByteBuf comp = Unpooled.compositeBuffer();
        comp.addComponent(true, Unpooled.wrappedBuffer(all, 0, 50));
        comp.addComponent(true, Unpooled.wrappedBuffer(all, 50, all.length - 50));
        h.onData(s, comp);
        comp.release();
        assertThat(sink.sent).extracting(RecordingSink.Sent::submissionId).containsExactly(m1.id(), m2.id());
    }

    @Test
    void frameThatIsNotAValidSubmissionIsRejectedButTheStreamGoesOn() {
        CollectProtocolHandler h = handler(Map.of());
        FakeStream s = new FakeStream(PEER_A);
        h.onOpen(s);
        String badId = UUID.randomUUID().toString();
        byte[] bad = (badId + "{\"request\":{\"slotId\":5},\"header\":\"0x1\"}").getBytes(StandardCharsets.UTF_8);
        Message good = message(7, "after-bad");
        h.onData(s, Unpooled.wrappedBuffer(concat(List.of(bad, good.bytes()))));

        assertThat(s.reset).isFalse();
        assertThat(sink.sent).extracting(RecordingSink.Sent::submissionId).containsExactly(good.id());
        assertThat(sink.rejects).hasSize(1);
        RejectRecord r = sink.rejects.get(0);
        assertThat(r.reason()).isEqualTo("missing_field");
        assertThat(r.submissionId()).isEqualTo(badId);
        assertThat(r.peerId()).isEqualTo(PEER_A.toString());
        assertThat(r.bridgeId()).isEqualTo("bridge-test");
        assertThat(new String(r.raw(), StandardCharsets.UTF_8)).startsWith("{\"request\"");
        assertThat(metrics.rejectedCount("missing_field")).isEqualTo(1);
        assertThat(metrics.received.sum()).isEqualTo(2);
    }

    @Test
    void badUuidRejectsAndResetsOnlyThatStream() {
        CollectProtocolHandler h = handler(Map.of());
        FakeStream bad = new FakeStream(PEER_A);
        FakeStream good = new FakeStream(PEER_A);
        h.onOpen(bad);
        h.onOpen(good);
        Message before = message(1, "before");
        byte[] garbage = "not-a-uuid-at-all-zzzzzzzzzzzzzzzzzz{}".getBytes(StandardCharsets.UTF_8);
        h.onData(bad, Unpooled.wrappedBuffer(concat(List.of(before.bytes(), garbage))));
        Message after = message(2, "after");
        h.onData(bad, Unpooled.wrappedBuffer(after.bytes())); // arrives after the reset: dropped

        assertThat(bad.reset).isTrue();
        assertThat(sink.rejects).extracting(RejectRecord::reason).containsExactly("bad_uuid");
        assertThat(sink.rejects.get(0).detail()).contains("UUID");
        assertThat(metrics.rejectedCount("bad_uuid")).isEqualTo(1);
        assertThat(sink.sent).extracting(RecordingSink.Sent::submissionId).containsExactly(before.id());

        Message other = message(3, "other stream");
        h.onData(good, Unpooled.wrappedBuffer(other.bytes()));
        assertThat(good.reset).isFalse();
        assertThat(sink.sent).extracting(RecordingSink.Sent::submissionId).containsExactly(before.id(), other.id());
        assertThat(h.openStreams()).isEqualTo(1);
        h.onClose(bad, true); // the host reports the reset: no double release
        assertThat(h.openStreams()).isEqualTo(1);
    }

    @Test
    void oversizedMessageIsRejectedWithTruncatedRawBytesAndTheStreamReset() {
        CollectProtocolHandler h =
                handler(Map.of("collect.max.message.bytes", "1024", "collect.reject.raw.max.bytes", "100"));
        FakeStream s = new FakeStream(PEER_B);
        h.onOpen(s);
        Message big = message(9, "x".repeat(5000));
        feedInChunks(h, s, big.bytes(), 700);

        assertThat(s.reset).isTrue();
        assertThat(sink.sent).isEmpty();
        assertThat(sink.rejects).hasSize(1);
        RejectRecord r = sink.rejects.get(0);
        assertThat(r.reason()).isEqualTo("oversized");
        assertThat(r.raw()).hasSize(100);
        assertThat(r.rawLength()).isEqualTo(700);
        assertThat(r.peerId()).isEqualTo(PEER_B.toString());
        assertThat(metrics.rejectedCount("oversized")).isEqualTo(1);
        assertThat(h.openStreams()).isZero();
    }

    @Test
    void nonJsonAfterTheUuidIsRejectedAndResets() {
        CollectProtocolHandler h = handler(Map.of());
        FakeStream s = new FakeStream(PEER_A);
        h.onOpen(s);
        h.onData(s, Unpooled.wrappedBuffer((UUID.randomUUID() + "hello").getBytes(StandardCharsets.UTF_8)));
        assertThat(s.reset).isTrue();
        assertThat(sink.rejects).extracting(RejectRecord::reason).containsExactly("not_json_object");
    }

    @Test
    void streamEndingInsideAMessageIsRejectedAsTruncated() {
        CollectProtocolHandler h = handler(Map.of());
        FakeStream s = new FakeStream(PEER_A);
        h.onOpen(s);
        Message m = message(3, "cut");
        byte[] b = m.bytes();
        h.onData(s, Unpooled.wrappedBuffer(b, 0, b.length - 10));
        h.onClose(s, false);
        assertThat(sink.sent).isEmpty();
        assertThat(sink.rejects).extracting(RejectRecord::reason).containsExactly("truncated");
        assertThat(metrics.rejectedCount("truncated")).isEqualTo(1);
        assertThat(h.openStreams()).isZero();
    }

    @Test
    void streamPausesAtTheHighWaterMarkAndResumesAtTheLowWaterMark() {
        CollectProtocolHandler h =
                handler(Map.of("collect.stream.inflight.high", "4", "collect.stream.inflight.low", "2"));
        FakeStream s = new FakeStream(PEER_A);
        h.onOpen(s);
        for (int i = 0; i < 3; i++) {
            h.onData(s, Unpooled.wrappedBuffer(message(i, "p").bytes()));
        }
        assertThat(s.paused).isFalse();
        h.onData(s, Unpooled.wrappedBuffer(message(3, "p").bytes()));
        assertThat(s.paused).as("4 un-acked sends").isTrue();
        assertThat(metrics.pausedStreams.get()).isEqualTo(1);
        // bytes that arrive while paused are kept, not decoded, and not dropped
        Message fifth = message(4, "p");
        h.onData(s, Unpooled.wrappedBuffer(fifth.bytes()));
        assertThat(sink.sent).hasSize(4);
        sink.ack(1);
        assertThat(s.paused).as("3 un-acked > low-water mark 2").isTrue();
        sink.ack(1);
        assertThat(s.paused).as("2 un-acked = low-water mark").isFalse();
        assertThat(sink.sent).as("kept bytes decoded on resume").hasSize(5);
        assertThat(sink.sent.get(4).submissionId()).isEqualTo(fifth.id());
        assertThat(s.pauseCalls).containsExactly(true, false);
        assertThat(metrics.pausedStreams.get()).isZero();
        sink.ack(3);
        assertThat(h.inFlight()).isZero();
    }

    @Test
    void oneLargeReadStopsDecodingAtTheHighWaterMarkAndGoesOnAfterResume() {
        CollectProtocolHandler h =
                handler(Map.of("collect.stream.inflight.high", "10", "collect.stream.inflight.low", "5"));
        FakeStream s = new FakeStream(PEER_A);
        h.onOpen(s);
        List<Message> msgs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            msgs.add(message(i, "bulk"));
        }
        byte[] all = concat(msgs.stream().map(Message::bytes).toList());
        assertThat(all.length).isGreaterThan(20 * CollectProtocolHandler.SLICE_BYTES);
        h.onData(s, Unpooled.wrappedBuffer(all));
        int perSlice = CollectProtocolHandler.SLICE_BYTES / msgs.get(0).bytes().length + 1;
        assertThat(s.paused).isTrue();
        assertThat(sink.sent.size()).as("stops within one slice of the mark").isBetween(10, 10 + perSlice);
        int rounds = 0;
        while (sink.pending() > 0) {
            sink.ack(sink.pending());
            assertThat(h.inFlight()).isLessThanOrEqualTo(10 + perSlice);
            rounds++;
        }
        assertThat(rounds).isGreaterThan(5);
        assertThat(sink.sent)
                .extracting(RecordingSink.Sent::submissionId)
                .containsExactlyElementsOf(msgs.stream().map(Message::id).toList());
        assertThat(s.paused).isFalse();
        assertThat(sink.rejects).isEmpty();
    }

    @Test
    void bytesKeptWhilePausedAreDecodedWhenTheRemoteCloses() {
        CollectProtocolHandler h =
                handler(Map.of("collect.stream.inflight.high", "2", "collect.stream.inflight.low", "1"));
        FakeStream s = new FakeStream(PEER_A);
        h.onOpen(s);
        h.onData(
                s,
                Unpooled.wrappedBuffer(
                        concat(List.of(message(1, "a").bytes(), message(2, "a").bytes()))));
        assertThat(s.paused).isTrue();
        h.onData(s, Unpooled.wrappedBuffer(message(3, "a").bytes()));
        assertThat(sink.sent).hasSize(2);
        h.onClose(s, false);
        assertThat(sink.sent).hasSize(3);
        assertThat(sink.rejects).isEmpty();
        assertThat(s.closed).isTrue();
        sink.ack(3);
        assertThat(h.inFlight()).isZero();
        assertThat(metrics.pausedStreams.get()).isZero();
    }

    @Test
    void globalInFlightLimitPausesEveryStreamAndFailuresAlsoRelease() {
        CollectProtocolHandler h =
                handler(Map.of("collect.global.inflight.high", "5", "collect.global.inflight.low", "2"));
        FakeStream a = new FakeStream(PEER_A);
        FakeStream b = new FakeStream(PEER_B);
        h.onOpen(a);
        h.onOpen(b);
        h.onData(
                a,
                Unpooled.wrappedBuffer(concat(List.of(
                        message(1, "a").bytes(),
                        message(2, "a").bytes(),
                        message(3, "a").bytes()))));
        assertThat(a.paused).isFalse();
        h.onData(
                b,
                Unpooled.wrappedBuffer(
                        concat(List.of(message(4, "b").bytes(), message(5, "b").bytes()))));
        assertThat(h.backpressure().globalPaused()).isTrue();
        assertThat(a.paused)
                .as("an idle stream is not visited by the global pause")
                .isFalse();
        h.onData(a, Unpooled.wrappedBuffer(message(6, "a").bytes()));
        assertThat(a.paused).as("it pauses itself when it next delivers data").isTrue();
        assertThat(sink.sent).as("its bytes are kept, not decoded").hasSize(5);
        h.onData(b, Unpooled.wrappedBuffer(message(7, "b").bytes()));
        assertThat(b.paused).isTrue();

        FakeStream c = new FakeStream(PEER_B);
        h.onOpen(c);
        assertThat(c.paused)
                .as("a stream opened while globally paused waits only once it delivers data")
                .isFalse();
        h.onData(c, Unpooled.wrappedBuffer(message(8, "b").bytes()));
        assertThat(c.paused).isTrue();

        sink.ack(2);
        assertThat(a.paused).isTrue();
        sink.fail(); // a failed send also frees its slot
        assertThat(a.paused).isFalse();
        assertThat(b.paused).isFalse();
        assertThat(c.paused).isFalse();
        assertThat(sink.sent).as("the kept bytes are decoded on resume").hasSize(8);
        assertThat(metrics.accepted.sum()).isEqualTo(2);
    }

    @Test
    void aGlobalResumeWakesOnlyAsManyStreamsAsTheHeadroomTakesOldestFirst() {
        // Go collectors: hundreds of thousands of pooled streams; under load thousands wait with data. A resume
        // that woke them all at every crossing of the low mark would cost O(waiting streams) per crossing (and
        // overshoot the mark by one read of each); the headroom (high - low) is what can be taken at once.
        CollectProtocolHandler h = handler(Map.of(
                "collect.global.inflight.high",
                "10",
                "collect.global.inflight.low",
                "5",
                "collect.max.streams.per.peer",
                "5000"));
        FakeStream first = new FakeStream(PEER_A);
        h.onOpen(first);
        List<Message> burst = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            burst.add(message(i, "p"));
        }
        h.onData(
                first,
                Unpooled.wrappedBuffer(concat(burst.stream().map(Message::bytes).toList())));
        assertThat(h.backpressure().globalPaused()).isTrue();
        int waiting = 1000;
        List<FakeStream> streams = new ArrayList<>();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < waiting; i++) {
            FakeStream s = new FakeStream(i % 2 == 0 ? PEER_A : PEER_B);
            h.onOpen(s);
            Message m = message(100 + i, "p");
            order.add(m.id());
            h.onData(s, Unpooled.wrappedBuffer(m.bytes()));
            streams.add(s);
        }
        assertThat(streams).allMatch(s -> s.paused);
        assertThat(sink.sent).hasSize(10);

        sink.ack(5); // down to the low mark: room for 5 more
        assertThat(sink.sent).as("sends after the resume").hasSizeLessThanOrEqualTo(10 + 5);
        assertThat(streams.stream().filter(s -> !s.paused).count())
                .as("streams woken")
                .isLessThanOrEqualTo(5);
        assertThat(streams.stream().mapToInt(s -> s.pauseCalls.size()).sum())
                .as("pause/resume calls")
                .isLessThanOrEqualTo(waiting + 2 * 5);

        // acknowledging everything in turn wakes every waiting stream once, the first to wait first
        for (int round = 0; round < 10 * waiting && sink.sent.size() < 10 + waiting; round++) {
            sink.ack(1);
        }
        sink.ackAll();
        assertThat(sink.sent).hasSize(10 + waiting);
        assertThat(sink.sent.subList(10, sink.sent.size()))
                .extracting(RecordingSink.Sent::submissionId)
                .containsExactlyElementsOf(order);
        assertThat(streams).noneMatch(s -> s.paused);
        assertThat(h.inFlight()).isZero();
        assertThat(metrics.pausedStreams.get()).isZero();
    }

    @Test
    void perPeerAndGlobalStreamLimitsResetExtraStreams() {
        CollectProtocolHandler h = handler(Map.of("collect.max.streams.per.peer", "2", "collect.max.streams", "3"));
        FakeStream a1 = new FakeStream(PEER_A);
        FakeStream a2 = new FakeStream(PEER_A);
        FakeStream a3 = new FakeStream(PEER_A);
        h.onOpen(a1);
        h.onOpen(a2);
        h.onOpen(a3);
        assertThat(a3.reset).isTrue();
        assertThat(metrics.streamsRefusedCount("max_streams_per_peer")).isEqualTo(1);
        assertThat(h.openStreams(PEER_A)).isEqualTo(2);

        FakeStream b1 = new FakeStream(PEER_B);
        FakeStream b2 = new FakeStream(PEER_B);
        h.onOpen(b1);
        h.onOpen(b2);
        assertThat(b1.reset).isFalse();
        assertThat(b2.reset).isTrue();
        assertThat(metrics.streamsRefusedCount("max_streams")).isEqualTo(1);

        // data on a refused stream is ignored
        h.onData(a3, Unpooled.wrappedBuffer(message(1, "x").bytes()));
        assertThat(sink.sent).isEmpty();

        h.onClose(a1, false);
        FakeStream a4 = new FakeStream(PEER_A);
        h.onOpen(a4);
        assertThat(a4.reset).isFalse();
        assertThat(h.openStreams()).isEqualTo(3);
    }

    @Test
    void afterStopAcceptingNewStreamsAreRefusedAndOpenOnesGoOn() {
        CollectProtocolHandler h = handler(Map.of());
        FakeStream open = new FakeStream(PEER_A);
        h.onOpen(open);
        h.stopAccepting();
        FakeStream late = new FakeStream(PEER_A);
        h.onOpen(late);
        assertThat(late.reset).isTrue();
        assertThat(metrics.streamsRefusedCount("shutting_down")).isEqualTo(1);
        h.onData(open, Unpooled.wrappedBuffer(message(1, "x").bytes()));
        assertThat(sink.sent).hasSize(1);
    }
}
