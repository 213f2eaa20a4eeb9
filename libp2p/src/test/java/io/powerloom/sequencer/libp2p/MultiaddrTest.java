package io.powerloom.sequencer.libp2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MultiaddrTest {
    private static final String RELAY = "12D3KooWATgriqzn7BcZtpsdhGbVSbbpxGZNPN838G6yuX8PczYo";
    private static final String ME = "12D3KooWSxzKqAARb1QQyfK6roNzQs1JPggd5fvnTXGDVWmmJHWJ";

    @Test
    void parsesCircuitAddress() {
        Multiaddr m = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/" + RELAY + "/p2p-circuit/p2p/" + ME);
        assertThat(m.isCircuit()).isTrue();
        assertThat(m.peerId().toString()).isEqualTo(ME);
        assertThat(m.relayPart().toString()).isEqualTo("/ip4/127.0.0.1/tcp/4001/p2p/" + RELAY);
        assertThat(m.relayPart().peerId().toString()).isEqualTo(RELAY);
        assertThat(m.host()).isEqualTo("127.0.0.1");
        assertThat(m.tcpPort()).isEqualTo(4001);
    }

    @Test
    void binaryFormRoundTrips() {
        Multiaddr m = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001");
        // 04 7f000001 06 0fa1 (multiaddr spec encoding)
        assertThat(HexFormat.of().formatHex(m.toBytes())).isEqualTo("047f000001060fa1");
        Multiaddr c = Multiaddr.parse("/dns4/relay.example/tcp/443/p2p/" + RELAY + "/p2p-circuit");
        assertThat(Multiaddr.fromBytes(c.toBytes())).isEqualTo(c);
        assertThat(Multiaddr.parse("/ipfs/" + RELAY).toString()).isEqualTo("/p2p/" + RELAY);
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> Multiaddr.parse("ip4/1.2.3.4")).isInstanceOf(Libp2pException.class);
        assertThatThrownBy(() -> Multiaddr.parse("/ip4/1.2.3.4/tcp/99999")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Multiaddr.parse("/ip4/1.2.3.4/udp/1")).hasMessageContaining("unsupported protocol");
        assertThatThrownBy(() -> Multiaddr.parse("/ip4/1.2.3.4/tcp")).hasMessageContaining("missing value");
        assertThatThrownBy(() -> Multiaddr.fromBytes(new byte[] {4, 127})).hasMessageContaining("truncated");
    }
}
