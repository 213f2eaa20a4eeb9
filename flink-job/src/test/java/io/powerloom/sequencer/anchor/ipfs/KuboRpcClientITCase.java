package io.powerloom.sequencer.anchor.ipfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.infra.ipfs.IpfsExtension;
import io.powerloom.sequencer.protocol.cid.Cid;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link KuboRpcClient} against a real IPFS node (Helia behind the Kubo RPC subset, started by {@link IpfsExtension}):
 * the node's CIDs equal {@link Cid#rawLeavesV1(byte[])}, content comes back byte for byte, pins survive a restart,
 * and the node's errors arrive typed.
 */
class KuboRpcClientITCase {

    @RegisterExtension
    static final IpfsExtension IPFS = new IpfsExtension();

    private static KuboRpcClient client() {
        return new KuboRpcClient(IPFS.apiUri(), Duration.ofSeconds(30));
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(60, TimeUnit.SECONDS);
    }

    private static IpfsException failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(IpfsException.class);
            return (IpfsException) e.getCause();
        }
        throw new AssertionError("expected the future to fail");
    }

    @Test
    void nodeCidEqualsTheLocallyComputedCidForEverySize() throws Exception {
        int[] sizes = {0, 1, 2, 1000, 50 * 1024, 256 * 1024, 256 * 1024 + 1, 1024 * 1024 - 1, 1024 * 1024};
        KuboRpcClient ipfs = client();
        for (int size : sizes) {
            byte[] content = random(size, 1000L + size);
            String expected = Cid.rawLeavesV1(content);
            assertThat(await(ipfs.add(content, AddOptions.rawLeavesV1())))
                    .as("add of %d bytes", size)
                    .isEqualTo(expected);
            assertThat(await(ipfs.addAndPinVerified(content)))
                    .as("verified add of %d bytes", size)
                    .isEqualTo(expected);
            assertThat(await(ipfs.cat(expected))).as("cat of %d bytes", size).isEqualTo(content);
        }
    }

    @Test
    void jsonDocumentsRoundTrip() throws Exception {
        byte[] doc =
                "{\"submissionIDs\":[\"a\"],\"submissions\":[\"{}\"],\"roothash\":\"0x00\",\"pids\":[\"p\"],\"cids\":[\"c\"]}"
                        .getBytes(UTF_8);
        String cid = await(client().addAndPinVerified(doc));
        assertThat(cid).startsWith("bafkrei");
        assertThat(new String(await(client().cat(cid)), UTF_8)).isEqualTo(new String(doc, UTF_8));
    }

    @Test
    void addWithoutPinThenPin() throws Exception {
        byte[] content = random(4096, 7);
        String cid = await(client().add(content, AddOptions.rawLeavesV1().withPin(false)));
        assertThat(cid).isEqualTo(Cid.rawLeavesV1(content));
        assertThat(await(client().isPinned(cid))).isFalse();
        await(client().pin(cid)); // completes only when the node lists cid among the pins
        assertThat(await(client().isPinned(cid))).isTrue();
        await(client().pin(cid)); // pinning twice is fine, as in Kubo
    }

    @Test
    void pinnedContentSurvivesANodeRestart() throws Exception {
        byte[] content = random(100_000, 99);
        String cid = await(client().addAndPinVerified(content));
        String peerId = await(client().id());

        IPFS.restart();

        KuboRpcClient afterRestart = client();
        assertThat(await(afterRestart.id())).isEqualTo(peerId);
        assertThat(await(afterRestart.isPinned(cid))).isTrue();
        assertThat(await(afterRestart.cat(cid))).isEqualTo(content);
    }

    @Test
    void unknownCidsFailWithTheNodesMessage() throws Exception {
        String unknown = Cid.rawLeavesV1("never uploaded".getBytes(UTF_8));
        IpfsException cat = failure(client().cat(unknown));
        assertThat(cat.kind()).isEqualTo(IpfsException.Kind.NODE_ERROR);
        assertThat(cat.httpStatus()).isEqualTo(500);
        assertThat(cat.kuboMessage()).contains("not found").contains(unknown);
        assertThat(cat.retryable()).isFalse();

        IpfsException pin = failure(client().pin(unknown));
        assertThat(pin.kind()).isEqualTo(IpfsException.Kind.NODE_ERROR);
        assertThat(pin.kuboMessage()).contains(unknown);
        assertThat(pin.retryable()).isFalse();
    }

    @Test
    void optionsTheNodeDoesNotSupportAreReportedNotRetried() throws Exception {
        IpfsException e = failure(client().add(new byte[10], new AddOptions(1, true, true, 1024, "sha3-256")));
        assertThat(e.kind()).isEqualTo(IpfsException.Kind.NODE_ERROR);
        assertThat(e.kuboMessage()).contains("sha3-256");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void documentsAboveOneBlockAreRefusedBeforeUpload() throws Exception {
        IpfsException e = failure(client().addAndPinVerified(new byte[1024 * 1024 + 1]));
        assertThat(e.kind()).isEqualTo(IpfsException.Kind.CONTENT_TOO_LARGE);
    }

    @Test
    void concurrentUploadsAllSucceed() throws Exception {
        List<CompletableFuture<String>> futures = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        KuboRpcClient ipfs = client();
        for (int i = 0; i < 32; i++) {
            byte[] content = random(10_000 + i, 5000L + i);
            expected.add(Cid.rawLeavesV1(content));
            futures.add(ipfs.addAndPinVerified(content));
        }
        List<String> got = new ArrayList<>();
        for (CompletableFuture<String> f : futures) {
            got.add(await(f));
        }
        assertThat(got).containsExactlyElementsOf(expected);
    }

    /** Reports add+pin latency of a 50 KiB document (the figure asked for; bounded loosely so it cannot flake). */
    @Test
    void addAndPinLatencyOf50KiB() throws Exception {
        KuboRpcClient ipfs = client();
        await(ipfs.id()); // warm the connection
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            byte[] doc = random(50 * 1024, 777L + i);
            long t0 = System.nanoTime();
            String cid = await(ipfs.addAndPinVerified(doc));
            micros.add((System.nanoTime() - t0) / 1_000);
            assertThat(cid).isEqualTo(Cid.rawLeavesV1(doc));
        }
        Collections.sort(micros);
        System.out.printf(
                "addAndPinVerified 50 KiB over %d runs: median %.1f ms, p90 %.1f ms, max %.1f ms%n",
                micros.size(),
                micros.get(micros.size() / 2) / 1000.0,
                micros.get(micros.size() * 9 / 10) / 1000.0,
                micros.get(micros.size() - 1) / 1000.0);
        assertThat(micros.get(micros.size() / 2))
                .isLessThan(Duration.ofSeconds(5).toNanos() / 1_000);
    }
}
