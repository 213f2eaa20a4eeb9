package io.powerloom.sequencer.bridge;

import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.libp2p.crypto.PrivateKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The bridge's libp2p identity, kept in a file so that the peer ID (which snapshotters dial) survives
 * restarts. The file holds the key's protobuf encoding (libp2p's {@code PrivateKey} message, as go-libp2p and
 * js-libp2p write it); on first start a fresh Ed25519 key is generated and written with mode 0600.
 */
public final class IdentityKeyFile {
    private IdentityKeyFile() {}

    /**
     * Reads the key in {@code file}, or creates the file with a new Ed25519 key when it does not exist.
     *
     * @throws IllegalStateException with the reason when the file exists but holds no valid key, or cannot be written
     */
    public static PrivateKey loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                byte[] bytes = Files.readAllBytes(file);
                try {
                    return Keys.decodePrivateKey(bytes);
                } catch (RuntimeException e) { // Libp2pException or a parse error of any kind
                    throw new IllegalStateException("identity key file " + file + " does not hold a libp2p private key: "
                            + e.getMessage(), e);
                }
            }
            PrivateKey key = Keys.generateEd25519();
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path tmp = Files.createTempFile(dir, ".identity", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            Files.write(tmp, key.toProtobuf());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create identity key file " + file, e);
        }
    }
}
