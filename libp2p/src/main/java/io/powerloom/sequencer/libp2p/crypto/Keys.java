package io.powerloom.sequencer.libp2p.crypto;

import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.internal.util.Protobuf;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/**
 * Creates and decodes libp2p identity keys (protobuf {@code PublicKey}/{@code PrivateKey} of the peer-id spec).
 * Ed25519, secp256k1 and RSA (2048 to 8192 bits) can sign and verify; ECDSA is refused with a typed error.
 */
public final class Keys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Keys() {}

    /** A fresh random Ed25519 key. */
    public static PrivateKey generateEd25519() {
        byte[] seed = new byte[32];
        RANDOM.nextBytes(seed);
        return new Ed25519Keys.Private(seed);
    }

    /** A fresh random secp256k1 key. */
    public static PrivateKey generateSecp256k1() {
        return Secp256k1Keys.Private.generate(RANDOM);
    }

    /** A fresh random RSA key of {@code bits} (2048 to 8192) bits, the kind the Go sequencer identifies with. */
    public static PrivateKey generateRsa(int bits) {
        return RsaKeys.generate(bits, RANDOM);
    }

    /** A fresh random key of {@code type} (RSA: 2048 bits). */
    public static PrivateKey generate(KeyType type) {
        return switch (type) {
            case ED25519 -> generateEd25519();
            case SECP256K1 -> generateSecp256k1();
            case RSA -> generateRsa(2048);
            default ->
                throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "cannot generate " + type + " keys");
        };
    }

    /** The Ed25519 key with this 32-byte seed. */
    public static PrivateKey ed25519(byte[] seed) {
        if (seed.length != 32) {
            throw new Libp2pException(
                    Libp2pException.Kind.INVALID_INPUT, "Ed25519 seed must be 32 bytes, got " + seed.length);
        }
        return new Ed25519Keys.Private(seed.clone());
    }

    /** The secp256k1 key with this 32-byte big-endian secret. */
    public static PrivateKey secp256k1(byte[] secret) {
        return Secp256k1Keys.Private.of(secret);
    }

    /** Decodes a protobuf {@code PrivateKey} (as written by js-libp2p's {@code privateKeyToProtobuf}). */
    public static PrivateKey decodePrivateKey(byte[] protobuf) {
        List<Protobuf.Field> fields = Protobuf.parse(protobuf);
        KeyType type = typeOf(fields);
        byte[] data = dataOf(fields);
        return switch (type) {
            case ED25519 -> {
                if (data.length != 64 && data.length != 32) {
                    throw new Libp2pException(
                            Libp2pException.Kind.INVALID_INPUT,
                            "Ed25519 private key must be 32 or 64 bytes, got " + data.length);
                }
                yield ed25519(Arrays.copyOf(data, 32));
            }
            case SECP256K1 -> secp256k1(data);
            case RSA -> RsaKeys.decodePkcs1(data);
            default ->
                throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "unsupported private key type " + type);
        };
    }

    /** Decodes a protobuf {@code PublicKey}. */
    public static PublicKey decodePublicKey(byte[] protobuf) {
        List<Protobuf.Field> fields = Protobuf.parse(protobuf);
        KeyType type = typeOf(fields);
        byte[] data = dataOf(fields);
        return switch (type) {
            case ED25519 -> new Ed25519Keys.Public(data);
            case SECP256K1 -> Secp256k1Keys.Public.of(data);
            case RSA -> new RsaKeys.Public(data);
            default ->
                throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "unsupported public key type " + type);
        };
    }

    /** The protobuf {@code PublicKey} encoding. */
    public static byte[] encodePublicKey(KeyType type, byte[] raw) {
        return new Protobuf.Writer().varint(1, type.code()).bytes(2, raw).toByteArray();
    }

    static byte[] encodePrivateKey(KeyType type, byte[] raw) {
        return new Protobuf.Writer().varint(1, type.code()).bytes(2, raw).toByteArray();
    }

    private static KeyType typeOf(List<Protobuf.Field> fields) {
        Protobuf.Field f = Protobuf.first(fields, 1);
        if (f == null || f.bytes() != null) {
            throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "key protobuf without a Type field");
        }
        KeyType type = KeyType.of((int) f.value());
        if (type == null) {
            throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "unknown key type " + f.value());
        }
        return type;
    }

    private static byte[] dataOf(List<Protobuf.Field> fields) {
        Protobuf.Field f = Protobuf.first(fields, 2);
        if (f == null || f.bytes() == null) {
            throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "key protobuf without a Data field");
        }
        return f.bytes();
    }
}
