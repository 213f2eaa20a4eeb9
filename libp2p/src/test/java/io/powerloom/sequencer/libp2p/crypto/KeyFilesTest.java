package io.powerloom.sequencer.libp2p.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.libp2p.PeerId;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Every key file form is recognised and read back to the same peer id. */
class KeyFilesTest {
    @Test
    void everyFormOfEveryKeyTypeReadsBackToTheSamePeer() {
        for (PrivateKey key :
                new PrivateKey[] {Keys.generateEd25519(), Keys.generateSecp256k1(), Keys.generateRsa(2048)}) {
            PeerId id = PeerId.fromPublicKey(key.publicKey());
            for (KeyFiles.Format f :
                    new KeyFiles.Format[] {KeyFiles.Format.PROTOBUF, KeyFiles.Format.BASE64, KeyFiles.Format.HEX}) {
                byte[] content = KeyFiles.write(key, f);
                assertThat(KeyFiles.detect(content)).as(key.type() + " " + f).isEqualTo(f);
                assertThat(PeerId.fromPublicKey(KeyFiles.parse(content).publicKey()))
                        .isEqualTo(id);
            }
        }
    }

    @Test
    void base64TextWithATrailingNewlineIsTheGoSequencersForm() {
        PrivateKey key = Keys.generateRsa(2048);
        byte[] file = (new String(KeyFiles.write(key, KeyFiles.Format.BASE64), StandardCharsets.US_ASCII) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(new String(file, StandardCharsets.US_ASCII)).startsWith("CAAS");
        assertThat(KeyFiles.parse(file).toProtobuf()).isEqualTo(key.toProtobuf());
    }

    @Test
    void dsvNodesRawEd25519HexIsRead() {
        PrivateKey key = Keys.generateEd25519();
        byte[] hex = KeyFiles.write(key, KeyFiles.Format.ED25519_RAW_HEX);
        assertThat(hex).hasSize(128);
        assertThat(KeyFiles.detect(hex)).isEqualTo(KeyFiles.Format.ED25519_RAW_HEX);
        assertThat(KeyFiles.parse(hex).toProtobuf()).isEqualTo(key.toProtobuf());
        byte[] raw = HexFormat.of().parseHex(new String(hex, StandardCharsets.US_ASCII));
        raw[40] ^= 1; // public half no longer matches the seed
        assertThatThrownBy(() -> KeyFiles.parse(HexFormat.of().formatHex(raw).getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("not the public key");
    }

    @Test
    void garbageIsRefusedWithAClearError() {
        assertThatThrownBy(() -> KeyFiles.parse("not a key!".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("not a libp2p key");
    }
}
