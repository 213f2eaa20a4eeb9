package io.powerloom.sequencer.libp2p.internal.noise;

import io.powerloom.sequencer.libp2p.Libp2pException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Noise CipherState for ChaChaPoly: a 32-byte key and a 64-bit counter nonce (encoded as 4 zero bytes and
 * the counter little-endian). One JDK {@link Cipher} instance is reused for every message.
 */
public final class CipherState {
    /** Poly1305 tag length. */
    public static final int TAG = 16;

    private final SecretKeySpec key;
    private final Cipher cipher;
    private final byte[] nonce = new byte[12];
    private long n;

    public CipherState(byte[] key) {
        this.key = new SecretKeySpec(key, "ChaCha20");
        try {
            this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks ChaCha20-Poly1305", e);
        }
    }

    private void init(int mode) throws GeneralSecurityException {
        if (n == -1L) {
            throw new Libp2pException(Libp2pException.Kind.PROTOCOL, "noise nonce exhausted");
        }
        long v = n++;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (v >>> (8 * i));
        }
        cipher.init(mode, key, new IvParameterSpec(nonce));
    }

    /** Encrypts with associated data (handshake use). */
    public byte[] encryptWithAd(byte[] ad, byte[] plaintext) {
        try {
            init(Cipher.ENCRYPT_MODE);
            if (ad != null) {
                cipher.updateAAD(ad);
            }
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /** Decrypts with associated data (handshake use). */
    public byte[] decryptWithAd(byte[] ad, byte[] ciphertext) {
        try {
            init(Cipher.DECRYPT_MODE);
            if (ad != null) {
                cipher.updateAAD(ad);
            }
            return cipher.doFinal(ciphertext);
        } catch (GeneralSecurityException e) {
            throw new Libp2pException(Libp2pException.Kind.HANDSHAKE, "noise message failed authentication", e);
        }
    }

    /**
     * Encrypts the concatenation of {@code plaintext} into {@code out} (ciphertext then tag), transport use.
     * @return bytes written
     */
    public int encrypt(ByteBuffer[] plaintext, ByteBuffer out) {
        try {
            init(Cipher.ENCRYPT_MODE);
            int written = 0;
            for (ByteBuffer p : plaintext) {
                written += cipher.update(p, out);
            }
            written += cipher.doFinal(ByteBuffer.allocate(0), out);
            return written;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /**
     * Decrypts one transport message {@code in} (ciphertext then tag) into {@code out}.
     * @return plaintext bytes written
     * @throws Libp2pException PROTOCOL when authentication fails
     */
    public int decrypt(ByteBuffer in, ByteBuffer out) {
        try {
            init(Cipher.DECRYPT_MODE);
            return cipher.doFinal(in, out);
        } catch (GeneralSecurityException e) {
            throw new Libp2pException(
                    Libp2pException.Kind.PROTOCOL, "noise transport message failed authentication", e);
        }
    }
}
