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
}
