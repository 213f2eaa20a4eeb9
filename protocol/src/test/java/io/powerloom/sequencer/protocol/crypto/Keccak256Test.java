package io.powerloom.sequencer.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.junit.jupiter.api.Test;

/** Our Keccak-f[1600] sponge against known vectors and BouncyCastle's KeccakDigest(256). */
class Keccak256Test {

    static byte[] bouncyCastle(byte[] in, int off, int len) {
        KeccakDigest d = new KeccakDigest(256);
        d.update(in, off, len);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    @Test
    void knownVectors() {
        assertThat(Hex.encode(Keccak256.hash(new byte[0])))
                .isEqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        // keccak256("abc"); BouncyCastle's KeccakDigest(256) gives the same (checked below)
        assertThat(Hex.encode(Keccak256.hash("abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
        assertThat(Hex.encode(bouncyCastle("abc".getBytes(StandardCharsets.US_ASCII), 0, 3)))
                .isEqualTo("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
        assertThat(Hex.encode(Keccak256.hash()))
                .isEqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        assertThat(Hex.encode(new Keccak256().digest()))
                .isEqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    }

    @Test
    void everyLengthUpTo1000MatchesBouncyCastle() {
        SplittableRandom rnd = new SplittableRandom(1600);
        for (int len = 0; len <= 1000; len++) {
            for (int rep = 0; rep < 3; rep++) {
                byte[] in = new byte[len];
                rnd.nextBytes(in);
                assertThat(Keccak256.hash(in)).as("length %d", len).isEqualTo(bouncyCastle(in, 0, len));
            }
        }
    }

    @Test
    void blockBoundariesMatchBouncyCastle() {
        SplittableRandom rnd = new SplittableRandom(136);
        for (int len :
                new int[] {0, 1, 7, 8, 9, 127, 128, 134, 135, 136, 137, 143, 144, 271, 272, 273, 408, 1000, 4096}) {
            for (int rep = 0; rep < 20; rep++) {
                byte[] in = new byte[len];
                rnd.nextBytes(in);
                byte[] expected = bouncyCastle(in, 0, len);
                assertThat(Keccak256.hash(in)).as("length %d", len).isEqualTo(expected);
                // all-0xFF inputs exercise the pad bytes landing on set bits
                byte[] ones = new byte[len];
                Arrays.fill(ones, (byte) 0xFF);
                assertThat(Keccak256.hash(ones)).as("0xFF * %d", len).isEqualTo(bouncyCastle(ones, 0, len));
            }
        }
    }

    @Test
    void offsetOverloadsMatchBouncyCastle() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < 2000; i++) {
            byte[] in = new byte[rnd.nextInt(1, 1100)];
            rnd.nextBytes(in);
            int off = rnd.nextInt(in.length + 1);
            int len = rnd.nextInt(in.length - off + 1);
            byte[] expected = bouncyCastle(in, off, len);
            assertThat(Keccak256.hash(in, off, len)).isEqualTo(expected);
            byte[] out = new byte[40];
            out[0] = 0x55;
            out[33] = 0x66;
            Keccak256.hash(in, off, len, out, 1);
            assertThat(Arrays.copyOfRange(out, 1, 33)).isEqualTo(expected);
            assertThat(out[0]).isEqualTo((byte) 0x55);
            assertThat(out[33]).isEqualTo((byte) 0x66);
        }
    }

    @Test
    void outputMayOverlapInput() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int len : new int[] {32, 66, 136, 192, 300}) {
            byte[] in = new byte[len];
            rnd.nextBytes(in);
            byte[] expected = bouncyCastle(in, 0, len);
            for (int outOff : new int[] {0, Math.min(1, len - 32), len - 32}) {
                byte[] buf = in.clone();
                Keccak256.hash(buf, 0, len, buf, outOff);
                assertThat(Arrays.copyOfRange(buf, outOff, outOff + 32)).isEqualTo(expected);
            }
        }
    }

    @Test
    void multiPartAndIncrementalMatchOneShot() {
        SplittableRandom rnd = new SplittableRandom(99);
        Keccak256 reused = new Keccak256();
        for (int i = 0; i < 2000; i++) {
            byte[] in = new byte[rnd.nextInt(0, 1000)];
            rnd.nextBytes(in);
            byte[] expected = bouncyCastle(in, 0, in.length);
            // random split into parts
            int parts = rnd.nextInt(1, 6);
            byte[][] split = new byte[parts][];
            int at = 0;
            for (int p = 0; p < parts; p++) {
                int end = p == parts - 1 ? in.length : rnd.nextInt(at, in.length + 1);
                split[p] = Arrays.copyOfRange(in, at, end);
                at = end;
            }
            assertThat(Keccak256.hash(split)).isEqualTo(expected);
            for (byte[] p : split) {
                reused.update(p);
            }
            byte[] out = new byte[33];
            reused.digest(out, 1); // also resets
            assertThat(Arrays.copyOfRange(out, 1, 33)).isEqualTo(expected);
        }
    }

    @Test
    void resetForgetsInput() {
        Keccak256 k = new Keccak256().update(new byte[] {1, 2, 3});
        k.reset();
        assertThat(k.update("abc".getBytes(StandardCharsets.US_ASCII)).digest())
                .isEqualTo(bouncyCastle("abc".getBytes(StandardCharsets.US_ASCII), 0, 3));
    }

    @Test
    void rangesAreChecked() {
        assertThatThrownBy(() -> Keccak256.hash(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Keccak256.hash(new byte[4], -1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Keccak256.hash(new byte[4], 0, 4, new byte[32], 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new Keccak256().update(new byte[4], 3, 2))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
