package io.powerloom.sequencer.libp2p.crypto;

import io.powerloom.sequencer.libp2p.Libp2pException;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** Ed25519 identity keys (RFC 8032, pure), on BouncyCastle's raw-bytes implementation. */
final class Ed25519Keys {
    private Ed25519Keys() {}

    static final class Private implements PrivateKey {
        private final byte[] seed;
        private final Public publicKey;

        Private(byte[] seed) {
            this.seed = seed;
            byte[] pub = new byte[Ed25519.PUBLIC_KEY_SIZE];
            Ed25519.generatePublicKey(seed, 0, pub, 0);
            this.publicKey = new Public(pub);
        }

        @Override
        public KeyType type() {
            return KeyType.ED25519;
        }

        @Override
        public PublicKey publicKey() {
            return publicKey;
        }

        @Override
        public byte[] sign(byte[] message) {
            byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
            Ed25519.sign(seed, 0, message, 0, message.length, sig, 0);
            return sig;
        }

        @Override
        public byte[] toProtobuf() {
            byte[] data = new byte[64];
            System.arraycopy(seed, 0, data, 0, 32);
            System.arraycopy(publicKey.raw, 0, data, 32, 32);
            return Keys.encodePrivateKey(KeyType.ED25519, data);
        }
    }

    static final class Public implements PublicKey {
        private final byte[] raw;
        // the decoded point, computed on first verify: a key verifies many messages (a gossipsub publisher's)
        private volatile Ed25519.PublicPoint point;
        private volatile boolean invalid;

        Public(byte[] raw) {
            if (raw.length != Ed25519.PUBLIC_KEY_SIZE) {
                throw new Libp2pException(
                        Libp2pException.Kind.INVALID_INPUT, "Ed25519 public key must be 32 bytes, got " + raw.length);
            }
            this.raw = raw.clone();
        }

        @Override
        public KeyType type() {
            return KeyType.ED25519;
        }

        @Override
        public byte[] raw() {
            return raw.clone();
        }

        @Override
        public boolean verify(byte[] message, byte[] signature) {
            if (signature.length != Ed25519.SIGNATURE_SIZE) {
                return false;
            }
            try {
                Ed25519.PublicPoint p = point;
                if (p == null) {
                    if (invalid) {
                        return false;
                    }
                    p = Ed25519.validatePublicKeyPartialExport(raw, 0);
                    if (p == null) {
                        invalid = true;
                        return false;
                    }
                    point = p;
                }
                return Ed25519.verify(signature, 0, p, message, 0, message.length);
            } catch (RuntimeException e) {
                return false;
            }
        }
    }
}
