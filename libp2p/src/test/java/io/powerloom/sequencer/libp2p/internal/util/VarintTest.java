package io.powerloom.sequencer.libp2p.internal.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.powerloom.sequencer.libp2p.Libp2pException;
import org.junit.jupiter.api.Test;

class VarintTest {
    @Test
    void encodesKnownValues() {
        assertThat(Varint.encode(0)).containsExactly(0);
        assertThat(Varint.encode(1)).containsExactly(1);
        assertThat(Varint.encode(127)).containsExactly(0x7f);
        assertThat(Varint.encode(128)).containsExactly(0x80, 0x01);
        assertThat(Varint.encode(300)).containsExactly(0xac, 0x02);
        assertThat(Varint.encode(16384)).containsExactly(0x80, 0x80, 0x01);
        assertThat(Varint.size(300)).isEqualTo(2);
    }

    @Test
    void roundTripsThroughByteBuf() {
        long[] values = {0, 1, 127, 128, 255, 300, 65535, 1L << 31, (1L << 62) + 5};
        ByteBuf b = Unpooled.buffer();
        for (long v : values) {
            Varint.write(b, v);
        }
        for (long v : values) {
            assertThat(Varint.read(b)).isEqualTo(v);
        }
        assertThat(b.isReadable()).isFalse();
    }

    @Test
    void incompleteVarintLeavesReaderIndex() {
        ByteBuf b = Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, (byte) 0x80});
        assertThat(Varint.read(b)).isEqualTo(Varint.INCOMPLETE);
        assertThat(b.readerIndex()).isZero();
    }

    @Test
    void rejectsOverlongAndNonMinimal() {
        ByteBuf tooLong = Unpooled.wrappedBuffer(new byte[] {
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            0x01
        });
        assertThatThrownBy(() -> Varint.read(tooLong))
                .isInstanceOf(Libp2pException.class)
                .hasMessageContaining("longer than");
        ByteBuf nonMinimal = Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 0x00});
        assertThatThrownBy(() -> Varint.read(nonMinimal))
                .isInstanceOf(Libp2pException.class)
                .hasMessageContaining("minimally");
    }
}
