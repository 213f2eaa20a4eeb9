package io.powerloom.sequencer.libp2p.internal.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.Multiaddr;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.libp2p.internal.util.Protobuf;
import java.util.List;
import org.junit.jupiter.api.Test;

class CircuitMessagesTest {
    private final PeerId peer = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());

    @Test
    void encodesRequestsAsTheSpecSays() {
        // HopMessage{type=RESERVE(0)}: proto2 required field, written even though it is zero
        assertThat(CircuitMessages.reserve()).containsExactly(0x08, 0x00);
        List<Protobuf.Field> connect = Protobuf.parse(CircuitMessages.connect(peer));
        assertThat(Protobuf.first(connect, 1).value()).isEqualTo(CircuitMessages.HOP_CONNECT);
        assertThat(Protobuf.first(Protobuf.parse(Protobuf.first(connect, 2).bytes()), 1)
                        .bytes())
                .isEqualTo(peer.bytes());
        CircuitMessages.Message stop = CircuitMessages.decode(CircuitMessages.stopStatus(100), false);
        assertThat(stop.type()).isEqualTo(CircuitMessages.STOP_STATUS);
        assertThat(stop.status()).isEqualTo(100);
    }

    @Test
    void decodesAReservationAnswer() {
        byte[] addr = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001").toBytes();
        byte[] reservation =
                new Protobuf.Writer().varint(1, 1_900_000_000L).bytes(2, addr).toByteArray();
        byte[] limit = new Protobuf.Writer().varint(1, 120).varint(2, 131072).toByteArray();
        byte[] msg = new Protobuf.Writer()
                .varint(1, CircuitMessages.HOP_STATUS)
                .bytes(3, reservation)
                .bytes(4, limit)
                .varint(5, 100)
                .toByteArray();
        CircuitMessages.Message m = CircuitMessages.decode(msg, true);
        assertThat(m.type()).isEqualTo(CircuitMessages.HOP_STATUS);
        assertThat(m.status()).isEqualTo(CircuitMessages.STATUS_OK);
        assertThat(m.reservationExpire()).isEqualTo(1_900_000_000L);
        assertThat(Multiaddr.fromBytes(m.reservationAddrs().get(0)).toString()).isEqualTo("/ip4/127.0.0.1/tcp/4001");
        assertThat(m.limitDurationSeconds()).isEqualTo(120);
        assertThat(m.limitDataBytes()).isEqualTo(131072);
    }

    @Test
    void decodesAStopConnect() {
        byte[] p = new Protobuf.Writer().bytes(1, peer.bytes()).toByteArray();
        byte[] msg = new Protobuf.Writer()
                .varint(1, CircuitMessages.STOP_CONNECT)
                .bytes(2, p)
                .toByteArray();
        CircuitMessages.Message m = CircuitMessages.decode(msg, false);
        assertThat(m.type()).isEqualTo(CircuitMessages.STOP_CONNECT);
        assertThat(m.peer()).isEqualTo(peer);
    }

    @Test
    void framingWaitsForWholeMessagesAndBoundsTheirSize() {
        ByteBuf b = Unpooled.buffer();
        CircuitMessages.writeFramed(b, CircuitMessages.reserve());
        ByteBuf partial = b.slice(0, 2);
        assertThat(CircuitMessages.readFramed(partial)).isNull();
        assertThat(partial.readerIndex()).isZero();
        assertThat(CircuitMessages.readFramed(b)).containsExactly(0x08, 0x00);
        ByteBuf huge = Unpooled.buffer().writeByte(0x81).writeByte(0x40); // 8193
        assertThatThrownBy(() -> CircuitMessages.readFramed(huge))
                .isInstanceOf(Libp2pException.class)
                .hasMessageContaining("exceeds");
        assertThat(CircuitMessages.statusName(204)).isEqualTo("NO_RESERVATION");
    }

    @Test
    void renewsAQuarterBeforeExpiryButNotTooEagerly() {
        assertThat(RelayReservation.renewDelayMs(3_600_000)).isEqualTo(2_700_000);
        assertThat(RelayReservation.renewDelayMs(6_000)).isEqualTo(3_000);
        assertThat(RelayReservation.renewDelayMs(0)).isEqualTo(1_000);
    }
}
