package io.powerloom.sequencer.libp2p.internal.pubsub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.StreamContext;
import io.powerloom.sequencer.libp2p.StreamHandler;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.libp2p.crypto.PrivateKey;
import io.powerloom.sequencer.libp2p.internal.util.Varint;
import io.powerloom.sequencer.libp2p.pubsub.GossipSubParams;
import io.powerloom.sequencer.libp2p.pubsub.PubsubMessage;
import io.powerloom.sequencer.libp2p.pubsub.Rejection;
import io.powerloom.sequencer.libp2p.pubsub.Validation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GossipRouterTest {
    private static final String TOPIC = "/t/all";
    private final GossipRouter router = new GossipRouter(
            GossipSubParams.powerloom().withMaxMessageSize(4096),
            Keys.generateEd25519(),
            a -> CompletableFuture.failedFuture(new UnsupportedOperationException()));
    private final List<PubsubMessage> delivered = new CopyOnWriteArrayList<>();
    private final List<Rejection> rejections = new CopyOnWriteArrayList<>();

    /** The delivered messages' data, as text, in delivery order. */
    private List<String> deliveredTexts() {
        return delivered.stream()
                .map(m -> new String(m.data(), StandardCharsets.UTF_8))
                .toList();
    }

    private List<Rejection.Reason> rejectionReasons() {
        return rejections.stream().map(Rejection::reason).toList();
    }

    GossipRouterTest() {
        router.subscribe(TOPIC, m -> {
            delivered.add(m);
            return Validation.ACCEPT;
        });
        router.onRejected(rejections::add);
    }

    @AfterEach
    void close() {
        router.close();
    }

    /** A minimal stream: an id and a remote peer; records resets. */
    static final class FakeStream implements StreamContext {
        final long id;
        final PeerId peer;
        boolean reset;

        FakeStream(long id, PeerId peer) {
            this.id = id;
            this.peer = peer;
        }

        @Override
        public PeerId remotePeer() {
            return peer;
        }

        @Override
        public String protocol() {
            return GossipRouter.MESHSUB_V12;
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
        public void setReadPaused(boolean paused) {}

        @Override
        public CompletableFuture<Void> write(ByteBuf data) {
            data.release();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {}

        @Override
        public void reset() {
            reset = true;
        }

        @Override
        public EventLoop eventLoop() {
            return null;
        }
    }

    static byte[] frame(PrivateKey key, long seq, String topic, String data, boolean corrupt) {
        byte[] from = PeerId.fromPublicKey(key.publicKey()).bytes();
        byte[] seqno = ByteBuffer.allocate(8).putLong(seq).array();
        Rpc.Message unsigned = new Rpc.Message(from, data.getBytes(StandardCharsets.UTF_8), seqno, topic, null, null);
        byte[] toSign = ("libp2p-pubsub:" + new String(unsigned.signedBytes(), StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] sig = key.sign(toSign);
        if (corrupt) {
            sig[0] ^= 1;
        }
        Rpc rpc = Rpc.empty();
        rpc.publish().add(new Rpc.Message(unsigned.from(), unsigned.data(), seqno, topic, sig, null));
        byte[] body = rpc.encode();
        byte[] len = Varint.encode(body.length);
        byte[] out = new byte[len.length + body.length];
        System.arraycopy(len, 0, out, 0, len.length);
        System.arraycopy(body, 0, out, len.length, body.length);
        return out;
    }

    private static void feed(StreamHandler h, StreamContext s, byte[] b, int from, int to) {
        ByteBuf buf = Unpooled.wrappedBuffer(b, from, to - from);
        h.onData(s, buf);
        buf.release();
    }

    @Test
    void framesOfStreamsInterleavedOnOneHandlerAreEachReassembled() {
        StreamHandler h = router.inboundHandler();
        PrivateKey a = Keys.generateEd25519();
        PrivateKey b = Keys.generateEd25519();
        FakeStream s1 = new FakeStream(1, PeerId.fromPublicKey(a.publicKey()));
        FakeStream s2 = new FakeStream(2, PeerId.fromPublicKey(b.publicKey()));
        h.onOpen(s1);
        h.onOpen(s2);
        byte[] f1 = frame(a, 1, TOPIC, "one", false);
        byte[] f2 = frame(b, 1, TOPIC, "two", false);
        feed(h, s1, f1, 0, 7);
        feed(h, s2, f2, 0, 11);
        feed(h, s1, f1, 7, f1.length);
        feed(h, s2, f2, 11, f2.length);
        assertEquals(List.of("one", "two"), deliveredTexts());
        assertTrue(rejections.isEmpty(), rejections.toString());
        assertEquals(s1.remotePeer(), delivered.get(0).from());
    }

    @Test
    void aBadSignatureAForeignTopicAndAnOversizedFrameAreRefusedAndPenalised() {
        StreamHandler h = router.inboundHandler();
        PrivateKey a = Keys.generateEd25519();
        FakeStream s = new FakeStream(3, PeerId.fromPublicKey(a.publicKey()));
        h.onOpen(s);
        byte[] bad = frame(a, 1, TOPIC, "x", true);
        byte[] foreign = frame(a, 2, "/other", "y", false);
        byte[] dup = frame(a, 3, TOPIC, "z", false);
        feed(h, s, bad, 0, bad.length);
        feed(h, s, foreign, 0, foreign.length);
        feed(h, s, dup, 0, dup.length);
        feed(h, s, dup, 0, dup.length); // the same message again: a duplicate, delivered once
        assertEquals(1, delivered.size());
        assertEquals(1, router.stats().duplicates());
        double before = router.score(s.remotePeer());
        assertTrue(before < 0);
        byte[] big = Varint.encode(5000);
        feed(h, s, big, 0, big.length);
        assertTrue(s.reset, "an oversized frame resets the stream");
        assertEquals(
                List.of(Rejection.Reason.INVALID_SIGNATURE, Rejection.Reason.FOREIGN_TOPIC, Rejection.Reason.OVERSIZED),
                rejectionReasons());
        assertTrue(router.score(s.remotePeer()) < before);
    }

    @Test
    void aPublisherWhoseKeyIsKeptStillHasEveryMessageVerified() {
        StreamHandler h = router.inboundHandler();
        PrivateKey a = Keys.generateEd25519();
        FakeStream s = new FakeStream(5, PeerId.fromPublicKey(a.publicKey()));
        h.onOpen(s);
        byte[] good = frame(a, 1, TOPIC, "first", false);
        byte[] forged = frame(a, 2, TOPIC, "second", true);
        byte[] again = frame(a, 3, TOPIC, "third", false);
        feed(h, s, good, 0, good.length);
        feed(h, s, forged, 0, forged.length);
        feed(h, s, again, 0, again.length);
        assertEquals(List.of("first", "third"), deliveredTexts());
        assertEquals(List.of(Rejection.Reason.INVALID_SIGNATURE), rejectionReasons());
    }

    @Test
    void aForgedCopyWithARealMessagesIdDoesNotShutOutTheRealOne() {
        StreamHandler h = router.inboundHandler();
        PrivateKey publisher = Keys.generateEd25519();
        FakeStream attacker =
                new FakeStream(7, PeerId.fromPublicKey(Keys.generateEd25519().publicKey()));
        FakeStream honest =
                new FakeStream(8, PeerId.fromPublicKey(Keys.generateEd25519().publicKey()));
        FakeStream other =
                new FakeStream(9, PeerId.fromPublicKey(Keys.generateEd25519().publicKey()));
        h.onOpen(attacker);
        h.onOpen(honest);
        h.onOpen(other);
        // the same from + seqno (so the same message id), a signature that does not verify, arriving first
        byte[] forged = frame(publisher, 1, TOPIC, "forged", true);
        byte[] real = frame(publisher, 1, TOPIC, "real", false);
        feed(h, attacker, forged, 0, forged.length);
        feed(h, honest, real, 0, real.length);
        feed(h, other, real, 0, real.length); // a mesh copy of a delivered message: a duplicate, not verified again
        assertEquals(List.of("real"), deliveredTexts());
        assertEquals(List.of(Rejection.Reason.INVALID_SIGNATURE), rejectionReasons());
        assertEquals(attacker.peer, rejections.get(0).peer());
        assertTrue(router.score(attacker.peer) < 0, "the forger loses score");
        assertEquals(0, router.score(honest.peer));
        assertEquals(0, router.score(other.peer));
        assertEquals(1, router.stats().duplicates());
    }

    @Test
    void rpcRoundTripsEveryControlMessage() {
        Rpc rpc = Rpc.empty();
        rpc.subscriptions().add(new Rpc.SubOpts(true, TOPIC));
        rpc.control().ihave().add(new Rpc.IHave(TOPIC, List.of("ab", "cd")));
        rpc.control().iwant().add(List.of("ab"));
        rpc.control().graft().add(TOPIC);
        rpc.control().prune().add(new Rpc.Prune(TOPIC, List.of(new Rpc.PeerInfo(new byte[] {1, 2}, null)), 300));
        rpc.control().idontwant().add(List.of("ef"));
        Rpc back = Rpc.decode(rpc.encode());
        assertEquals(rpc.subscriptions(), back.subscriptions());
        assertEquals(rpc.control().ihave(), back.control().ihave());
        assertEquals(rpc.control().iwant(), back.control().iwant());
        assertEquals(rpc.control().graft(), back.control().graft());
        assertEquals(300, back.control().prune().get(0).backoffSeconds());
        assertArrayEquals(
                new byte[] {1, 2}, back.control().prune().get(0).peers().get(0).peerId());
        assertEquals(rpc.control().idontwant(), back.control().idontwant());
        List<String> none = new ArrayList<>();
        assertEquals(none, back.publish());
    }
}
