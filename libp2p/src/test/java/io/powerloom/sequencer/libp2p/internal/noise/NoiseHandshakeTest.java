package io.powerloom.sequencer.libp2p.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.libp2p.crypto.PrivateKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NoiseHandshakeTest {
    @Test
    void ed25519AndSecp256k1PeersAgreeOnKeysAndIdentities() {
        PrivateKey a = Keys.generateEd25519();
        PrivateKey b = Keys.generateSecp256k1();
        NoiseHandshake init = new NoiseHandshake(true, a, PeerId.fromPublicKey(b.publicKey()));
        NoiseHandshake resp = new NoiseHandshake(false, b, null);
        byte[] m1 = init.start();
        assertThat(m1).hasSize(32);
        byte[] m2 = resp.onMessage(m1);
        byte[] m3 = init.onMessage(m2);
        assertThat(resp.onMessage(m3)).isNull();
        assertThat(init.complete()).isTrue();
        assertThat(resp.complete()).isTrue();
        assertThat(init.remotePeer()).isEqualTo(PeerId.fromPublicKey(b.publicKey()));
        assertThat(resp.remotePeer()).isEqualTo(PeerId.fromPublicKey(a.publicKey()));

        // transport: initiator's sender pairs with responder's receiver, twice in a row (nonces advance)
        for (int i = 0; i < 2; i++) {
            byte[] plain = ("message " + i).getBytes(StandardCharsets.UTF_8);
            ByteBuffer ct = ByteBuffer.allocate(plain.length + CipherState.TAG);
            init.sender()
                    .encrypt(
                            new ByteBuffer[] {ByteBuffer.wrap(plain, 0, 3), ByteBuffer.wrap(plain, 3, plain.length - 3)
                            },
                            ct);
            ct.flip();
            ByteBuffer out = ByteBuffer.allocate(plain.length);
            assertThat(resp.receiver().decrypt(ct, out)).isEqualTo(plain.length);
            assertThat(out.array()).isEqualTo(plain);
        }
    }

    @Test
    void dialingTheWrongPeerFails() {
        PrivateKey a = Keys.generateEd25519();
        PrivateKey b = Keys.generateEd25519();
        PeerId someoneElse = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
        NoiseHandshake init = new NoiseHandshake(true, a, someoneElse);
        NoiseHandshake resp = new NoiseHandshake(false, b, null);
        byte[] m2 = resp.onMessage(init.start());
        assertThatThrownBy(() -> init.onMessage(m2))
                .isInstanceOf(Libp2pException.class)
                .hasMessageContaining("dialed " + someoneElse);
    }

    @Test
    void tamperedMessageFailsAuthentication() {
        NoiseHandshake init = new NoiseHandshake(true, Keys.generateEd25519(), null);
        NoiseHandshake resp = new NoiseHandshake(false, Keys.generateEd25519(), null);
        byte[] m2 = resp.onMessage(init.start());
        m2[40] ^= 1; // inside the encrypted static key
        assertThatThrownBy(() -> init.onMessage(m2))
                .isInstanceOf(Libp2pException.class)
                .satisfies(e -> assertThat(((Libp2pException) e).kind()).isEqualTo(Libp2pException.Kind.HANDSHAKE));
    }

    @Test
    void truncatedMessageIsRejected() {
        NoiseHandshake init = new NoiseHandshake(true, Keys.generateEd25519(), null);
        init.start();
        assertThatThrownBy(() -> init.onMessage(new byte[10])).hasMessageContaining("too short");
    }
}
