package io.powerloom.sequencer.libp2p.internal.noise;

import io.powerloom.sequencer.libp2p.Libp2pException;
import java.nio.ByteBuffer;

/**
 * A Noise CipherState for ChaChaPoly: a 32-byte key and a 64-bit counter nonce (encoded as 4 zero bytes and
 * the counter little-endian). The cipher is {@link ChaChaPoly}, which works on the buffers as they are.
 */
public final class CipherState {
    /** Poly1305 tag length. */
    public static final int TAG = 16;

    private final ChaChaPoly cipher;
    private long n;

    public CipherState(byte[] key) {
        this.cipher = new ChaChaPoly(key);
    }

    private long nextNonce() {
        if (n == -1L) {
            throw new Libp2pException(Libp2pException.Kind.PROTOCOL, "noise nonce exhausted");
        }
        return n++;
    }

    /** Encrypts with associated data (handshake use). */
    public byte[] encryptWithAd(byte[] ad, byte[] plaintext) {
        byte[] out = new byte[plaintext.length + TAG];
        System.arraycopy(plaintext, 0, out, 0, plaintext.length);
        cipher.sealInPlace(
                nextNonce(), ad == null ? null : ByteBuffer.wrap(ad), ByteBuffer.wrap(out), 0, plaintext.length);
        return out;
    }

    /** Decrypts with associated data (handshake use). */
    public byte[] decryptWithAd(byte[] ad, byte[] ciphertext) {
        if (ciphertext.length < TAG) {
            throw new Libp2pException(Libp2pException.Kind.HANDSHAKE, "noise message shorter than its tag");
        }
        byte[] out = new byte[ciphertext.length - TAG];
        if (!cipher.open(
                nextNonce(),
                ad == null ? null : ByteBuffer.wrap(ad),
                ByteBuffer.wrap(ciphertext),
                0,
                out.length,
                ByteBuffer.wrap(out),
                0)) {
            throw new Libp2pException(Libp2pException.Kind.HANDSHAKE, "noise message failed authentication");
        }
        return out;
    }

    /**
     * Encrypts the concatenation of {@code plaintext} into {@code out} (ciphertext then tag), transport use; the
     * plaintext buffers are consumed and {@code out}'s position advances past what was written.
     * @return bytes written
     */
    public int encrypt(ByteBuffer[] plaintext, ByteBuffer out) {
        long nonce = nextNonce();
        int start = out.position();
        for (ByteBuffer p : plaintext) {
            out.put(p);
        }
        int len = out.position() - start;
        if (out.remaining() < TAG) {
            throw new IllegalStateException("no room for the tag");
        }
        cipher.sealInPlace(nonce, null, out, start, len);
        out.position(start + len + TAG);
        return len + TAG;
    }

    /**
     * Decrypts one transport message {@code in} (ciphertext then tag, consumed) into {@code out} (its position
     * advances past the plaintext).
     * @return plaintext bytes written
     * @throws Libp2pException PROTOCOL when authentication fails
     */
    public int decrypt(ByteBuffer in, ByteBuffer out) {
        long nonce = nextNonce();
        int len = in.remaining() - TAG;
        if (len < 0) {
            throw new Libp2pException(Libp2pException.Kind.PROTOCOL, "noise transport message shorter than its tag");
        }
        if (out.remaining() < len) {
            throw new IllegalStateException("no room for the plaintext");
        }
        if (!cipher.open(nonce, null, in, in.position(), len, out, out.position())) {
            throw new Libp2pException(Libp2pException.Kind.PROTOCOL, "noise transport message failed authentication");
        }
        in.position(in.limit());
        out.position(out.position() + len);
        return len;
    }
}
