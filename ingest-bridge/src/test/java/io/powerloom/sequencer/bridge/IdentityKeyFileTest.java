package io.powerloom.sequencer.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.libp2p.crypto.PrivateKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityKeyFileTest {
    @TempDir
    Path dir;

    @Test
    void createdOnFirstStartWithOwnerOnlyAccessAndTheSameKeyAfterwards() throws Exception {
        Path file = dir.resolve("sub/identity.key");
        PrivateKey first = IdentityKeyFile.loadOrCreate(file);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        PrivateKey again = IdentityKeyFile.loadOrCreate(file);
        assertThat(PeerId.fromPublicKey(again.publicKey())).isEqualTo(PeerId.fromPublicKey(first.publicKey()));
    }

    @Test
    void aSecp256k1KeyWrittenByOthersIsKept() throws Exception {
        PrivateKey k = Keys.generateSecp256k1();
        Path file = dir.resolve("secp.key");
        Files.write(file, k.toProtobuf());
        assertThat(PeerId.fromPublicKey(IdentityKeyFile.loadOrCreate(file).publicKey()))
                .isEqualTo(PeerId.fromPublicKey(k.publicKey()));
    }

    @Test
    void aFileThatHoldsNoKeyIsATypedErrorNotAReplacement() throws Exception {
        Path file = dir.resolve("broken.key");
        Files.writeString(file, "this is not a key");
        assertThatThrownBy(() -> IdentityKeyFile.loadOrCreate(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not hold a libp2p private key");
        assertThat(Files.readString(file)).isEqualTo("this is not a key");
    }

    @Test
    void theToolGeneratesAnRsaKeyInTheGoSequencersFormAndPrintsItsQmPeerId() throws Exception {
        Path file = dir.resolve("sequencer.key");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = new java.io.PrintStream(new java.io.ByteArrayOutputStream());
        assertThat(IdentityKeyFile.run(
                        new String[] {"generate", file.toString(), "rsa", "2048", "base64"},
                        new java.io.PrintStream(out),
                        err))
                .isZero();
        String generated = out.toString().trim();
        assertThat(generated).startsWith("Qm");
        assertThat(Files.readString(file)).startsWith("CAAS"); // base64 of 0x08 0x00 0x12: type RSA, then data
        out.reset();
        assertThat(IdentityKeyFile.run(new String[] {"peer-id", file.toString()}, new java.io.PrintStream(out), err))
                .isZero();
        assertThat(out.toString().trim()).isEqualTo(generated);
        assertThat(IdentityKeyFile.run(new String[] {"generate", file.toString()}, new java.io.PrintStream(out), err))
                .as("an existing key file is never overwritten")
                .isEqualTo(1);
        assertThat(IdentityKeyFile.run(new String[] {"nonsense"}, new java.io.PrintStream(out), err))
                .isEqualTo(2);
    }
}
