package io.powerloom.sequencer.protocol.crypto;

import org.bouncycastle.crypto.digests.KeccakDigest;

/** Ethereum's Keccak-256 (the original Keccak padding, not NIST SHA3-256). */
public final class Keccak256 {

    private Keccak256() {
    }

    /** Keccak-256 of the concatenation of {@code parts}. */
    public static byte[] hash(byte[]... parts) {
        KeccakDigest d = new KeccakDigest(256);
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }
}
