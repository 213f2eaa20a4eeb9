package io.powerloom.sequencer.libp2p.crypto;

import io.powerloom.sequencer.libp2p.Libp2pException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;

/**
 * secp256k1 identity keys as libp2p uses them: public key compressed (33 bytes), signatures DER-encoded ECDSA
 * over SHA-256 of the message, low-S (as go-libp2p and js-libp2p produce and expect).
 */
final class Secp256k1Keys {
    private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256k1");
    private static final ECDomainParameters DOMAIN =
            new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());
    private static final BigInteger HALF_N = CURVE.getN().shiftRight(1);

    private Secp256k1Keys() {}

    private static byte[] sha256(byte[] message) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(message);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static final class Private implements PrivateKey {
        private final BigInteger d;
        private final Public publicKey;

        private Private(BigInteger d) {
            this.d = d;
            this.publicKey = new Public(DOMAIN.getG().multiply(d).normalize());
        }

        static Private generate(SecureRandom random) {
            BigInteger d;
            do {
                d = new BigInteger(256, random);
            } while (d.signum() == 0 || d.compareTo(CURVE.getN()) >= 0);
            return new Private(d);
        }

        static Private of(byte[] secret) {
            if (secret.length != 32) {
                throw new Libp2pException(
                        Libp2pException.Kind.INVALID_INPUT,
                        "secp256k1 private key must be 32 bytes, got " + secret.length);
            }
            BigInteger d = new BigInteger(1, secret);
            if (d.signum() == 0 || d.compareTo(CURVE.getN()) >= 0) {
                throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "secp256k1 private key out of range");
            }
            return new Private(d);
        }

        @Override
        public KeyType type() {
            return KeyType.SECP256K1;
        }

        @Override
        public PublicKey publicKey() {
            return publicKey;
        }

        @Override
        public byte[] sign(byte[] message) {
            ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
            signer.init(true, new ECPrivateKeyParameters(d, DOMAIN));
            BigInteger[] rs = signer.generateSignature(sha256(message));
            BigInteger s = rs[1].compareTo(HALF_N) > 0 ? CURVE.getN().subtract(rs[1]) : rs[1];
            try {
                return new DERSequence(
                                new org.bouncycastle.asn1.ASN1Encodable[] {new ASN1Integer(rs[0]), new ASN1Integer(s)})
                        .getEncoded();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public byte[] toProtobuf() {
            byte[] raw = d.toByteArray();
            byte[] fixed = new byte[32];
            int copy = Math.min(raw.length, 32);
            System.arraycopy(raw, raw.length - copy, fixed, 32 - copy, copy);
            return Keys.encodePrivateKey(KeyType.SECP256K1, fixed);
        }
    }

    static final class Public implements PublicKey {
        private final ECPoint point;
        private final byte[] compressed;

        private Public(ECPoint point) {
            this.point = point;
            this.compressed = point.getEncoded(true);
        }

        static Public of(byte[] encoded) {
            try {
                ECPoint p = CURVE.getCurve().decodePoint(encoded).normalize();
                if (p.isInfinity() || !p.isValid()) {
                    throw new IllegalArgumentException("point not on curve");
                }
                return new Public(p);
            } catch (RuntimeException e) {
                throw new Libp2pException(
                        Libp2pException.Kind.INVALID_INPUT, "invalid secp256k1 public key: " + e.getMessage(), e);
            }
        }

        @Override
        public KeyType type() {
            return KeyType.SECP256K1;
        }

        @Override
        public byte[] raw() {
            return compressed.clone();
        }

        @Override
        public boolean verify(byte[] message, byte[] signature) {
            try {
                ASN1Sequence seq = ASN1Sequence.getInstance(signature);
                if (seq.size() != 2) {
                    return false;
                }
                BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
                BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
                ECDSASigner verifier = new ECDSASigner();
                verifier.init(false, new ECPublicKeyParameters(point, DOMAIN));
                return verifier.verifySignature(sha256(message), r, s);
            } catch (RuntimeException e) {
                return false;
            }
        }
    }
}
