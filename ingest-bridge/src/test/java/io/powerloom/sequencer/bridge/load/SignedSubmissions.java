package io.powerloom.sequencer.bridge.load;

import io.powerloom.sequencer.protocol.crypto.Eip712;
import io.powerloom.sequencer.protocol.crypto.Eip712Domain;
import io.powerloom.sequencer.protocol.crypto.Hex;
import io.powerloom.sequencer.protocol.crypto.Keccak256;
import io.powerloom.sequencer.protocol.crypto.Secp256k1;
import io.powerloom.sequencer.protocol.wire.Request;
import io.powerloom.sequencer.protocol.wire.SnapshotSubmission;
import io.powerloom.sequencer.protocol.wire.SubmissionCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Realistic, correctly signed submissions for load tests: slot {@code s} belongs to a snapshotter whose key is
 * derived from {@code s}; each submission is EIP-712 signed (SPEC §2) by its slot's snapshotter and encoded as
 * Go JSON, exactly what a local collector sends.
 */
public final class SignedSubmissions {
    /** The domain used by load tests (a made-up contract on chain id 11165). */
    public static final Eip712Domain DOMAIN = new Eip712Domain(11165, "0x" + "5a".repeat(20));
    /** The data market named in load-test submissions. */
    public static final String DATA_MARKET = "0x" + "d4".repeat(20);

    private SignedSubmissions() {}

    /** The private key of slot {@code slotId}'s snapshotter (deterministic, for tests only). */
    public static byte[] snapshotterKey(long slotId) {
        return Keccak256.hash(("powerloom-load-snapshotter-" + slotId).getBytes(StandardCharsets.UTF_8));
    }

    /** One signed submission's Go JSON. */
    public static byte[] goJson(long slotId, long epochId, int project) {
        Request r = new Request(
                slotId,
                1_000_000 + epochId,
                "bafkrei" + String.format("%052d", epochId * 100 + project),
                epochId,
                "aggregate_pairContract_24h_trade_volume:0x" + String.format("%040x", project) + ":UNISWAPV2");
        byte[] sig = Secp256k1.sign(snapshotterKey(slotId), Eip712.digest(DOMAIN, r));
        String header = Hex.encode0x(
                Keccak256.hash(ByteBuffer.allocate(8).putLong(epochId).array()));
        String hex = Hex.encode(sig); // local collectors send the signature without 0x
        return SubmissionCodec.toGoJson(new SnapshotSubmission(r, hex, header, DATA_MARKET, "v0.9.0"));
    }

    /**
     * {@code count} distinct signed submissions over {@code slots} slots and 50 projects, signed on
     * {@code threads} threads.
     */
    public static List<byte[]> generate(int count, int slots, int threads) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<byte[]>> futures = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long slot = 1 + (i % slots);
                long epoch = 100 + i / slots;
                int project = i % 50;
                futures.add(pool.submit(() -> goJson(slot, epoch, project)));
            }
            List<byte[]> out = new ArrayList<>(count);
            for (Future<byte[]> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (ExecutionException e) {
            throw new IllegalStateException("signing failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
