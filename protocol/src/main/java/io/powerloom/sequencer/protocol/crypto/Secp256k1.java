package io.powerloom.sequencer.protocol.crypto;

import java.math.BigInteger;
import java.security.SignatureException;
import java.util.Arrays;

/**
 * Ethereum-style secp256k1 signatures on top of the native libsecp256k1 (through ACINQ's
 * secp256k1-kmp JNI binding).
 *
 * <p>Signatures are 65 bytes r‖s‖v. On recovery, v may be 27/28 (Ethereum's form, what snapshotters
 * send) or 0/1 (raw recovery id). <b>High-s signatures are accepted</b>, as Ethereum's
 * {@code ecrecover} and go-ethereum's {@code SigToPub} (used by the production sequencer) accept
 * them: they are normalised to low-s (s → n − s, recovery id flipped) before recovery, which yields
 * the same signer. {@link #sign} always produces low-s signatures with v = 27/28.
 */
public final class Secp256k1 {

    private static final BigInteger N =
            new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
    private static final byte[] N_BYTES = toBytes32(N);
    private static final byte[] HALF_N_BYTES = toBytes32(N.shiftRight(1));

    private static final fr.acinq.secp256k1.Secp256k1 NATIVE = fr.acinq.secp256k1.Secp256k1.Companion.get();

    private Secp256k1() {}

    /**
     * Recovers the signer's address.
     *
     * @param digest32 the signed 32-byte digest
     * @param sig65    r‖s‖v
     * @return the lower-case {@code 0x} address
     * @throws SignatureException when the signature is malformed or recovers no key
     */
    public static String recoverAddress(byte[] digest32, byte[] sig65) throws SignatureException {
        return addressOfPublicKey(recoverPublicKey(digest32, sig65));
    }

    /** Recovers the 65-byte uncompressed public key (0x04 ‖ X ‖ Y). */
    public static byte[] recoverPublicKey(byte[] digest32, byte[] sig65) throws SignatureException {
        if (digest32 == null || digest32.length != 32) {
            throw new SignatureException(
                    "digest must be 32 bytes, got " + (digest32 == null ? "null" : digest32.length));
        }
        if (sig65 == null || sig65.length != 65) {
            throw new SignatureException("signature must be 65 bytes, got " + (sig65 == null ? "null" : sig65.length));
        }
        int v = sig65[64] & 0xFF;
        int recId;
        if (v == 27 || v == 28) {
            recId = v - 27;
        } else if (v == 0 || v == 1) {
            recId = v;
        } else {
            throw new SignatureException("v must be 27, 28, 0 or 1, got " + v);
        }
        byte[] rs = Arrays.copyOf(sig65, 64);
        if (isZero(rs, 0) || compare32(rs, 0, N_BYTES) >= 0) {
            throw new SignatureException("r is out of range");
        }
        if (isZero(rs, 32) || compare32(rs, 32, N_BYTES) >= 0) {
            throw new SignatureException("s is out of range");
        }
        if (compare32(rs, 32, HALF_N_BYTES) > 0) {
            BigInteger s = new BigInteger(1, Arrays.copyOfRange(rs, 32, 64));
            System.arraycopy(toBytes32(N.subtract(s)), 0, rs, 32, 32);
            recId ^= 1;
        }
        try {
            byte[] pub = NATIVE.ecdsaRecover(rs, digest32, recId);
            if (pub == null || pub.length != 65) {
                throw new SignatureException("recovery produced no public key");
            }
            return pub;
        } catch (RuntimeException e) { // Secp256k1Exception is a RuntimeException
            throw new SignatureException("signature does not recover a public key: " + e.getMessage(), e);
        }
    }

    /**
     * Signs a 32-byte digest.
     *
     * @return r‖s‖v with low s and v = 27 or 28
     * @throws IllegalArgumentException for an invalid private key or digest length
     */
    public static byte[] sign(byte[] privKey32, byte[] digest32) {
        checkKey(privKey32);
        if (digest32 == null || digest32.length != 32) {
            throw new IllegalArgumentException("digest must be 32 bytes");
        }
        byte[] rs = NATIVE.sign(digest32, privKey32); // compact 64 bytes, low-s
        byte[] pub = NATIVE.pubkeyCreate(privKey32);
        for (int recId = 0; recId < 2; recId++) {
            byte[] candidate;
            try {
                candidate = NATIVE.ecdsaRecover(rs, digest32, recId);
            } catch (RuntimeException e) {
                continue;
            }
            if (Arrays.equals(candidate, pub)) {
                byte[] out = Arrays.copyOf(rs, 65);
                out[64] = (byte) (27 + recId);
                return out;
            }
        }
        throw new IllegalStateException("no recovery id reproduces the signing key");
    }

    /** The lower-case {@code 0x} address of a private key. */
    public static String addressOf(byte[] privKey32) {
        checkKey(privKey32);
        return addressOfPublicKey(NATIVE.pubkeyCreate(privKey32));
    }

    /** The lower-case {@code 0x} address of a 65-byte uncompressed public key. */
    public static String addressOfPublicKey(byte[] pub65) {
        if (pub65.length != 65 || pub65[0] != 4) {
            throw new IllegalArgumentException("expected a 65-byte uncompressed public key");
        }
        byte[] h = Keccak256.hash(pub65, 1, 64);
        return Hex.encode0x(Arrays.copyOfRange(h, 12, 32));
    }

    /**
     * Parses a hex signature, with or without {@code 0x}.
     *
     * @throws SignatureException when it is not hex or not exactly 65 bytes
     */
    public static byte[] parseSignatureHex(String hex) throws SignatureException {
        if (hex == null) {
            throw new SignatureException("signature is missing");
        }
        byte[] sig;
        try {
            sig = Hex.decode(hex);
        } catch (IllegalArgumentException e) {
            throw new SignatureException("signature is not hex: " + e.getMessage());
        }
        if (sig.length != 65) {
            throw new SignatureException("signature must be 65 bytes, got " + sig.length);
        }
        return sig;
    }

    /**
     * Measures signature recoveries per second on the calling thread over {@code n} recoveries
     * (after a short warm-up), for benchmarks and start-up logs.
     */
    public static double benchmarkRecoveries(int n) {
        byte[] key = new byte[32];
        key[31] = 7;
        byte[][] digests = new byte[64][];
        byte[][] sigs = new byte[64][];
        for (int i = 0; i < digests.length; i++) {
            digests[i] = Keccak256.hash(new byte[] {(byte) i});
            sigs[i] = sign(key, digests[i]);
        }
        int sink = 0;
        try {
            for (int i = 0; i < Math.min(n, 2000); i++) {
                sink += recoverPublicKey(digests[i & 63], sigs[i & 63])[1];
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += recoverPublicKey(digests[i & 63], sigs[i & 63])[1];
            }
            long dt = System.nanoTime() - t0;
            if (sink == 42) {
                System.out.print(""); // keep the JIT from dropping the loop
            }
            return n / (dt / 1e9);
        } catch (SignatureException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void checkKey(byte[] privKey32) {
        if (privKey32 == null || privKey32.length != 32 || !NATIVE.secKeyVerify(privKey32)) {
            throw new IllegalArgumentException("invalid secp256k1 private key");
        }
    }

    /** Unsigned comparison of the 32 bytes of {@code a} at {@code off} with {@code b}. */
    private static int compare32(byte[] a, int off, byte[] b) {
        return Arrays.compareUnsigned(a, off, off + 32, b, 0, 32);
    }

    private static boolean isZero(byte[] a, int off) {
        for (int i = off; i < off + 32; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] toBytes32(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }
}
