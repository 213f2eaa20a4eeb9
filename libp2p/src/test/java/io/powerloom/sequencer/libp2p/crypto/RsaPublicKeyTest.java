package io.powerloom.sequencer.libp2p.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.libp2p.PeerId;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import org.junit.jupiter.api.Test;

/** RSA identities are verify-only: their peer ids are SHA-256 multihashes ({@code Qm…}) and signatures check. */
class RsaPublicKeyTest {
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
}
