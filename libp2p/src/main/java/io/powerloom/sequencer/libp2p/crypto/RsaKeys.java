package io.powerloom.sequencer.libp2p.crypto;

import io.powerloom.sequencer.libp2p.Libp2pException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * RSA identity keys as libp2p encodes them: the private key's {@code Data} is PKCS#1 DER ({@code RSAPrivateKey}),
 * the public key's PKIX DER ({@code SubjectPublicKeyInfo}); signatures are PKCS#1 v1.5 with SHA-256. Sizes from
 * {@value #MIN_BITS} to {@value #MAX_BITS} bits are accepted, as go-libp2p does.
 */
final class RsaKeys {
    static final int MIN_BITS = 2048;
    static final int MAX_BITS = 8192;

    private RsaKeys() {}

    static Private generate(int bits, SecureRandom random) {
        checkBits(bits);
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), random);
            return new Private((RSAPrivateCrtKey) g.generateKeyPair().getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation is unavailable", e);
        }
    }

    /** Decodes PKCS#1 {@code RSAPrivateKey} DER. */
    static Private decodePkcs1(byte[] der) {
        org.bouncycastle.asn1.pkcs.RSAPrivateKey k;
        try {
            k = org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(der);
        } catch (RuntimeException e) {
            throw new Libp2pException(
                    Libp2pException.Kind.INVALID_INPUT, "RSA private key is not PKCS#1 DER: " + e.getMessage(), e);
        }
        checkBits(k.getModulus().bitLength());
        try {
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new RSAPrivateCrtKeySpec(
                            k.getModulus(),
                            k.getPublicExponent(),
                            k.getPrivateExponent(),
                            k.getPrime1(),
                            k.getPrime2(),
                            k.getExponent1(),
                            k.getExponent2(),
                            k.getCoefficient()));
            Private p = new Private(key);
            // a key whose parts do not fit together signs garbage: check once with a round trip
            byte[] probe = {1, 2, 3};
            if (!p.publicKey.verify(probe, p.sign(probe))) {
                throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "RSA private key is inconsistent");
            }
            return p;
        } catch (GeneralSecurityException e) {
            throw new Libp2pException(
                    Libp2pException.Kind.INVALID_INPUT, "invalid RSA private key: " + e.getMessage(), e);
        }
    }

    private static void checkBits(int bits) {
        if (bits < MIN_BITS || bits > MAX_BITS) {
            throw new Libp2pException(
                    Libp2pException.Kind.INVALID_INPUT,
                    "RSA keys must have " + MIN_BITS + " to " + MAX_BITS + " bits, got " + bits);
        }
    }

    static final class Private implements PrivateKey {
        private final RSAPrivateCrtKey key;
        private final Public publicKey;

        Private(RSAPrivateCrtKey key) {
            this.key = key;
            try {
                RSAPublicKey pub = (RSAPublicKey) KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
                this.publicKey = new Public(pub.getEncoded());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public KeyType type() {
            return KeyType.RSA;
        }

        @Override
        public PublicKey publicKey() {
            return publicKey;
        }

        @Override
        public byte[] sign(byte[] message) {
            try {
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initSign(key);
                s.update(message);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("RSA signing failed", e);
            }
        }

        @Override
        public byte[] toProtobuf() {
            try {
                byte[] pkcs1 = new org.bouncycastle.asn1.pkcs.RSAPrivateKey(
                                key.getModulus(),
                                key.getPublicExponent(),
                                key.getPrivateExponent(),
                                key.getPrimeP(),
                                key.getPrimeQ(),
                                key.getPrimeExponentP(),
                                key.getPrimeExponentQ(),
                                key.getCrtCoefficient())
                        .getEncoded("DER");
                return Keys.encodePrivateKey(KeyType.RSA, pkcs1);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** An RSA public key (PKIX DER). */
    static final class Public implements PublicKey {
        private final byte[] der;
        private final java.security.PublicKey key;

        Public(byte[] der) {
            this.der = der.clone();
            try {
                this.key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                throw new Libp2pException(
                        Libp2pException.Kind.INVALID_INPUT, "RSA public key is not PKIX DER: " + e.getMessage(), e);
            }
            BigInteger n = ((RSAPublicKey) key).getModulus();
            checkBits(n.bitLength());
        }

        @Override
        public KeyType type() {
            return KeyType.RSA;
        }

        @Override
        public byte[] raw() {
            return der.clone();
        }

        @Override
        public boolean verify(byte[] message, byte[] signature) {
            try {
                Signature v = Signature.getInstance("SHA256withRSA");
                v.initVerify(key);
                v.update(message);
                return v.verify(signature);
            } catch (GeneralSecurityException | RuntimeException e) {
                return false;
            }
        }
    }
}
