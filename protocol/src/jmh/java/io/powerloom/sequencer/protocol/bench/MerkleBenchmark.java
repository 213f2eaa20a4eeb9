package io.powerloom.sequencer.protocol.bench;

import io.powerloom.sequencer.protocol.merkle.IncrementalMerkleTree;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/** Merkle tree append rate (score = appends/s, root computed once per 1000 appends). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class MerkleBenchmark {

    static final int LEAVES = 1000;
    private final String[] ids = new String[LEAVES];

    @Setup
    public void setup() {
        for (int k = 0; k < LEAVES; k++) {
            ids[k] = UUID.nameUUIDFromBytes(new byte[] {(byte) k, (byte) (k >> 8)}).toString();
        }
    }

    @Benchmark
    @OperationsPerInvocation(LEAVES)
    public String append1000ThenRoot() {
        IncrementalMerkleTree t = new IncrementalMerkleTree();
        for (String id : ids) {
            t.append(id);
        }
        return t.rootHex();
    }
}
