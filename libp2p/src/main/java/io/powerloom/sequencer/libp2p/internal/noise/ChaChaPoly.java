package io.powerloom.sequencer.libp2p.internal.noise;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * ChaCha20-Poly1305 (RFC 8439) with Noise's nonce (4 zero bytes, then a 64-bit counter little-endian), working
 * straight on {@link ByteBuffer}s, heap or direct: no intermediate copies, no allocation per message beyond two
 * buffer views, and the tag checked before any plaintext is written. What the JDK's {@code ChaCha20-Poly1305}
 * cipher computes, byte for byte ({@code ChaChaPolyTest} compares the two), without its per-message
 * re-initialisation and buffering.
 */
final class ChaChaPoly {
    private static final int C0 = 0x61707865, C1 = 0x3320646e, C2 = 0x79622d32, C3 = 0x6b206574;
    private static final int M26 = 0x3ffffff;

    private final int k0, k1, k2, k3, k4, k5, k6, k7;
    /** One keystream block for partial blocks and the Poly1305 key. */
    private final int[] block = new int[16];

    ChaChaPoly(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("ChaCha20 key of " + key.length + " bytes");
        }
        ByteBuffer k = ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN);
        k0 = k.getInt(0);
        k1 = k.getInt(4);
        k2 = k.getInt(8);
        k3 = k.getInt(12);
        k4 = k.getInt(16);
        k5 = k.getInt(20);
        k6 = k.getInt(24);
        k7 = k.getInt(28);
    }

    /**
     * Encrypts the plaintext in {@code out} from {@code pos} to {@code pos + len} in place and writes the 16-byte
     * tag after it; {@code out}'s position and limit are not used or changed.
     */
    void sealInPlace(long nonce, ByteBuffer ad, ByteBuffer out, int pos, int len) {
        ByteBuffer o = out.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        xor(nonce, o, pos, o, pos, len);
        Poly1305 mac = poly(nonce);
        int adLen = macAd(mac, ad);
        mac.padded(o, pos, len);
        mac.lengths(adLen, len);
        mac.finish(o, pos + len);
    }

    /**
     * Checks the tag of the ciphertext {@code in[inPos, inPos + len)} followed by its 16-byte tag and decrypts it
     * into {@code out} from {@code outPos}; positions and limits are not used or changed.
     *
     * @return false (and nothing written) when the tag does not match
     */
    boolean open(long nonce, ByteBuffer ad, ByteBuffer in, int inPos, int len, ByteBuffer out, int outPos) {
        ByteBuffer i = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        Poly1305 mac = poly(nonce);
        int adLen = macAd(mac, ad);
        mac.padded(i, inPos, len);
        mac.lengths(adLen, len);
        if (!mac.matches(i, inPos + len)) {
            return false;
        }
        xor(nonce, i, inPos, out.duplicate().order(ByteOrder.LITTLE_ENDIAN), outPos, len);
        return true;
    }

    private static int macAd(Poly1305 mac, ByteBuffer ad) {
        if (ad == null) {
            return 0;
        }
        ByteBuffer a = ad.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = a.remaining();
        mac.padded(a, a.position(), n);
        return n;
    }

    /** The Poly1305 key is the first 32 bytes of keystream block 0. */
    private Poly1305 poly(long nonce) {
        keystream(nonce, 0, block);
        return new Poly1305(block);
    }

    /** XORs {@code len} bytes of keystream (from block 1) with {@code src} into {@code dst} (both little-endian). */
    private void xor(long nonce, ByteBuffer src, int s, ByteBuffer dst, int d, int len) {
        int counter = 1;
        int n0 = 0, n1 = (int) nonce, n2 = (int) (nonce >>> 32);
        while (len >= 64) {
            int x0 = C0, x1 = C1, x2 = C2, x3 = C3;
            int x4 = k0, x5 = k1, x6 = k2, x7 = k3, x8 = k4, x9 = k5, x10 = k6, x11 = k7;
            int x12 = counter, x13 = n0, x14 = n1, x15 = n2;
            for (int r = 0; r < 10; r++) {
                // columns
                x0 += x4;
                x12 = Integer.rotateLeft(x12 ^ x0, 16);
                x8 += x12;
                x4 = Integer.rotateLeft(x4 ^ x8, 12);
                x0 += x4;
                x12 = Integer.rotateLeft(x12 ^ x0, 8);
                x8 += x12;
                x4 = Integer.rotateLeft(x4 ^ x8, 7);
                x1 += x5;
                x13 = Integer.rotateLeft(x13 ^ x1, 16);
                x9 += x13;
                x5 = Integer.rotateLeft(x5 ^ x9, 12);
                x1 += x5;
                x13 = Integer.rotateLeft(x13 ^ x1, 8);
                x9 += x13;
                x5 = Integer.rotateLeft(x5 ^ x9, 7);
                x2 += x6;
                x14 = Integer.rotateLeft(x14 ^ x2, 16);
                x10 += x14;
                x6 = Integer.rotateLeft(x6 ^ x10, 12);
                x2 += x6;
                x14 = Integer.rotateLeft(x14 ^ x2, 8);
                x10 += x14;
                x6 = Integer.rotateLeft(x6 ^ x10, 7);
                x3 += x7;
                x15 = Integer.rotateLeft(x15 ^ x3, 16);
                x11 += x15;
                x7 = Integer.rotateLeft(x7 ^ x11, 12);
                x3 += x7;
                x15 = Integer.rotateLeft(x15 ^ x3, 8);
                x11 += x15;
                x7 = Integer.rotateLeft(x7 ^ x11, 7);
                // diagonals
                x0 += x5;
                x15 = Integer.rotateLeft(x15 ^ x0, 16);
                x10 += x15;
                x5 = Integer.rotateLeft(x5 ^ x10, 12);
                x0 += x5;
                x15 = Integer.rotateLeft(x15 ^ x0, 8);
                x10 += x15;
                x5 = Integer.rotateLeft(x5 ^ x10, 7);
                x1 += x6;
                x12 = Integer.rotateLeft(x12 ^ x1, 16);
                x11 += x12;
                x6 = Integer.rotateLeft(x6 ^ x11, 12);
                x1 += x6;
                x12 = Integer.rotateLeft(x12 ^ x1, 8);
                x11 += x12;
                x6 = Integer.rotateLeft(x6 ^ x11, 7);
                x2 += x7;
                x13 = Integer.rotateLeft(x13 ^ x2, 16);
                x8 += x13;
                x7 = Integer.rotateLeft(x7 ^ x8, 12);
                x2 += x7;
                x13 = Integer.rotateLeft(x13 ^ x2, 8);
                x8 += x13;
                x7 = Integer.rotateLeft(x7 ^ x8, 7);
                x3 += x4;
                x14 = Integer.rotateLeft(x14 ^ x3, 16);
                x9 += x14;
                x4 = Integer.rotateLeft(x4 ^ x9, 12);
                x3 += x4;
                x14 = Integer.rotateLeft(x14 ^ x3, 8);
                x9 += x14;
                x4 = Integer.rotateLeft(x4 ^ x9, 7);
            }
            dst.putInt(d, src.getInt(s) ^ (x0 + C0));
            dst.putInt(d + 4, src.getInt(s + 4) ^ (x1 + C1));
            dst.putInt(d + 8, src.getInt(s + 8) ^ (x2 + C2));
            dst.putInt(d + 12, src.getInt(s + 12) ^ (x3 + C3));
            dst.putInt(d + 16, src.getInt(s + 16) ^ (x4 + k0));
            dst.putInt(d + 20, src.getInt(s + 20) ^ (x5 + k1));
            dst.putInt(d + 24, src.getInt(s + 24) ^ (x6 + k2));
            dst.putInt(d + 28, src.getInt(s + 28) ^ (x7 + k3));
            dst.putInt(d + 32, src.getInt(s + 32) ^ (x8 + k4));
            dst.putInt(d + 36, src.getInt(s + 36) ^ (x9 + k5));
            dst.putInt(d + 40, src.getInt(s + 40) ^ (x10 + k6));
            dst.putInt(d + 44, src.getInt(s + 44) ^ (x11 + k7));
            dst.putInt(d + 48, src.getInt(s + 48) ^ (x12 + counter));
            dst.putInt(d + 52, src.getInt(s + 52) ^ (x13 + n0));
            dst.putInt(d + 56, src.getInt(s + 56) ^ (x14 + n1));
            dst.putInt(d + 60, src.getInt(s + 60) ^ (x15 + n2));
            counter++;
            s += 64;
            d += 64;
            len -= 64;
        }
        if (len > 0) {
            keystream(nonce, counter, block);
            for (int i = 0; i < len; i++) {
                int word = block[i >> 2];
                dst.put(d + i, (byte) (src.get(s + i) ^ (word >>> ((i & 3) << 3))));
            }
        }
    }

    /** Keystream block {@code counter} into {@code out} (16 words). */
    private void keystream(long nonce, int counter, int[] out) {
        int[] x = {C0, C1, C2, C3, k0, k1, k2, k3, k4, k5, k6, k7, counter, 0, (int) nonce, (int) (nonce >>> 32)};
        int[] in = x.clone();
        for (int r = 0; r < 10; r++) {
            quarter(x, 0, 4, 8, 12);
            quarter(x, 1, 5, 9, 13);
            quarter(x, 2, 6, 10, 14);
            quarter(x, 3, 7, 11, 15);
            quarter(x, 0, 5, 10, 15);
            quarter(x, 1, 6, 11, 12);
            quarter(x, 2, 7, 8, 13);
            quarter(x, 3, 4, 9, 14);
        }
        for (int i = 0; i < 16; i++) {
            out[i] = x[i] + in[i];
        }
    }

    private static void quarter(int[] x, int a, int b, int c, int d) {
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
    }

    /** Poly1305 over 16-byte blocks with 26-bit limbs; every block of the AEAD is a full (zero-padded) block. */
    private static final class Poly1305 {
        private final long r0, r1, r2, r3, r4, s1, s2, s3, s4;
        private final int p0, p1, p2, p3;
        private long h0, h1, h2, h3, h4;
        private final byte[] tail = new byte[16];
        private final ByteBuffer tailBuf = ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN);

        /** Key: {@code key[0..3]} = r, {@code key[4..7]} = s (little-endian words of keystream block 0). */
        Poly1305(int[] key) {
            long t0 = key[0] & 0xffffffffL, t1 = key[1] & 0xffffffffL, t2 = key[2] & 0xffffffffL;
            long t3 = key[3] & 0xffffffffL;
            // r with the RFC's clamp, split into 26-bit limbs
            r0 = t0 & 0x3ffffff;
            r1 = ((t0 >>> 26) | (t1 << 6)) & 0x3ffff03;
            r2 = ((t1 >>> 20) | (t2 << 12)) & 0x3ffc0ff;
            r3 = ((t2 >>> 14) | (t3 << 18)) & 0x3f03fff;
            r4 = (t3 >>> 8) & 0x00fffff;
            s1 = r1 * 5;
            s2 = r2 * 5;
            s3 = r3 * 5;
            s4 = r4 * 5;
            p0 = key[4];
            p1 = key[5];
            p2 = key[6];
            p3 = key[7];
        }

        /** MACs {@code len} bytes of {@code b} (little-endian) from {@code pos}, zero-padded to 16 bytes. */
        void padded(ByteBuffer b, int pos, int len) {
            int full = len & ~15;
            for (int i = 0; i < full; i += 16) {
                block(b.getInt(pos + i), b.getInt(pos + i + 4), b.getInt(pos + i + 8), b.getInt(pos + i + 12));
            }
            int rest = len - full;
            if (rest > 0) {
                java.util.Arrays.fill(tail, (byte) 0);
                for (int i = 0; i < rest; i++) {
                    tail[i] = b.get(pos + full + i);
                }
                block(tailBuf.getInt(0), tailBuf.getInt(4), tailBuf.getInt(8), tailBuf.getInt(12));
            }
        }

        /** The final block: the lengths of the associated data and of the ciphertext, 64 bits each. */
        void lengths(long adLen, long ctLen) {
            block((int) adLen, (int) (adLen >>> 32), (int) ctLen, (int) (ctLen >>> 32));
        }

        private void block(int w0, int w1, int w2, int w3) {
            long m0 = w0 & 0xffffffffL, m1 = w1 & 0xffffffffL, m2 = w2 & 0xffffffffL, m3 = w3 & 0xffffffffL;
            long a0 = h0 + (m0 & M26);
            long a1 = h1 + (((m0 >>> 26) | (m1 << 6)) & M26);
            long a2 = h2 + (((m1 >>> 20) | (m2 << 12)) & M26);
            long a3 = h3 + (((m2 >>> 14) | (m3 << 18)) & M26);
            long a4 = h4 + ((m3 >>> 8) | (1L << 24));
            long d0 = a0 * r0 + a1 * s4 + a2 * s3 + a3 * s2 + a4 * s1;
            long d1 = a0 * r1 + a1 * r0 + a2 * s4 + a3 * s3 + a4 * s2;
            long d2 = a0 * r2 + a1 * r1 + a2 * r0 + a3 * s4 + a4 * s3;
            long d3 = a0 * r3 + a1 * r2 + a2 * r1 + a3 * r0 + a4 * s4;
            long d4 = a0 * r4 + a1 * r3 + a2 * r2 + a3 * r1 + a4 * r0;
            long c = d0 >>> 26;
            h0 = d0 & M26;
            d1 += c;
            c = d1 >>> 26;
            h1 = d1 & M26;
            d2 += c;
            c = d2 >>> 26;
            h2 = d2 & M26;
            d3 += c;
            c = d3 >>> 26;
            h3 = d3 & M26;
            d4 += c;
            c = d4 >>> 26;
            h4 = d4 & M26;
            h0 += c * 5;
            c = h0 >>> 26;
            h0 &= M26;
            h1 += c;
        }

        /** The tag: {@code (h mod 2^130 - 5) + s mod 2^128}, fully reduced. */
        private int[] tag() {
            long c = h1 >>> 26;
            h1 &= M26;
            h2 += c;
            c = h2 >>> 26;
            h2 &= M26;
            h3 += c;
            c = h3 >>> 26;
            h3 &= M26;
            h4 += c;
            c = h4 >>> 26;
            h4 &= M26;
            h0 += c * 5;
            c = h0 >>> 26;
            h0 &= M26;
            h1 += c;
            // g = h + 5 - 2^130: if it does not go negative, h >= p and g is the reduced value
            long g0 = h0 + 5;
            c = g0 >>> 26;
            g0 &= M26;
            long g1 = h1 + c;
            c = g1 >>> 26;
            g1 &= M26;
            long g2 = h2 + c;
            c = g2 >>> 26;
            g2 &= M26;
            long g3 = h3 + c;
            c = g3 >>> 26;
            g3 &= M26;
            long g4 = h4 + c - (1L << 26);
            long useG = (g4 >> 63) + 1; // 1 when g4 >= 0 (h >= p), else 0
            long mg = -useG, mh = ~mg;
            long f0 = (h0 & mh) | (g0 & mg);
            long f1 = (h1 & mh) | (g1 & mg);
            long f2 = (h2 & mh) | (g2 & mg);
            long f3 = (h3 & mh) | (g3 & mg);
            long f4 = (h4 & mh) | (g4 & mg & M26);
            // (f + s) mod 2^128 in 32-bit words, adding (not or-ing) the limbs: one may hold a carry bit
            long t = f0 + (f1 << 26) + (p0 & 0xffffffffL);
            int t0 = (int) t;
            t = (t >>> 32) + (f2 << 20) + (p1 & 0xffffffffL);
            int t1 = (int) t;
            t = (t >>> 32) + (f3 << 14) + (p2 & 0xffffffffL);
            int t2 = (int) t;
            t = (t >>> 32) + (f4 << 8) + (p3 & 0xffffffffL);
            int t3 = (int) t;
            return new int[] {t0, t1, t2, t3};
        }

        void finish(ByteBuffer out, int pos) {
            int[] t = tag();
            for (int i = 0; i < 4; i++) {
                out.putInt(pos + 4 * i, t[i]);
            }
        }

        /** Compares the tag with the 16 bytes at {@code pos} in constant time. */
        boolean matches(ByteBuffer in, int pos) {
            int[] t = tag();
            int diff = 0;
            for (int i = 0; i < 4; i++) {
                diff |= t[i] ^ in.getInt(pos + 4 * i);
            }
            return diff == 0;
        }
    }
}
