package io.powerloom.sequencer.protocol.bench;

import io.powerloom.sequencer.protocol.crypto.Eip712;
import io.powerloom.sequencer.protocol.crypto.Eip712Domain;
import io.powerloom.sequencer.protocol.crypto.Keccak256;
import io.powerloom.sequencer.protocol.crypto.Secp256k1;
import io.powerloom.sequencer.protocol.wire.Request;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/** Single-thread signer recovery: native libsecp256k1 vs web3j (BouncyCastle), plus the EIP-712 digest. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class RecoveryBenchmark {

    private static final int N = 64;
    private final byte[][] digests = new byte[N][];
    private final byte[][] sigs = new byte[N][];
    private final Sign.SignatureData[] web3jSigs = new Sign.SignatureData[N];
    private final Request[] requests = new Request[N];
    private final Eip712Domain domain = new Eip712Domain(104, "0x3b5a0fb70ef68b5dd677c7d614dfb89961f97401");
    private int i;

    @Setup
    public void setup() {
        for (int k = 0; k < N; k++) {
            byte[] key = Keccak256.hash(("key" + k).getBytes());
            requests[k] = new Request(k + 1, 1000 + k, "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
                    42, "aggregate_pairContract_24h_trade_volume:0x8ef79d6c328035d7e9d5b1f4d4c4de4a6e1e4ead:UNISWAPV2");
            digests[k] = Eip712.digest(domain, requests[k]);
            sigs[k] = Secp256k1.sign(key, digests[k]);
            web3jSigs[k] = new Sign.SignatureData(sigs[k][64], Arrays.copyOfRange(sigs[k], 0, 32),
                    Arrays.copyOfRange(sigs[k], 32, 64));
        }
    }

    @Benchmark
    public String recoverNative() throws SignatureException {
        int k = (i++) & (N - 1);
        return Secp256k1.recoverAddress(digests[k], sigs[k]);
    }

    @Benchmark
    public String recoverWeb3j() throws SignatureException {
        int k = (i++) & (N - 1);
        return Keys.getAddress(Sign.signedMessageHashToKey(digests[k], web3jSigs[k]));
    }

    @Benchmark
    public byte[] eip712Digest() {
        return Eip712.digest(domain, requests[(i++) & (N - 1)]);
    }

    /** The whole identity check of one submission: digest + native recovery. */
    @Benchmark
    public String digestAndRecoverNative() throws SignatureException {
        int k = (i++) & (N - 1);
        return Secp256k1.recoverAddress(Eip712.digest(domain, requests[k]), sigs[k]);
    }
}
