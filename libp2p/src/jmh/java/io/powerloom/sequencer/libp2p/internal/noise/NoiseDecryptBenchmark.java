package io.powerloom.sequencer.libp2p.internal.noise;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decrypting one Noise transport message as the bridge receives it (ciphertext in a direct buffer, plaintext into a
 * heap buffer): {@link CipherState} on {@link ChaChaPoly} vs the JDK's {@code ChaCha20-Poly1305} cipher
 * re-initialised per message (what {@code CipherState} did before). Messages of 700 bytes (one go-mode submission)
 * and 1,400 bytes; a ring of 1,024 messages with consecutive nonces, a fresh state each time round.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NoiseDecryptBenchmark {
    private static final int RING = 1024;

    @Param({"700", "1400"})
    public int size;

    private final byte[] key = new byte[32];
    private SecretKeySpec keySpec;
    private ByteBuffer[] messages;
    private byte[] plain;
    private Cipher jdk;
    private CipherState ours;
    private int next;

    private static byte[] nonce(long n) {
        byte[] b = new byte[12];
        for (int i = 0; i < 8; i++) {
            b[4 + i] = (byte) (n >>> (8 * i));
        }
        return b;
    }

    @Setup
    public void setUp() throws Exception {
        new java.util.Random(16).nextBytes(key);
        keySpec = new SecretKeySpec(key, "ChaCha20");
        Cipher enc = Cipher.getInstance("ChaCha20-Poly1305");
        SecretKeySpec k = keySpec;
        messages = new ByteBuffer[RING];
        for (int i = 0; i < RING; i++) {
            enc.init(Cipher.ENCRYPT_MODE, k, new IvParameterSpec(nonce(i)));
            byte[] ct = enc.doFinal(new byte[size]);
            messages[i] = ByteBuffer.allocateDirect(ct.length);
            messages[i].put(ct).flip();
        }
        plain = new byte[size];
        jdk = Cipher.getInstance("ChaCha20-Poly1305");
        next = 0;
    }

    private int advance() {
        int i = next;
        next = (next + 1) % RING;
        return i;
    }

    @Benchmark
    public int jdkCipher() throws Exception {
        int i = advance();
        jdk.init(Cipher.DECRYPT_MODE, keySpec, new IvParameterSpec(nonce(i)));
        return jdk.doFinal(messages[i].duplicate(), ByteBuffer.wrap(plain));
    }

    @Benchmark
    public int chaChaPoly() {
        int i = advance();
        if (i == 0) {
            ours = new CipherState(key); // its nonce back to 0 with the ring
        }
        return ours.decrypt(messages[i].duplicate(), ByteBuffer.wrap(plain));
    }
}
