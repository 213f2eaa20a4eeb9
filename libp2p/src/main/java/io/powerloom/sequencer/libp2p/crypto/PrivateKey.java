package io.powerloom.sequencer.libp2p.crypto;

/** A libp2p identity private key. Create one with {@link Keys}. */
public interface PrivateKey {
    KeyType type();

    /** The matching public key. */
    PublicKey publicKey();

    /** Signs {@code message} as libp2p does for this key type (Ed25519: pure; secp256k1: DER ECDSA over SHA-256). */
    byte[] sign(byte[] message);

    /** The protobuf {@code PrivateKey} encoding (as js-libp2p's {@code privateKeyToProtobuf}). */
    byte[] toProtobuf();
}
