package io.powerloom.sequencer.libp2p.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.libp2p.Libp2pException;
import java.nio.ByteBuffer;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** {@link ChaChaPoly} and {@link CipherState} against the JDK's own ChaCha20-Poly1305, an independent implementation. */
class ChaChaPolyTest {
    private static byte[] jdk(int mode, byte[] key, long n, byte[] ad, byte[] input) throws Exception {
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (n >>> (8 * i));
        }
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        if (ad != null) {
            c.updateAAD(ad);
        }
        return c.doFinal(input);
    }

    private static ByteBuffer buffer(byte[] b, boolean direct, int offset) {
        ByteBuffer buf =
                direct ? ByteBuffer.allocateDirect(b.length + offset + 7) : ByteBuffer.allocate(b.length + offset + 7);
        buf.position(offset);
        buf.put(b);
        buf.position(offset).limit(offset + b.length);
        return buf.slice();
    }

    @Test
    void sameBytesAsTheJdkForEveryLengthAndBuffer() throws Exception {
        Random random = new Random(16);
        int[] sizes = new int[260];
        for (int i = 0; i < 200; i++) {
            sizes[i] = i;
        }
        for (int i = 200; i < 260; i++) {
            sizes[i] = random.nextInt(65535 - 16);
        }
        for (int size : sizes) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            byte[] plain = new byte[size];
            random.nextBytes(plain);
            byte[] ad = size % 3 == 0 ? null : new byte[random.nextInt(70)];
            if (ad != null) {
                random.nextBytes(ad);
            }
            long n = size % 2 == 0 ? size : random.nextLong();
            byte[] expected = jdk(Cipher.ENCRYPT_MODE, key, n, ad, plain);

            byte[] sealed = new byte[size + 16];
            System.arraycopy(plain, 0, sealed, 0, size);
            ByteBuffer out = buffer(sealed, size % 4 == 1, 3);
            new ChaChaPoly(key).sealInPlace(n, ad == null ? null : ByteBuffer.wrap(ad), out, 0, size);
            byte[] got = new byte[size + 16];
            out.get(0, got);
            assertThat(got).as("seal of %d bytes", size).isEqualTo(expected);

            ByteBuffer in = buffer(expected, size % 5 == 2, 5);
            ByteBuffer dst = size % 7 == 3 ? ByteBuffer.allocateDirect(size + 9) : ByteBuffer.allocate(size + 9);
            assertThat(new ChaChaPoly(key).open(n, ad == null ? null : ByteBuffer.wrap(ad), in, 0, size, dst, 9 - 9))
                    .isTrue();
            byte[] opened = new byte[size];
            dst.get(0, opened);
            assertThat(opened).as("open of %d bytes", size).isEqualTo(plain);
            assertThat(jdk(Cipher.DECRYPT_MODE, key, n, ad, expected)).isEqualTo(plain);
        }
    }

    @Test
    void aTamperedMessageOrTagOrWrongNonceIsRefusedAndNothingIsWritten() throws Exception {
        Random random = new Random(7);
        byte[] key = new byte[32];
        random.nextBytes(key);
        byte[] plain = new byte[150];
        random.nextBytes(plain);
        byte[] sealed = jdk(Cipher.ENCRYPT_MODE, key, 4, null, plain);
        for (int flip : new int[] {0, 77, 149, 150, 165}) {
            byte[] bad = sealed.clone();
            bad[flip] ^= 0x20;
            ByteBuffer out = ByteBuffer.allocate(150);
            assertThat(new ChaChaPoly(key).open(4, null, ByteBuffer.wrap(bad), 0, 150, out, 0))
                    .isFalse();
            assertThat(out.array()).isEqualTo(new byte[150]);
        }
        assertThat(new ChaChaPoly(key).open(5, null, ByteBuffer.wrap(sealed), 0, 150, ByteBuffer.allocate(150), 0))
                .isFalse();
    }

    @Test
    void cipherStatesTalkToTheJdkAndAdvanceTheirNonce() throws Exception {
        byte[] key = new byte[32];
        new Random(3).nextBytes(key);
        CipherState sender = new CipherState(key);
        for (int i = 0; i < 3; i++) {
            byte[] plain = ("message number " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ByteBuffer out = ByteBuffer.allocate(plain.length + CipherState.TAG + 4);
            out.position(2);
            int written = sender.encrypt(
                    new ByteBuffer[] {ByteBuffer.wrap(plain, 0, 5), ByteBuffer.wrap(plain, 5, plain.length - 5)}, out);
            assertThat(written).isEqualTo(plain.length + CipherState.TAG);
            assertThat(out.position()).isEqualTo(2 + written);
            byte[] ct = java.util.Arrays.copyOfRange(out.array(), 2, 2 + written);
            assertThat(jdk(Cipher.DECRYPT_MODE, key, i, null, ct)).isEqualTo(plain);
        }
        CipherState receiver = new CipherState(key);
        byte[] hs = jdk(Cipher.ENCRYPT_MODE, key, 0, new byte[] {1, 2, 3}, new byte[] {9, 8, 7});
        assertThat(receiver.decryptWithAd(new byte[] {1, 2, 3}, hs)).containsExactly(9, 8, 7);
        // nonce 1 now: the same message again does not authenticate
        assertThatThrownBy(() -> receiver.decryptWithAd(new byte[] {1, 2, 3}, hs))
                .isInstanceOf(Libp2pException.class);
        assertThat(new CipherState(key).encryptWithAd(new byte[] {4}, new byte[] {5, 6}))
                .isEqualTo(jdk(Cipher.ENCRYPT_MODE, key, 0, new byte[] {4}, new byte[] {5, 6}));
    }
}
