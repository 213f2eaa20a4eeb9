package io.powerloom.sequencer.bridge.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.bridge.BridgeConfig;
import io.powerloom.sequencer.bridge.collect.SubmissionSink;
import io.powerloom.sequencer.bridge.kafka.RejectRecord;
import io.powerloom.sequencer.bridge.kafka.SendListener;
import io.powerloom.sequencer.bridge.load.SignedSubmissions;
import io.powerloom.sequencer.bridge.ops.BridgeMetrics;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.libp2p.pubsub.GossipSub;
import io.powerloom.sequencer.libp2p.pubsub.PubsubMessage;
import io.powerloom.sequencer.libp2p.pubsub.Validation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GossipSourceTest {
    private static final PeerId PUBLISHER =
            PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
    private static final PeerId NEIGHBOUR =
            PeerId.fromPublicKey(Keys.generateEd25519().publicKey());

    record Sent(String submissionId, String peerId, String messageId, long slotId, String json) {}

    static final class Sink implements SubmissionSink {
        // a resend after a failed send comes from another thread
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        final List<SendListener> pending = new CopyOnWriteArrayList<>();
        final List<RejectRecord> rejects = new CopyOnWriteArrayList<>();

        @Override
        public void sendSubmission(String id, String peer, long slot, String json, SendListener l) {
            throw new AssertionError("gossip must not use the /collect send");
        }

        @Override
        public void sendGossipSubmission(
                String id, String peer, String messageId, long slot, String json, SendListener l) {
            sent.add(new Sent(id, peer, messageId, slot, json));
            pending.add(l);
        }

        @Override
        public void sendReject(RejectRecord reject, SendListener l) {
            rejects.add(reject);
            l.onAcked(0);
        }

        @Override
        public long now() {
            return 1_700_000_000_000L;
        }
    }

    private final Sink sink = new Sink();
    private final BridgeMetrics metrics = new BridgeMetrics();
    private final GossipSettings settings = GossipSettings.from(BridgeConfig.defaults());
    private final GossipSource source = new GossipSource(settings, sink, metrics, "bridge-0", 64 * 1024, 1024, 3, 1);
    private GossipSub gossip;

    @AfterEach
    void close() {
        if (gossip != null) gossip.close();
    }

    private static PubsubMessage message(String topic, String data, long seq) {
        byte[] seqno = java.nio.ByteBuffer.allocate(8).putLong(seq).array();
        return new PubsubMessage(PUBLISHER, seqno, topic, data.getBytes(StandardCharsets.UTF_8), NEIGHBOUR);
    }

    private static String inner(long slot, long epoch) {
        return new String(SignedSubmissions.goJson(slot, epoch, 1), StandardCharsets.UTF_8);
    }

    @Test
    void eachInnerSubmissionIsSentByteForByteWithItsOrigin() {
        String a = inner(7, 42);
        String b = inner(8, 42);
        PubsubMessage m = message(
                settings.submissionsTopic(),
                "{\"epoch_id\":42,\"submissions\":[" + a + " , " + b + "],\"snapshotter_id\":\"x\",\"signature\":null}",
                1);
        assertThat(source.onMessage(m)).isEqualTo(Validation.ACCEPT);
        assertThat(sink.sent)
                .containsExactly(
                        new Sent(m.messageId(), NEIGHBOUR.toString(), m.messageId(), 7, a),
                        new Sent(m.messageId() + "/1", NEIGHBOUR.toString(), m.messageId(), 8, b));
        assertThat(sink.rejects).isEmpty();
    }

    @Test
    void epochZeroSubmissionsAreForwardedAndHeartbeatsOnlyCountLiveness() {
        String sim = inner(9, 0);
        assertThat(source.onMessage(message(
                        settings.epochZeroTopic(),
                        "{\"epoch_id\":0,\"submissions\":[" + sim + "],\"snapshotter_id\":\"s\",\"signature\":null}",
                        1)))
                .isEqualTo(Validation.ACCEPT);
        assertThat(sink.sent).hasSize(1);
        assertThat(sink.sent.get(0).json()).isEqualTo(sim);
        assertThat(source.onMessage(message(
                        settings.epochZeroTopic(),
                        "{\"epoch_id\":0,\"submissions\":null,\"snapshotter_id\":\"snap-1\",\"signature\":null}",
                        2)))
                .isEqualTo(Validation.ACCEPT);
        assertThat(sink.sent).hasSize(1);
        assertThat(source.heartbeats.sum()).isEqualTo(1);
        assertThat(source.liveness()).containsKey("snap-1");
        assertThat(source.livePeers(60_000)).isEqualTo(1);
    }

    @Test
    void malformedEnvelopesAndBadSubmissionsAreRejectedWithAReason() {
        assertThat(source.onMessage(message(settings.submissionsTopic(), "not json", 1)))
                .isEqualTo(Validation.REJECT);
        assertThat(source.onMessage(message(settings.submissionsTopic(), "{\"epoch_id\":\"x\"}", 2)))
                .isEqualTo(Validation.REJECT);
        assertThat(source.onMessage(message(settings.submissionsTopic(), "{\"epoch_id\":5,\"submissions\":[]}", 3)))
                .isEqualTo(Validation.REJECT);
        assertThat(source.onMessage(message(
                        settings.submissionsTopic(),
                        "{\"epoch_id\":5,\"submissions\":[{\"request\":{\"slotId\":5}}]}",
                        4)))
                .isEqualTo(Validation.REJECT);
        assertThat(source.onMessage(message(
                        settings.submissionsTopic(),
                        "{\"epoch_id\":5,\"submissions\":[{\"pad\":\"" + "x".repeat(70_000) + "\"}]}",
                        5)))
                .isEqualTo(Validation.REJECT);
        assertThat(sink.sent).isEmpty();
        assertThat(sink.rejects)
                .extracting(RejectRecord::reason)
                .containsExactly(
                        "gossip_malformed_envelope",
                        "gossip_malformed_envelope",
                        "gossip_malformed_envelope",
                        "gossip_missing_field",
                        "gossip_oversized");
        assertThat(sink.rejects).allSatisfy(r -> assertThat(r.peerId()).isEqualTo(NEIGHBOUR.toString()));
        assertThat(metrics.rejectedCount("gossip_malformed_envelope")).isEqualTo(3);
        assertThat(sink.rejects.get(4).raw()).hasSize(1024);
    }

    @Test
    void inboundStreamsPauseAtTheHighMarkAndResumeAtTheLowMark() {
        gossip = new GossipSub(Keys.generateEd25519(), settings.params());
        source.attach(gossip);
        for (int i = 0; i < 3; i++) {
            source.onMessage(message(
                    settings.submissionsTopic(), "{\"epoch_id\":1,\"submissions\":[" + inner(i + 1, 1) + "]}", i + 1));
        }
        assertThat(metrics.pausedStreams.get()).isEqualTo(1);
        assertThat(metrics.inFlight.get()).isEqualTo(3);
        sink.pending.get(0).onAcked(1000);
        assertThat(metrics.pausedStreams.get()).isEqualTo(1);
        sink.pending.get(1).onAcked(1000);
        assertThat(metrics.pausedStreams.get()).isEqualTo(0);
        sink.pending.get(2).onFailed(new RuntimeException("broker said no"));
        assertThat(source.inFlight()).isZero();
        assertThat(source.accepted.sum()).isEqualTo(2);
    }

    @Test
    void aSubmissionWhoseSendTimesOutIsSentAgainUntilKafkaTakesIt() throws Exception {
        String a = inner(7, 42);
        PubsubMessage m = message(
                settings.submissionsTopic(),
                "{\"epoch_id\":42,\"submissions\":[" + a + "],\"snapshotter_id\":\"x\",\"signature\":null}",
                1);
        assertThat(source.onMessage(m)).isEqualTo(Validation.ACCEPT);
        assertThat(sink.sent).hasSize(1);
        // what the producer reports when a record expires (delivery.timeout.ms, e.g. a broker down for minutes);
        // the router has marked the message id seen, so no gossip copy of it will be taken again
        sink.pending
                .get(0)
                .onFailed(new org.apache.kafka.common.errors.TimeoutException(
                        "Expiring 1 record(s) for submissions-0: 120000 ms has passed since batch creation"));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (sink.sent.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(sink.sent)
                .as("the failed send is made again, the same record")
                .containsExactly(
                        new Sent(m.messageId(), NEIGHBOUR.toString(), m.messageId(), 7, a),
                        new Sent(m.messageId(), NEIGHBOUR.toString(), m.messageId(), 7, a));
        assertThat(source.inFlight()).as("still in flight while it is retried").isEqualTo(1);
        assertThat(source.accepted.sum()).isZero();
        sink.pending.get(1).onAcked(1000);
        assertThat(source.inFlight()).isZero();
        assertThat(source.accepted.sum()).isEqualTo(1);
        assertThat(source.resent.sum()).isEqualTo(1);
        Thread.sleep(300);
        assertThat(sink.sent).as("sent once more, not more").hasSize(2);
    }

    @Test
    void aSendThatCanNeverSucceedIsGivenUpAndCounted() {
        PubsubMessage m =
                message(settings.submissionsTopic(), "{\"epoch_id\":42,\"submissions\":[" + inner(7, 42) + "]}", 1);
        assertThat(source.onMessage(m)).isEqualTo(Validation.ACCEPT);
        sink.pending.get(0).onFailed(new org.apache.kafka.common.errors.RecordTooLargeException("too large"));
        assertThat(source.inFlight()).isZero();
        assertThat(source.abandoned.sum()).isEqualTo(1);
        assertThat(sink.sent).hasSize(1);
    }
}
