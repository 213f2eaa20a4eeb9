package io.powerloom.sequencer.libp2p.internal.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.libp2p.Libp2pException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtobufTest {
    @Test
    void writesAndParsesFields() {
        byte[] msg = new Protobuf.Writer()
                .varint(1, 2)
                .bytes(2, new byte[] {9, 8})
                .string(3, "hi")
                .toByteArray();
        assertThat(msg).containsExactly(0x08, 0x02, 0x12, 0x02, 9, 8, 0x1a, 0x02, 'h', 'i');
        List<Protobuf.Field> f = Protobuf.parse(msg);
        assertThat(Protobuf.first(f, 1).value()).isEqualTo(2);
        assertThat(Protobuf.first(f, 2).bytes()).containsExactly(9, 8);
        assertThat(Protobuf.first(f, 3).string()).isEqualTo("hi");
        assertThat(Protobuf.first(f, 4)).isNull();
    }

    @Test
    void rejectsLengthBeyondEnd() {
        assertThatThrownBy(() -> Protobuf.parse(new byte[] {0x12, 0x05, 1, 2}))
                .isInstanceOf(Libp2pException.class)
                .hasMessageContaining("beyond message end");
    }
}
