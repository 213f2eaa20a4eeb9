package io.powerloom.sequencer.protocol.bench;

import io.powerloom.sequencer.protocol.crypto.Keccak256;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/** One Keccak-256 of a 66-byte (one block) or 192-byte (two blocks) input: ours vs BouncyCastle's. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class KeccakBenchmark {

    @Param({"66", "192"})
    public int length;

    private byte[] in;
    private final byte[] out = new byte[32];

    @Setup
    public void setup() {
        in = new byte[length];
        for (int i = 0; i < length; i++) {
            in[i] = (byte) (i * 31 + 7);
        }
    }

    @Benchmark
    public byte[] keccak256() {
        Keccak256.hash(in, 0, in.length, out, 0);
        return out;
    }

    /** What Keccak256.hash did before: a new KeccakDigest per call. */
    @Benchmark
    public byte[] bouncyCastleKeccakDigest() {
        KeccakDigest d = new KeccakDigest(256);
        d.update(in, 0, in.length);
        d.doFinal(out, 0);
        return out;
    }
}
