package io.powerloom.sequencer.libp2p.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.libp2p.PeerId;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import org.junit.jupiter.api.Test;

/** RSA identities: their peer ids are SHA-256 multihashes ({@code Qm…}) and signatures check. */
class RsaKeysTest {
    @Test
    void rsaKeysGetHashedPeerIdsAndVerify() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        byte[] pb = Keys.encodePublicKey(KeyType.RSA, kp.getPublic().getEncoded());
        PublicKey pub = Keys.decodePublicKey(pb);
        PeerId id = PeerId.fromPublicKey(pub);
        assertThat(id.toString()).startsWith("Qm");
        assertThat(id.bytes()).hasSize(34);
        assertThat(id.publicKey()).isNull(); // not inlined: must come from the handshake
        assertThat(id.matches(pub)).isTrue();

        byte[] msg = "noise-libp2p-static-key:abc".getBytes(StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(kp.getPrivate());
        s.update(msg);
        byte[] sig = s.sign();
        assertThat(pub.verify(msg, sig)).isTrue();
        msg[0] ^= 1;
        assertThat(pub.verify(msg, sig)).isFalse();
    }

    @Test
    void rsaPrivateKeysSignRoundTripThroughTheProtobufAndGetQmIds() {
        PrivateKey key = Keys.generateRsa(2048);
        byte[] pb = key.toProtobuf();
        assertThat(pb[0]).isEqualTo((byte) 0x08);
        assertThat(pb[1]).isEqualTo((byte) 0x00); // KeyType RSA
        PrivateKey back = Keys.decodePrivateKey(pb);
        assertThat(back.type()).isEqualTo(KeyType.RSA);
        assertThat(back.toProtobuf()).isEqualTo(pb);
        assertThat(PeerId.fromPublicKey(back.publicKey())).isEqualTo(PeerId.fromPublicKey(key.publicKey()));
        assertThat(PeerId.fromPublicKey(key.publicKey()).toString()).startsWith("Qm");
        byte[] msg = "hello".getBytes(StandardCharsets.US_ASCII);
        assertThat(key.publicKey().verify(msg, back.sign(msg))).isTrue();
        PublicKey decodedPub = Keys.decodePublicKey(key.publicKey().toProtobuf());
        assertThat(decodedPub.verify(msg, key.sign(msg))).isTrue();
    }

    @Test
    void rsaKeysOutsideGoLibp2psSizeRangeAreRefused() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        byte[] pb = Keys.encodePublicKey(
                KeyType.RSA, g.generateKeyPair().getPublic().getEncoded());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Keys.decodePublicKey(pb))
                .hasMessageContaining("2048 to 8192 bits");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Keys.generateRsa(1024))
                .hasMessageContaining("2048 to 8192 bits");
    }
}
