package io.powerloom.sequencer.bridge;

import io.powerloom.sequencer.libp2p.PeerId;
import io.powerloom.sequencer.libp2p.crypto.KeyFiles;
import io.powerloom.sequencer.libp2p.crypto.KeyType;
import io.powerloom.sequencer.libp2p.crypto.Keys;
import io.powerloom.sequencer.libp2p.crypto.PrivateKey;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * The bridge's libp2p identity, kept in a file so that the peer ID (which snapshotters dial) survives
 * restarts. The file may hold the key in any form {@link KeyFiles} reads: the marshalled {@code PrivateKey}
 * protobuf, base64 text of it (the Go sequencer's key file: point the bridge at it and it answers as the same
 * {@code Qm…} peer), hex of it, or hex of a raw 64-byte Ed25519 key (DSV nodes). On first start a fresh
 * Ed25519 key is generated and written (protobuf, mode 0600).
 *
 * <p>Also a command line tool:
 * <pre>
 *   IdentityKeyFile peer-id &lt;file&gt;                                 prints the peer ID of the key in the file
 *   IdentityKeyFile generate &lt;file&gt; [rsa|ed25519|secp256k1] [bits] [protobuf|base64|hex]
 *                                                                   writes a new key (default: ed25519, protobuf)
 * </pre>
 */
public final class IdentityKeyFile {
    private IdentityKeyFile() {}

    /**
     * Reads the key in {@code file}, or creates the file with a new Ed25519 key when it does not exist.
     *
     * @throws IllegalStateException with the reason when the file exists but holds no valid key, or cannot be written
     */
    public static PrivateKey loadOrCreate(Path file) {
        if (Files.exists(file)) {
            return load(file);
        }
        PrivateKey key = Keys.generateEd25519();
        write(file, KeyFiles.write(key, KeyFiles.Format.PROTOBUF));
        return key;
    }

    /** Reads the key in {@code file} (any {@link KeyFiles.Format}). */
    public static PrivateKey load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read identity key file " + file, e);
        }
        try {
            return KeyFiles.parse(bytes);
        } catch (RuntimeException e) { // Libp2pException or a parse error of any kind
            throw new IllegalStateException(
                    "identity key file " + file + " does not hold a libp2p private key: " + e.getMessage(), e);
        }
    }

    /** Writes {@code content} to {@code file} atomically with mode 0600 (refuses to overwrite). */
    static void write(Path file, byte[] content) {
        try {
            if (Files.exists(file)) {
                throw new IllegalStateException("identity key file " + file + " exists already: not overwriting it");
            }
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
            Files.write(tmp, content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write identity key file " + file, e);
        }
    }

    /** The command line tool (see the class comment); exit code 2 on bad usage, 1 on a bad key file. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length == 2 && args[0].equals("peer-id")) {
                out.println(PeerId.fromPublicKey(load(Path.of(args[1])).publicKey()));
                return 0;
            }
            if (args.length >= 2 && args.length <= 5 && args[0].equals("generate")) {
                KeyType type = args.length > 2 ? KeyType.valueOf(args[2].toUpperCase(Locale.ROOT)) : KeyType.ED25519;
                int bits = args.length > 3 ? Integer.parseInt(args[3]) : 2048;
                KeyFiles.Format format = args.length > 4
                        ? KeyFiles.Format.valueOf(args[4].toUpperCase(Locale.ROOT))
                        : KeyFiles.Format.PROTOBUF;
                PrivateKey key = type == KeyType.RSA ? Keys.generateRsa(bits) : Keys.generate(type);
                write(Path.of(args[1]), KeyFiles.write(key, format));
                out.println(PeerId.fromPublicKey(key.publicKey()));
                return 0;
            }
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        err.println("usage: IdentityKeyFile peer-id <file>\n"
                + "       IdentityKeyFile generate <file> [rsa|ed25519|secp256k1] [bits] [protobuf|base64|hex]");
        return 2;
    }
}
