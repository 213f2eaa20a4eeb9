package io.powerloom.sequencer.protocol.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Ethereum's Keccak-256 (the original Keccak padding {@code 0x01 .. 0x80}, not NIST SHA3-256's
 * {@code 0x06}): a Keccak-f[1600] sponge with a 136-byte rate and a 32-byte output, written from the
 * Keccak reference description.
 *
 * <p>The static methods are thread-safe one-shots. An instance is an incremental hasher for one thread
 * at a time ({@link #update}, then {@link #digest(byte[], int)}, which also resets it for reuse).
 */
public final class Keccak256 {

    /** Output length in bytes. */
    public static final int DIGEST_LENGTH = 32;

    /** Sponge rate in bytes (1600 - 2 * 256 bits). */
    static final int RATE = 136;

    private static final int RATE_LANES = RATE / 8;

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Round constants of the iota step (from the LFSR x^8 + x^6 + x^5 + x^4 + 1). */
    private static final long[] RC = {
        0x0000000000000001L, 0x0000000000008082L, 0x800000000000808AL, 0x8000000080008000L,
        0x000000000000808BL, 0x0000000080000001L, 0x8000000080008081L, 0x8000000000008009L,
        0x000000000000008AL, 0x0000000000000088L, 0x0000000080008009L, 0x000000008000000AL,
        0x000000008000808BL, 0x800000000000008BL, 0x8000000000008089L, 0x8000000000008003L,
        0x8000000000008002L, 0x8000000000000080L, 0x000000000000800AL, 0x800000008000000AL,
        0x8000000080008081L, 0x8000000000008080L, 0x0000000080000001L, 0x8000000080008008L,
    };

    private final long[] state = new long[25];
    /** Bytes absorbed into the current block, 0..RATE-1. */
    private int pos;

    /** A fresh incremental hasher. */
    public Keccak256() {}

    // ------------------------------------------------------------------ one-shot

    /** Keccak-256 of the concatenation of {@code parts}. */
    public static byte[] hash(byte[]... parts) {
        if (parts.length == 1) {
            return hash(parts[0], 0, parts[0].length);
        }
        Keccak256 k = new Keccak256();
        for (byte[] p : parts) {
            k.update(p, 0, p.length);
        }
        return k.digest();
    }

    /** Keccak-256 of {@code in[off .. off+len)}. */
    public static byte[] hash(byte[] in, int off, int len) {
        byte[] out = new byte[DIGEST_LENGTH];
        hash(in, off, len, out, 0);
        return out;
    }

    /**
     * Writes the Keccak-256 of {@code in[off .. off+len)} to {@code out[outOff .. outOff+32)}. The
     * output may overlap the input: all input is read before any output is written.
     */
    public static void hash(byte[] in, int off, int len, byte[] out, int outOff) {
        new Keccak256().update(in, off, len).digest(out, outOff); // all input is absorbed before output is written
    }

    // ------------------------------------------------------------------ incremental

    /** Absorbs {@code in}. */
    public Keccak256 update(byte[] in) {
        return update(in, 0, in.length);
    }

    /** Absorbs {@code in[off .. off+len)}. */
    public Keccak256 update(byte[] in, int off, int len) {
        Objects.checkFromIndexSize(off, len, in.length);
        long[] s = state;
        int p = pos;
        while (len > 0) {
            if (p == 0 && len >= RATE) {
                for (int i = 0; i < RATE_LANES; i++) {
                    s[i] ^= (long) LONG_LE.get(in, off + 8 * i);
                }
                permute(s);
                off += RATE;
                len -= RATE;
                continue;
            }
            if ((p & 7) == 0 && len >= 8) {
                s[p >>> 3] ^= (long) LONG_LE.get(in, off);
                p += 8;
                off += 8;
                len -= 8;
            } else {
                s[p >>> 3] ^= (in[off] & 0xFFL) << ((p & 7) << 3);
                p++;
                off++;
                len--;
            }
            if (p == RATE) {
                permute(s);
                p = 0;
            }
        }
        pos = p;
        return this;
    }

    /** Finishes, returns the 32-byte digest and resets this hasher. */
    public byte[] digest() {
        byte[] out = new byte[DIGEST_LENGTH];
        digest(out, 0);
        return out;
    }

    /** Finishes, writes the 32-byte digest to {@code out[off .. off+32)} and resets this hasher. */
    public void digest(byte[] out, int off) {
        Objects.checkFromIndexSize(off, DIGEST_LENGTH, out.length);
        long[] s = state;
        s[pos >>> 3] ^= 0x01L << ((pos & 7) << 3);
        s[RATE_LANES - 1] ^= 0x80L << 56;
        permute(s);
        squeeze(s, out, off);
        reset();
    }

    /** Forgets everything absorbed so far. */
    public void reset() {
        Arrays.fill(state, 0L);
        pos = 0;
    }

    // ------------------------------------------------------------------ sponge

    private static void squeeze(long[] s, byte[] out, int off) {
        LONG_LE.set(out, off, s[0]);
        LONG_LE.set(out, off + 8, s[1]);
        LONG_LE.set(out, off + 16, s[2]);
        LONG_LE.set(out, off + 24, s[3]);
    }

    /**
     * Keccak-f[1600] on {@code s}, lane (x, y) at index x + 5y and in local {@code aXY}: 24 rounds of
     * theta, rho+pi (lane (x, y), rotated by its offset, moves to (y, 2x + 3y)), chi and iota, each
     * round unrolled over the 25 lanes.
     */
    static void permute(long[] s) {
        long a00 = s[0];
        long a10 = s[1];
        long a20 = s[2];
        long a30 = s[3];
        long a40 = s[4];
        long a01 = s[5];
        long a11 = s[6];
        long a21 = s[7];
        long a31 = s[8];
        long a41 = s[9];
        long a02 = s[10];
        long a12 = s[11];
        long a22 = s[12];
        long a32 = s[13];
        long a42 = s[14];
        long a03 = s[15];
        long a13 = s[16];
        long a23 = s[17];
        long a33 = s[18];
        long a43 = s[19];
        long a04 = s[20];
        long a14 = s[21];
        long a24 = s[22];
        long a34 = s[23];
        long a44 = s[24];
        for (int round = 0; round < 24; round++) {
            long c0 = a00 ^ a01 ^ a02 ^ a03 ^ a04;
            long c1 = a10 ^ a11 ^ a12 ^ a13 ^ a14;
            long c2 = a20 ^ a21 ^ a22 ^ a23 ^ a24;
            long c3 = a30 ^ a31 ^ a32 ^ a33 ^ a34;
            long c4 = a40 ^ a41 ^ a42 ^ a43 ^ a44;
            long d0 = c4 ^ Long.rotateLeft(c1, 1);
            long d1 = c0 ^ Long.rotateLeft(c2, 1);
            long d2 = c1 ^ Long.rotateLeft(c3, 1);
            long d3 = c2 ^ Long.rotateLeft(c4, 1);
            long d4 = c3 ^ Long.rotateLeft(c0, 1);
            long b00 = a00 ^ d0;
            long b13 = Long.rotateLeft(a01 ^ d0, 36);
            long b21 = Long.rotateLeft(a02 ^ d0, 3);
            long b34 = Long.rotateLeft(a03 ^ d0, 41);
            long b42 = Long.rotateLeft(a04 ^ d0, 18);
            long b02 = Long.rotateLeft(a10 ^ d1, 1);
            long b10 = Long.rotateLeft(a11 ^ d1, 44);
            long b23 = Long.rotateLeft(a12 ^ d1, 10);
            long b31 = Long.rotateLeft(a13 ^ d1, 45);
            long b44 = Long.rotateLeft(a14 ^ d1, 2);
            long b04 = Long.rotateLeft(a20 ^ d2, 62);
            long b12 = Long.rotateLeft(a21 ^ d2, 6);
            long b20 = Long.rotateLeft(a22 ^ d2, 43);
            long b33 = Long.rotateLeft(a23 ^ d2, 15);
            long b41 = Long.rotateLeft(a24 ^ d2, 61);
            long b01 = Long.rotateLeft(a30 ^ d3, 28);
            long b14 = Long.rotateLeft(a31 ^ d3, 55);
            long b22 = Long.rotateLeft(a32 ^ d3, 25);
            long b30 = Long.rotateLeft(a33 ^ d3, 21);
            long b43 = Long.rotateLeft(a34 ^ d3, 56);
            long b03 = Long.rotateLeft(a40 ^ d4, 27);
            long b11 = Long.rotateLeft(a41 ^ d4, 20);
            long b24 = Long.rotateLeft(a42 ^ d4, 39);
            long b32 = Long.rotateLeft(a43 ^ d4, 8);
            long b40 = Long.rotateLeft(a44 ^ d4, 14);
            a00 = b00 ^ (~b10 & b20);
            a10 = b10 ^ (~b20 & b30);
            a20 = b20 ^ (~b30 & b40);
            a30 = b30 ^ (~b40 & b00);
            a40 = b40 ^ (~b00 & b10);
            a01 = b01 ^ (~b11 & b21);
            a11 = b11 ^ (~b21 & b31);
            a21 = b21 ^ (~b31 & b41);
            a31 = b31 ^ (~b41 & b01);
            a41 = b41 ^ (~b01 & b11);
            a02 = b02 ^ (~b12 & b22);
            a12 = b12 ^ (~b22 & b32);
            a22 = b22 ^ (~b32 & b42);
            a32 = b32 ^ (~b42 & b02);
            a42 = b42 ^ (~b02 & b12);
            a03 = b03 ^ (~b13 & b23);
            a13 = b13 ^ (~b23 & b33);
            a23 = b23 ^ (~b33 & b43);
            a33 = b33 ^ (~b43 & b03);
            a43 = b43 ^ (~b03 & b13);
            a04 = b04 ^ (~b14 & b24);
            a14 = b14 ^ (~b24 & b34);
            a24 = b24 ^ (~b34 & b44);
            a34 = b34 ^ (~b44 & b04);
            a44 = b44 ^ (~b04 & b14);
            a00 ^= RC[round];
        }
        s[0] = a00;
        s[1] = a10;
        s[2] = a20;
        s[3] = a30;
        s[4] = a40;
        s[5] = a01;
        s[6] = a11;
        s[7] = a21;
        s[8] = a31;
        s[9] = a41;
        s[10] = a02;
        s[11] = a12;
        s[12] = a22;
        s[13] = a32;
        s[14] = a42;
        s[15] = a03;
        s[16] = a13;
        s[17] = a23;
        s[18] = a33;
        s[19] = a43;
        s[20] = a04;
        s[21] = a14;
        s[22] = a24;
        s[23] = a34;
        s[24] = a44;
    }
}
