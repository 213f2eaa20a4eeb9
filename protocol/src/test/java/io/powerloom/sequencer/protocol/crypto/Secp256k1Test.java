package io.powerloom.sequencer.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/** Native recovery and signing against ethers vectors and web3j's BouncyCastle path. */
class Secp256k1Test {

    private static final BigInteger N =
            new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);

    static Stream<JsonNode> vectors() {
        return Eip712Test.vectors();
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void recoversTheEthersSigner(JsonNode v) throws Exception {
        byte[] digest = Eip712.digest(Eip712Test.domain(v), Eip712Test.request(v));
        byte[] sig = Secp256k1.parseSignatureHex(v.get("signature").asText());
        String expected = v.get("address").asText();
        assertThat(Secp256k1.recoverAddress(digest, sig)).isEqualTo(expected);
        // web3j agrees
        Sign.SignatureData sd =
                new Sign.SignatureData(sig[64], Arrays.copyOfRange(sig, 0, 32), Arrays.copyOfRange(sig, 32, 64));
        assertThat("0x" + Keys.getAddress(Sign.signedMessageHashToKey(digest, sd)))
                .isEqualTo(expected);
        // the private key gives the same address, and our signature equals ethers' (RFC 6979, low-s)
        byte[] key = Hex.decode(v.get("privateKey").asText());
        assertThat(Secp256k1.addressOf(key)).isEqualTo(expected);
        assertThat(Hex.encode(Secp256k1.sign(key, digest)))
                .isEqualTo(v.get("signature").asText());
    }

    @Test
    void acceptsRawRecoveryIdAndHighS() throws Exception {
        byte[] key = Keccak256.hash("k".getBytes());
        byte[] digest = Keccak256.hash("m".getBytes());
        byte[] sig = Secp256k1.sign(key, digest);
        String addr = Secp256k1.addressOf(key);
        assertThat(sig[64]).isIn((byte) 27, (byte) 28);

        byte[] raw = sig.clone();
        raw[64] -= 27;
        assertThat(Secp256k1.recoverAddress(digest, raw)).isEqualTo(addr);

        // high-s twin: (r, n - s, v ^ 1) — accepted, same signer (as ecrecover / go-ethereum)
        byte[] high = sig.clone();
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
        byte[] hs = N.subtract(s).toByteArray();
        Arrays.fill(high, 32, 64, (byte) 0);
        int len = Math.min(hs.length, 32);
        System.arraycopy(hs, hs.length - len, high, 64 - len, len);
        high[64] = (byte) (sig[64] == 27 ? 28 : 27);
        assertThat(Secp256k1.recoverAddress(digest, high)).isEqualTo(addr);
    }

    @Test
    void wrongDigestOrFlippedVRecoversSomeoneElse() throws Exception {
        byte[] key = Keccak256.hash("k2".getBytes());
        byte[] digest = Keccak256.hash("m2".getBytes());
        byte[] sig = Secp256k1.sign(key, digest);
        String addr = Secp256k1.addressOf(key);
        byte[] other = digest.clone();
        other[0] ^= 1;
        assertThat(Secp256k1.recoverAddress(other, sig)).isNotEqualTo(addr);
        byte[] flipped = sig.clone();
        flipped[64] = (byte) (sig[64] == 27 ? 28 : 27);
        assertThat(Secp256k1.recoverAddress(digest, flipped)).isNotEqualTo(addr);
    }

    @Test
    void rejectsMalformedSignatures() {
        byte[] digest = new byte[32];
        byte[] sig = new byte[65];
        sig[64] = 27;
        assertThatThrownBy(() -> Secp256k1.recoverAddress(digest, sig))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("r is out of range");
        byte[] sig2 = new byte[65];
        Arrays.fill(sig2, 0, 64, (byte) 0xFF);
        sig2[64] = 27;
        assertThatThrownBy(() -> Secp256k1.recoverAddress(digest, sig2))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("out of range");
        byte[] sig3 = new byte[65];
        sig3[31] = 1;
        sig3[63] = 1;
        sig3[64] = 29;
        assertThatThrownBy(() -> Secp256k1.recoverAddress(digest, sig3))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("v must be");
        assertThatThrownBy(() -> Secp256k1.recoverAddress(new byte[31], sig3))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("digest must be 32 bytes");
        assertThatThrownBy(() -> Secp256k1.recoverAddress(digest, new byte[64]))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("65 bytes");
    }

    @Test
    void rejectsPointNotOnCurve() {
        // r = 5 has no curve point with x = 5 (5^3 + 7 = 132 is not a square mod p)
        byte[] sig = new byte[65];
        sig[31] = 5;
        sig[63] = 1;
        sig[64] = 27;
        assertThatThrownBy(() -> Secp256k1.recoverAddress(new byte[32], sig)).isInstanceOf(SignatureException.class);
    }

    @Test
    void parsesSignatureHex() throws Exception {
        String hex = "11".repeat(64) + "1b";
        assertThat(Secp256k1.parseSignatureHex(hex)).hasSize(65);
        assertThat(Secp256k1.parseSignatureHex("0x" + hex)).isEqualTo(Secp256k1.parseSignatureHex(hex));
        assertThatThrownBy(() -> Secp256k1.parseSignatureHex("11".repeat(64)))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("65 bytes, got 64");
        assertThatThrownBy(() -> Secp256k1.parseSignatureHex("zz" + hex.substring(2)))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("not hex");
        assertThatThrownBy(() -> Secp256k1.parseSignatureHex(hex + "1"))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("odd");
        assertThatThrownBy(() -> Secp256k1.parseSignatureHex(null)).isInstanceOf(SignatureException.class);
    }

    @Test
    void rejectsInvalidPrivateKeys() {
        assertThatThrownBy(() -> Secp256k1.addressOf(new byte[32])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Secp256k1.sign(new byte[31], new byte[32]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recoveryIsThreadSafe() throws Exception {
        int n = 64;
        byte[][] digests = new byte[n][];
        byte[][] sigs = new byte[n][];
        String[] addrs = new String[n];
        for (int k = 0; k < n; k++) {
            byte[] key = Keccak256.hash(("t" + k).getBytes());
            digests[k] = Keccak256.hash(("d" + k).getBytes());
            sigs[k] = Secp256k1.sign(key, digests[k]);
            addrs[k] = Secp256k1.addressOf(key);
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<Integer>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final int offset = t;
                futures.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 500; i++) {
                        int k = (i * 7 + offset) % n;
                        if (Secp256k1.recoverAddress(digests[k], sigs[k]).equals(addrs[k])) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : futures) {
                assertThat(f.get()).isEqualTo(500);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void benchmarkHelperReportsAPositiveRate() {
        assertThat(Secp256k1.benchmarkRecoveries(200)).isPositive();
    }
}
