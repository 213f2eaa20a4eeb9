package io.powerloom.sequencer.libp2p.internal.multistream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.powerloom.sequencer.libp2p.Libp2pException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MultistreamNegotiatorTest {
    private final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;

    @Test
    void linesAreVarintPrefixedAndNewlineTerminated() {
        ByteBuf b = Unpooled.buffer();
        MultistreamNegotiator.writeLine(b, "/multistream/1.0.0");
        assertThat(b.getByte(0)).isEqualTo((byte) 19);
        assertThat(b.toString(1, 19, StandardCharsets.UTF_8)).isEqualTo("/multistream/1.0.0\n");
        assertThat(MultistreamNegotiator.readLine(b)).isEqualTo("/multistream/1.0.0");
    }

    @Test
    void initiatorFallsBackAfterNaAndKeepsTrailingBytes() {
        List<ByteBuf> toResponder = new ArrayList<>();
        List<ByteBuf> toInitiator = new ArrayList<>();
        MultistreamNegotiator init = MultistreamNegotiator.initiator(List.of("/a", "/b"), toResponder::add, alloc);
        MultistreamNegotiator resp = MultistreamNegotiator.responder(Set.of("/b")::contains, toInitiator::add, alloc);
        init.start();
        resp.start();
        // the initiator sends data optimistically right after its proposals, byte by byte
        ByteBuf all = Unpooled.buffer();
        toResponder.forEach(b -> {
            all.writeBytes(b);
            b.release();
        });
        toResponder.clear();
        boolean respDone = false;
        while (all.isReadable()) {
            respDone = resp.feed(all.readSlice(1));
        }
        assertThat(respDone).isFalse(); // answered na to /a, waits for /b
        ByteBuf answers = Unpooled.buffer();
        toInitiator.forEach(b -> {
            answers.writeBytes(b);
            b.release();
        });
        toInitiator.clear();
        assertThat(init.feed(answers)).isFalse(); // got header + na, proposed /b
        ByteBuf second = Unpooled.buffer();
        toResponder.forEach(b -> {
            second.writeBytes(b);
            b.release();
        });
        second.writeBytes("payload".getBytes(StandardCharsets.UTF_8));
        assertThat(resp.feed(second)).isTrue();
        assertThat(resp.protocol()).isEqualTo("/b");
        ByteBuf leftover = resp.takeLeftover();
        assertThat(leftover.toString(StandardCharsets.UTF_8)).isEqualTo("payload");
        leftover.release();
        toInitiator.forEach(ByteBuf::release);
    }

    @Test
    void initiatorFailsWhenNothingIsSupported() {
        List<ByteBuf> sink = new ArrayList<>();
        MultistreamNegotiator init = MultistreamNegotiator.initiator(List.of("/x"), sink::add, alloc);
        init.start();
        ByteBuf answer = Unpooled.buffer();
        MultistreamNegotiator.writeLine(answer, MultistreamNegotiator.HEADER);
        MultistreamNegotiator.writeLine(answer, "na");
        assertThatThrownBy(() -> init.feed(answer))
                .isInstanceOf(Libp2pException.class)
                .satisfies(e -> assertThat(((Libp2pException) e).kind()).isEqualTo(Libp2pException.Kind.NEGOTIATION));
        sink.forEach(ByteBuf::release);
    }

    @Test
    void responderRejectsGarbage() {
        List<ByteBuf> sink = new ArrayList<>();
        MultistreamNegotiator resp = MultistreamNegotiator.responder(p -> true, sink::add, alloc);
        ByteBuf wrongHeader = Unpooled.buffer();
        MultistreamNegotiator.writeLine(wrongHeader, "/multistream/2.0.0");
        assertThatThrownBy(() -> resp.feed(wrongHeader))
                .isInstanceOf(Libp2pException.class)
                .hasMessageContaining("expected /multistream/1.0.0");
        ByteBuf huge = Unpooled.buffer();
        MultistreamNegotiator.writeLine(huge, MultistreamNegotiator.HEADER);
        huge.writeByte(0xff).writeByte(0x7f);
        MultistreamNegotiator resp3 = MultistreamNegotiator.responder(p -> true, sink::add, alloc);
        assertThatThrownBy(() -> resp3.feed(huge)).hasMessageContaining("outside 1..1024");
        ByteBuf http = Unpooled.wrappedBuffer("GET / HTTP/1.1".getBytes(StandardCharsets.US_ASCII));
        MultistreamNegotiator resp4 = MultistreamNegotiator.responder(p -> true, sink::add, alloc);
        assertThatThrownBy(() -> resp4.feed(http)).hasMessageContaining("first message is 71 bytes");
        ByteBuf noNewline = Unpooled.buffer();
        MultistreamNegotiator.writeLine(noNewline, MultistreamNegotiator.HEADER);
        noNewline.writeByte(3).writeBytes("abc".getBytes(StandardCharsets.US_ASCII));
        MultistreamNegotiator resp2 = MultistreamNegotiator.responder(p -> true, sink::add, alloc);
        assertThatThrownBy(() -> resp2.feed(noNewline)).hasMessageContaining("newline");
        resp.release();
        resp2.release();
    }
}
