package io.powerloom.sequencer.libp2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.libp2p.crypto.KeyType;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.libp2p.crypto.PrivateKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Peer ids against vectors computed by js-libp2p ({@code src/test/js/peer-id-vectors.mjs}). */
class PeerIdTest {
    record Vector(String type, String privateKey, String publicKey, String peerId, String cid) {}

    static Stream<Vector> vectors() throws IOException {
        String json;
        try (InputStream in = PeerIdTest.class.getResourceAsStream("/libp2p/peer-id-vectors.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = Pattern.compile("\\{\\s*\"type\": \"([^\"]+)\",\\s*\"privateKey\": \"([0-9a-f]+)\",\\s*"
                        + "\"publicKey\": \"([0-9a-f]+)\",\\s*\"peerId\": \"([^\"]+)\",\\s*\"cid\": \"([^\"]+)\"")
                .matcher(json);
        List<Vector> out = new ArrayList<>();
        while (m.find()) {
            out.add(new Vector(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)));
        }
        assertThat(out).hasSize(6);
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void matchesJsLibp2p(Vector v) {
        HexFormat hex = HexFormat.of();
        PrivateKey key = Keys.decodePrivateKey(hex.parseHex(v.privateKey()));
        assertThat(key.type()).isEqualTo(v.type().equals("Ed25519") ? KeyType.ED25519 : KeyType.SECP256K1);
        assertThat(hex.formatHex(key.publicKey().toProtobuf())).isEqualTo(v.publicKey());
        assertThat(hex.formatHex(key.toProtobuf())).isEqualTo(v.privateKey());
        PeerId id = PeerId.fromPublicKey(key.publicKey());
        assertThat(id.toString()).isEqualTo(v.peerId());
        assertThat(id.toCidString()).isEqualTo(v.cid());
        assertThat(PeerId.fromString(v.peerId())).isEqualTo(id);
        assertThat(PeerId.fromString(v.cid())).isEqualTo(id);
        assertThat(id.publicKey().toProtobuf()).isEqualTo(key.publicKey().toProtobuf());
        byte[] msg = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] sig = key.sign(msg);
        assertThat(id.publicKey().verify(msg, sig)).isTrue();
        msg[0] ^= 1;
        assertThat(id.publicKey().verify(msg, sig)).isFalse();
    }

    @Test
    void prefixesByKeyType() {
        assertThat(PeerId.fromPublicKey(Keys.generateEd25519().publicKey()).toString())
                .startsWith("12D3Koo");
        assertThat(PeerId.fromPublicKey(Keys.generateSecp256k1().publicKey()).toString())
                .startsWith("16Uiu2");
    }

    @Test
    void rejectsGarbageWithTypedErrors() {
        assertThatThrownBy(() -> PeerId.fromString("")).isInstanceOf(Libp2pException.class);
        assertThatThrownBy(() -> PeerId.fromString("12D3KooW0OIl"))
                .isInstanceOf(Libp2pException.class)
                .hasMessageContaining("base58");
        assertThatThrownBy(() -> PeerId.fromString("3mJr7AoUXx2Wqd"))
                .isInstanceOf(Libp2pException.class)
                .hasMessageContaining("multihash");
        assertThatThrownBy(() -> Keys.decodePrivateKey(new byte[] {0x08, 0x07, 0x12, 0x00}))
                .isInstanceOf(Libp2pException.class)
                .hasMessageContaining("unknown key type");
    }
}
