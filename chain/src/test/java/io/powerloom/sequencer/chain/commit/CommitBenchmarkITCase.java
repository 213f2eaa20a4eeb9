package io.powerloom.sequencer.chain.commit;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.chain.DataMarketConfig;
import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.chain.ProtocolStateDeployment;
import io.powerloom.sequencer.chain.commit.CommitResult.Status;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.anvil.Anvil;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * Load figures of {@link BatchCommitClient} on Anvil: commits per second and call-to-receipt latency (p50/p99), with
 * instant mining and with one block per second. Off by default; run with
 *
 * <pre>
 * mvn -B -o -q -pl chain -am verify -Dbench=true -Dit.test=CommitBenchmarkITCase -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 *
 * Options (system properties): {@code bench.batches} (default 300), {@code bench.projects} per batch (50, the size of
 * a production batch), {@code bench.signers} (4), {@code bench.concurrency} (the client's threads, 64); then
 * {@code bench.paced} more batches (60) submitted at {@code bench.rate} per second (5) give the latency below
 * saturation. Results are
 * printed and appended to {@code chain/target/commit-benchmark.txt}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class CommitBenchmarkITCase {
    private static final long CHAIN_ID = 11171;
    private final int batches = Integer.getInteger("bench.batches", 300);
    private final int projects = Integer.getInteger("bench.projects", 50);
    private final int signers = Integer.getInteger("bench.signers", 4);
    private final int concurrency = Integer.getInteger("bench.concurrency", 64);
    private final int paced = Integer.getInteger("bench.paced", 60);
    private final int rate = Integer.getInteger("bench.rate", 5);

    @Test
    void automine() throws Exception {
        run("automine", Anvil.builder().chainId(CHAIN_ID).accounts(signers + 2));
    }

    @Test
    void blockTimeOneSecond() throws Exception {
        run(
                "block-time 1 s",
                Anvil.builder().chainId(CHAIN_ID).accounts(signers + 2).blockTimeSeconds(1));
    }

    private void run(String mode, Anvil.Builder chain) throws Exception {
        try (Anvil anvil = chain.start()) {
            Web3j web3j = Web3j.build(new HttpService(anvil.rpcUrl()));
            try {
                List<String> sequencers = new ArrayList<>();
                Map<String, String> env = new HashMap<>();
                for (int i = 0; i < signers; i++) {
                    sequencers.add(anvil.address(2 + i));
                    env.put("BENCH_SIGNER_" + i, anvil.privateKey(2 + i));
                }
                String market = "0x00000000000000000000000000000000000000be";
                ProtocolStateDeployer deployer =
                        new ProtocolStateDeployer(web3j, Credentials.create(anvil.privateKey(0)), CHAIN_ID);
                ProtocolStateDeployment d = deployer.deploy(
                        new DataMarketConfig(market, 10, 120, 1_000_000, anvil.address(1), sequencers),
                        1,
                        List.of(anvil.address(1)));
                PowerloomProtocolState asManager = ProtocolStateDeployer.load(
                        d.contractAddress(), web3j, Credentials.create(anvil.privateKey(1)), CHAIN_ID);
                int epochs = Math.max(1, batches / 20);
                for (int e = 0; e < epochs; e++) {
                    asManager
                            .releaseEpoch(market, BigInteger.valueOf(1 + 10L * e), BigInteger.valueOf(10 + 10L * e))
                            .send();
                }
                CommitClientConfig.Builder b = CommitClientConfig.builder(anvil.rpcUrl(), d.contractAddress())
                        .maxConcurrentCommits(concurrency)
                        .receiptPollInterval(Duration.ofMillis(100));
                for (int i = 0; i < signers; i++) {
                    b.signerKeyEnvVar("BENCH_SIGNER_" + i);
                }
                List<BatchCommit> work = new ArrayList<>();
                for (int i = 0; i < batches + paced; i++) {
                    List<String> pids = new ArrayList<>();
                    List<String> cids = new ArrayList<>();
                    for (int p = 0; p < projects; p++) {
                        pids.add("aggregate_pairContract_24h_trade_volume:0x" + Integer.toHexString(i) + ":" + p);
                        cids.add("bafkreibenchmark" + i + "x" + p);
                    }
                    work.add(new BatchCommit(market, "bafybench" + i, 1 + i % epochs, pids, cids, new byte[32]));
                }
                try (BatchCommitClient client = BatchCommitClient.create(b.build(), env::get)) {
                    // warm-up: nonces, connections, JIT
                    client.submitBatch(new BatchCommit(
                                    market, "bafywarm", 1, List.of("warm"), List.of("bafkreiwarm"), new byte[32]))
                            .get(60, TimeUnit.SECONDS);
                    long t0 = System.nanoTime();
                    List<CompletableFuture<CommitResult>> futures = work.subList(0, batches).stream()
                            .map(client::submitBatch)
                            .toList();
                    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                            .get(15, TimeUnit.MINUTES);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    List<Long> latencies = new ArrayList<>();
                    for (CompletableFuture<CommitResult> f : futures) {
                        CommitResult r = f.get();
                        assertThat(r.status()).isEqualTo(Status.COMMITTED);
                        latencies.add(r.callToReceipt().toMillis());
                    }
                    latencies.sort(Long::compare);
                    String line = String.format(
                            "%s: %d batches x %d projects, %d signers, %d threads, %d cores: %.1f commits/s,"
                                    + " call-to-receipt p50 %d ms, p99 %d ms, max %d ms (all %d submitted at once)",
                            mode,
                            batches,
                            projects,
                            signers,
                            concurrency,
                            Runtime.getRuntime().availableProcessors(),
                            batches / seconds,
                            pct(latencies, 50),
                            pct(latencies, 99),
                            latencies.get(latencies.size() - 1),
                            batches);
                    // latency below saturation: the rest submitted at a steady rate
                    List<CompletableFuture<CommitResult>> steady = new ArrayList<>();
                    long pace = 1_000_000_000L / rate;
                    long next = System.nanoTime();
                    for (BatchCommit c : work.subList(batches, batches + paced)) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        steady.add(client.submitBatch(c));
                        next += pace;
                    }
                    CompletableFuture.allOf(steady.toArray(CompletableFuture[]::new))
                            .get(15, TimeUnit.MINUTES);
                    List<Long> steadyLatencies = new ArrayList<>();
                    for (CompletableFuture<CommitResult> f : steady) {
                        assertThat(f.get().status()).isEqualTo(Status.COMMITTED);
                        steadyLatencies.add(f.get().callToReceipt().toMillis());
                    }
                    steadyLatencies.sort(Long::compare);
                    line += String.format(
                            "%n%s: %d batches x %d projects submitted at %d/s: call-to-receipt p50 %d ms,"
                                    + " p99 %d ms",
                            mode, paced, projects, rate, pct(steadyLatencies, 50), pct(steadyLatencies, 99));
                    System.out.println(line);
                    Files.writeString(
                            Path.of("target", "commit-benchmark.txt"),
                            line + System.lineSeparator(),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                }
            } finally {
                web3j.shutdown();
            }
        }
    }

    private static long pct(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
