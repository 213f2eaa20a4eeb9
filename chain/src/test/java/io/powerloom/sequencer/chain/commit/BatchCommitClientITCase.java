package io.powerloom.sequencer.chain.commit;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.chain.DataMarketConfig;
import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.chain.ProtocolStateDeployment;
import io.powerloom.sequencer.chain.commit.CommitResult.Status;
import io.powerloom.sequencer.chain.testenv.TestChain;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.anvil.Anvil;
import io.powerloom.sequencer.infra.anvil.AnvilExtension;
import io.powerloom.sequencer.infra.anvil.AnvilRpc;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.Transaction;

/**
 * {@link BatchCommitClient} against a real Anvil with PowerloomProtocolState deployed: concurrency over four signers
 * with gap-free nonces, idempotency across client instances, the contract's revert codes, delayed batches, fee bumps
 * of a stuck transaction, and an RPC outage of 10 s behind a TCP proxy.
 *
 * <p>Each test uses its own data market (the contract keys markets by address).
 */
class BatchCommitClientITCase {
    private static final long CHAIN_ID = 11169;

    @RegisterExtension
    static final AnvilExtension CHAIN =
            new AnvilExtension(Anvil.builder().chainId(CHAIN_ID).accounts(8));

    private static final AtomicInteger MARKETS = new AtomicInteger(0x100);

    private static Web3j web3j;
    private static ProtocolStateDeployer deployer;
    private static ProtocolStateDeployment deployment;
    private static PowerloomProtocolState asEpochManager;
    private static List<String> sequencers;
    private static Map<String, String> env;
    private static Path keyDir;

    @BeforeAll
    static void deploy() throws Exception {
        Anvil anvil = CHAIN.anvil();
        TestChain chain = new TestChain(anvil);
        web3j = chain.web3j();
        deployer = chain.deployer();
        sequencers = List.of(anvil.address(2), anvil.address(3), anvil.address(4), anvil.address(5));
        deployment = deployer.deploy(market(1000), 1, List.of(anvil.address(7)));
        asEpochManager = chain.contractAs(deployment.contractAddress(), 1);
        keyDir = Files.createTempDirectory("signer-keys");
        Files.writeString(keyDir.resolve("signer-a.key"), anvil.privateKey(2) + "\n");
        Files.writeString(keyDir.resolve("signer-b.key"), anvil.privateKey(3).substring(2));
        env = Map.of("SIGNER_C", anvil.privateKey(4), "SIGNER_D", anvil.privateKey(5), "STRANGER", anvil.privateKey(6));
    }

    @AfterAll
    static void close() {
        web3j.shutdown();
    }

    private static DataMarketConfig market(long batchWindow) {
        String address = String.format("0x%040x", MARKETS.incrementAndGet());
        return new DataMarketConfig(address, 10, 120, batchWindow, CHAIN.anvil().address(1), sequencers);
    }

    /** A fresh market with {@code epochs} released epochs (ids 1..epochs). */
    private static String newMarket(long batchWindow, int epochs) throws Exception {
        DataMarketConfig m = market(batchWindow);
        deployer.createDataMarket(deployment.contract(), m);
        for (int e = 0; e < epochs; e++) {
            assertThat(TestChain.releaseEpoch(asEpochManager, m.dataMarket(), e + 1, 10)
                            .isStatusOK())
                    .isTrue();
        }
        return m.dataMarket();
    }

    private static CommitClientConfig.Builder config(String rpcUrl) {
        return CommitClientConfig.builder(rpcUrl, deployment.contractAddress())
                .signerKeyFile(keyDir.resolve("signer-a.key").toString())
                .signerKeyFile(keyDir.resolve("signer-b.key").toString())
                .signerKeyEnvVar("SIGNER_C")
                .signerKeyEnvVar("SIGNER_D")
                .receiptPollInterval(Duration.ofMillis(50))
                .rpcRetryInitialBackoff(Duration.ofMillis(100))
                .rpcRetryMaxBackoff(Duration.ofSeconds(1));
    }

    private static BatchCommit batch(String market, long epoch, String name, int projects) {
        List<String> pids = new ArrayList<>();
        List<String> cids = new ArrayList<>();
        for (int i = 0; i < projects; i++) {
            pids.add("aggregate_volume:0x" + name + ":p" + i);
            cids.add("bafkrei" + name + "x" + i);
        }
        byte[] root = new byte[32];
        Arrays.fill(root, (byte) name.hashCode());
        return new BatchCommit(market, "bafybatch" + name, epoch, pids, cids, root);
    }

    private static String onChainCid(String market, String projectId, long epoch) throws Exception {
        return deployment
                .contract()
                .maxSnapshotsCid(market, projectId, BigInteger.valueOf(epoch))
                .send();
    }

    private static long nonce(String address) throws Exception {
        return web3j.ethGetTransactionCount(address, DefaultBlockParameterName.LATEST)
                .send()
                .getTransactionCount()
                .longValueExact();
    }

    private static long blockNumber() throws Exception {
        return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    }

    private static CommitException failure(CompletableFuture<CommitResult> f) throws Exception {
        try {
            f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(CommitException.class);
            return (CommitException) e.getCause();
        }
        throw new AssertionError("expected a CommitException, got " + f.get());
    }

    @Test
    void hundredBatchesFromFourSignersAllMineWithGapFreeNonces() throws Exception {
        String market = newMarket(10_000, 10);
        Map<String, Long> nonceBefore = new HashMap<>();
        for (String s : sequencers) {
            nonceBefore.put(s.toLowerCase(), nonce(s));
        }
        long firstBlock = blockNumber() + 1;
        List<BatchCommit> batches = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batches.add(batch(market, 1 + i % 10, "c" + i, 2));
        }
        try (BatchCommitClient client =
                BatchCommitClient.create(config(CHAIN.anvil().rpcUrl()).build(), env::get)) {
            long t0 = System.nanoTime();
            List<CompletableFuture<CommitResult>> futures =
                    batches.stream().map(client::submitBatch).toList();
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    "100 batches from 4 signers (automine): %.2f s, %.1f commits/s%n", seconds, 100 / seconds);

            for (CompletableFuture<CommitResult> f : futures) {
                CommitResult r = f.get();
                assertThat(r.status()).isEqualTo(Status.COMMITTED);
                assertThat(r.txHash()).startsWith("0x");
                assertThat(r.blockNumber()).isGreaterThanOrEqualTo(firstBlock);
            }
            for (BatchCommit b : batches) {
                for (int i = 0; i < b.projectIds().size(); i++) {
                    assertThat(onChainCid(market, b.projectIds().get(i), b.epochId()))
                            .isEqualTo(b.snapshotCids().get(i));
                }
            }
            // every transaction the four signers sent since the start: nonces consecutive from the old count
            Map<String, TreeSet<Long>> noncesSeen = new TreeMap<>();
            long lastBlock = blockNumber();
            for (long n = firstBlock; n <= lastBlock; n++) {
                EthBlock.Block block = web3j.ethGetBlockByNumber(
                                DefaultBlockParameter.valueOf(BigInteger.valueOf(n)), true)
                        .send()
                        .getBlock();
                for (EthBlock.TransactionResult<?> tr : block.getTransactions()) {
                    Transaction tx = (Transaction) tr.get();
                    if (nonceBefore.containsKey(tx.getFrom().toLowerCase())) {
                        assertThat(noncesSeen
                                        .computeIfAbsent(tx.getFrom().toLowerCase(), k -> new TreeSet<>())
                                        .add(tx.getNonce().longValueExact()))
                                .as("nonce used twice")
                                .isTrue();
                    }
                }
            }
            int total = 0;
            for (String s : nonceBefore.keySet()) {
                TreeSet<Long> seen = noncesSeen.getOrDefault(s, new TreeSet<>());
                long before = nonceBefore.get(s);
                assertThat(seen).as("signer %s used", s).isNotEmpty();
                assertThat(seen.first()).isEqualTo(before);
                assertThat(seen.last()).isEqualTo(before + seen.size() - 1); // no gap
                assertThat(nonce(s)).isEqualTo(before + seen.size());
                total += seen.size();
            }
            assertThat(total).isEqualTo(100); // one transaction per batch, nothing else
            assertThat(client.metrics().committed()).isEqualTo(100);
        }
    }

    @Test
    void committingAgainChangesNothingOnChainAcrossClients() throws Exception {
        String market = newMarket(10_000, 1);
        BatchCommit b = batch(market, 1, "again", 3);
        CommitResult first;
        try (BatchCommitClient client =
                BatchCommitClient.create(config(CHAIN.anvil().rpcUrl()).build(), env::get)) {
            first = client.submitBatch(b).get(60, TimeUnit.SECONDS);
        }
        assertThat(first.status()).isEqualTo(Status.COMMITTED);
        assertThat(first.attempts()).isEqualTo(1);

        Map<String, Long> nonces = new HashMap<>();
        for (String s : sequencers) {
            nonces.put(s, nonce(s));
        }
        long block = blockNumber();
        // a new client (a restarted task) commits the same batch again, twice at once
        try (BatchCommitClient client =
                BatchCommitClient.create(config(CHAIN.anvil().rpcUrl()).build(), env::get)) {
            CompletableFuture<CommitResult> again1 = client.submitBatch(b);
            CompletableFuture<CommitResult> again2 = client.submitBatch(b);
            for (CommitResult r : List.of(again1.get(60, TimeUnit.SECONDS), again2.get(60, TimeUnit.SECONDS))) {
                assertThat(r.status()).isEqualTo(Status.ALREADY_DONE);
                assertThat(r.txHash()).isNull();
                assertThat(r.attempts()).isZero();
            }
            assertThat(client.metrics().transactionsSent()).isZero();
        }
        assertThat(blockNumber()).isEqualTo(block);
        for (String s : sequencers) {
            assertThat(nonce(s)).isEqualTo(nonces.get(s));
        }
        assertThat(deployment
                        .contract()
                        .epochIdToBatchCids(market, BigInteger.ONE)
                        .send())
                .containsExactly(b.batchCid());
    }

    @Test
    void revertCodesAreRecognised() throws Exception {
        String market = newMarket(10_000, 1);
        try (BatchCommitClient client =
                BatchCommitClient.create(config(CHAIN.anvil().rpcUrl()).build(), env::get)) {
            BatchCommit ok = batch(market, 1, "codes", 2);
            assertThat(client.submitBatch(ok).get(60, TimeUnit.SECONDS).status())
                    .isEqualTo(Status.COMMITTED);

            // E25: one project of this other batch already has a snapshot for the epoch
            BatchCommit clash = new BatchCommit(
                    market,
                    "bafyother",
                    1,
                    List.of(ok.projectIds().get(0), "fresh"),
                    List.of("bafkreidifferent", "bafkreifresh"),
                    new byte[32]);
            CommitResult r = client.submitBatch(clash).get(60, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(Status.ALREADY_DONE);
            assertThat(r.txHash()).isNull();

            CommitException e23 = failure(client.submitBatch(
                    new BatchCommit(market, "bafy23", 1, List.of("a", "b"), List.of("x"), new byte[32])));
            assertThat(e23.reason()).isEqualTo(CommitException.Reason.LENGTH_MISMATCH);
            assertThat(e23.isRetryable()).isFalse();

            CommitException e24 = failure(
                    client.submitBatch(new BatchCommit(market, "bafy24", 1, List.of(), List.of(), new byte[32])));
            assertThat(e24.reason()).isEqualTo(CommitException.Reason.EMPTY_BATCH);

            CommitException bad = failure(client.submitBatch(
                    new BatchCommit(market, "bafybad", 1, List.of("a"), List.of("x"), new byte[31])));
            assertThat(bad.reason()).isEqualTo(CommitException.Reason.INVALID_INPUT);

            // endBatchSubmissions: committed once, then already done; a batch after it is E43 = already done
            CommitResult end = client.endBatchSubmissions(market, 1).get(60, TimeUnit.SECONDS);
            assertThat(end.status()).isEqualTo(Status.COMMITTED);
            assertThat(deployment
                            .contract()
                            .batchSubmissionsCompleted(market, BigInteger.ONE)
                            .send())
                    .isTrue();
            CommitResult endAgain = client.endBatchSubmissions(market, 1).get(60, TimeUnit.SECONDS);
            assertThat(endAgain.status()).isEqualTo(Status.ALREADY_DONE);
            assertThat(endAgain.txHash()).isNull();
            CommitResult late =
                    client.submitBatch(batch(market, 1, "afterend", 1)).get(60, TimeUnit.SECONDS);
            assertThat(late.status()).isEqualTo(Status.ALREADY_DONE);
        }
        CommitClientConfig strangerConfig = CommitClientConfig.builder(
                        CHAIN.anvil().rpcUrl(), deployment.contractAddress())
                .signerKeyEnvVar("STRANGER")
                .build();
        try (BatchCommitClient stranger = BatchCommitClient.create(strangerConfig, env::get)) {
            CommitException e04 = failure(stranger.submitBatch(batch(market, 1, "stranger", 1)));
            assertThat(e04.reason()).isEqualTo(CommitException.Reason.NOT_SEQUENCER);
            assertThat(e04.reason().code()).isEqualTo("E04");
            assertThat(e04.isRetryable()).isFalse();
        }
    }

    @Test
    void withoutGasEstimatesBatchesCommitAndRevertsStillTellTheirReason() throws Exception {
        String market = newMarket(10_000, 1);
        try (BatchCommitClient client = BatchCommitClient.create(
                config(CHAIN.anvil().rpcUrl()).gasPerProject(120_000).build(), env::get)) {
            BatchCommit ok = batch(market, 1, "noestimate", 40);
            CommitResult r = client.submitBatch(ok).get(60, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(Status.COMMITTED);
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(onChainCid(market, ok.projectIds().get(39), 1))
                    .isEqualTo(ok.snapshotCids().get(39));
            long gasUsed = web3j.ethGetTransactionReceipt(r.txHash())
                    .send()
                    .getTransactionReceipt()
                    .orElseThrow()
                    .getGasUsed()
                    .longValueExact();
            assertThat(gasUsed).isLessThan(CommitClientConfig.BATCH_BASE_GAS + 120_000L * 40);

            // sent without an estimate, this batch reverts on chain (E25); the estimate that follows names the reason
            BatchCommit clash = new BatchCommit(
                    market,
                    "bafyclash",
                    1,
                    List.of(ok.projectIds().get(0), "fresh"),
                    List.of("bafkreidifferent", "bafkreifresh"),
                    new byte[32]);
            CommitResult again = client.submitBatch(clash).get(60, TimeUnit.SECONDS);
            assertThat(again.status()).isEqualTo(Status.ALREADY_DONE);
            assertThat(onChainCid(market, "fresh", 1)).isEmpty();
        }
    }

    @Test
    void afterOneBatchHasMinedLaterOnesNeedNoEstimateAndRevertsStillTellTheirReason() throws Exception {
        String market = newMarket(10_000, 1);
        try (BatchCommitClient client =
                BatchCommitClient.create(config(CHAIN.anvil().rpcUrl()).build(), env::get)) {
            BatchCommit first = batch(market, 1, "learn1", 40);
            assertThat(client.submitBatch(first).get(60, TimeUnit.SECONDS).status())
                    .isEqualTo(Status.COMMITTED);
            assertThat(client.metrics().gasEstimates()).isEqualTo(1);
            assertThat(client.metrics().gasLearned()).isZero();

            // twice the projects: the learned limit grows with the calldata, and the batch mines at the first attempt
            BatchCommit second = batch(market, 1, "learn2", 80);
            CommitResult r = client.submitBatch(second).get(60, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(Status.COMMITTED);
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(client.metrics().gasEstimates()).isEqualTo(1);
            assertThat(client.metrics().gasLearned()).isEqualTo(1);
            long limit = web3j.ethGetTransactionByHash(r.txHash())
                    .send()
                    .getTransaction()
                    .orElseThrow()
                    .getGas()
                    .longValueExact();
            long used = web3j.ethGetTransactionReceipt(r.txHash())
                    .send()
                    .getTransactionReceipt()
                    .orElseThrow()
                    .getGasUsed()
                    .longValueExact();
            assertThat(limit).isGreaterThan(used).isLessThan(2 * used);
            assertThat(onChainCid(market, second.projectIds().get(79), 1))
                    .isEqualTo(second.snapshotCids().get(79));

            // sent with a learned limit, this batch reverts on chain (E25); the estimate that follows names the reason
            BatchCommit clash = new BatchCommit(
                    market,
                    "bafyclash-learned",
                    1,
                    List.of(first.projectIds().get(0), "fresh-learned"),
                    List.of("bafkreidifferent", "bafkreifresh"),
                    new byte[32]);
            assertThat(client.submitBatch(clash).get(60, TimeUnit.SECONDS).status())
                    .isEqualTo(Status.ALREADY_DONE);
            assertThat(client.metrics().gasLearned()).isEqualTo(2);
            assertThat(client.metrics().gasEstimates()).isEqualTo(2);
            assertThat(onChainCid(market, "fresh-learned", 1)).isEmpty();
        }
        // learn-gas off: every batch is estimated first, as production does
        try (BatchCommitClient client = BatchCommitClient.create(
                config(CHAIN.anvil().rpcUrl()).learnGas(false).build(), env::get)) {
            for (String name : List.of("est1", "est2")) {
                assertThat(client.submitBatch(batch(market, 1, name, 5))
                                .get(60, TimeUnit.SECONDS)
                                .status())
                        .isEqualTo(Status.COMMITTED);
            }
            assertThat(client.metrics().gasEstimates()).isEqualTo(2);
            assertThat(client.metrics().gasLearned()).isZero();
        }
    }

    /**
     * After a start, the first batches need not wait for one to mine: the first estimate teaches the gas model as a
     * receipt does, so a batch sent while the first is still unmined takes the learned limit instead of making the node
     * execute it once more.
     */
    @Test
    void aBatchSentBeforeTheFirstHasMinedLearnsFromTheFirstsEstimate() throws Exception {
        String market = newMarket(10_000, 1);
        Anvil anvil = CHAIN.anvil();
        anvil.setAutomine(false);
        try (BatchCommitClient client =
                BatchCommitClient.create(config(anvil.rpcUrl()).build(), env::get)) {
            CompletableFuture<CommitResult> first = client.submitBatch(batch(market, 1, "early1", 40));
            awaitPending(anvil, 1); // estimated and sent, not mined
            CompletableFuture<CommitResult> second = client.submitBatch(batch(market, 1, "early2", 40));
            awaitPending(anvil, 2);
            anvil.mine(1);

            assertThat(first.get(60, TimeUnit.SECONDS).status()).isEqualTo(Status.COMMITTED);
            assertThat(second.get(60, TimeUnit.SECONDS).status()).isEqualTo(Status.COMMITTED);
            assertThat(client.metrics().gasEstimates()).isEqualTo(1);
            assertThat(client.metrics().gasLearned()).isEqualTo(1);
        } finally {
            anvil.setAutomine(true);
        }
    }

    private static void awaitPending(Anvil anvil, long transactions) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (AnvilRpc.quantity(anvil.rpc().call("txpool_status").get("pending")) < transactions) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + transactions + " transactions pending after 30 s");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void batchAfterTheWindowIsDelayed() throws Exception {
        String market = newMarket(2, 1);
        CHAIN.anvil().mine(5);
        try (BatchCommitClient client =
                BatchCommitClient.create(config(CHAIN.anvil().rpcUrl()).build(), env::get)) {
            BatchCommit b = batch(market, 1, "late", 1);
            CommitResult r = client.submitBatch(b).get(60, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(Status.DELAYED);
            assertThat(r.txHash()).startsWith("0x");
            assertThat(onChainCid(market, b.projectIds().get(0), 1)).isEmpty();
        }
    }

    @Test
    void stuckTransactionIsReplacedWithHigherFeesAndMinesOnce() throws Exception {
        String market = newMarket(10_000, 1);
        BigInteger tip = BigInteger.valueOf(1_000_000_000L);
        CommitClientConfig cfg = config(CHAIN.anvil().rpcUrl())
                .priorityFeeWei(tip)
                .feeBumpPercent(20)
                .stuckAfter(Duration.ofMillis(700))
                .maxFeeBumps(3)
                .build();
        Anvil anvil = CHAIN.anvil();
        anvil.setAutomine(false);
        try (BatchCommitClient client = BatchCommitClient.create(cfg, env::get)) {
            CompletableFuture<CommitResult> f = client.submitBatch(batch(market, 1, "stuck", 1));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (client.metrics().feeBumps() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(f).isNotDone();
            assertThat(client.metrics().feeBumps()).isGreaterThanOrEqualTo(2);
            anvil.mine(1);
            CommitResult r = f.get(60, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(Status.COMMITTED);
            assertThat(r.attempts()).isGreaterThanOrEqualTo(3);
            Transaction mined = web3j.ethGetTransactionByHash(r.txHash())
                    .send()
                    .getTransaction()
                    .orElseThrow();
            // two bumps of +20%: the tip of the mined version is at least 1.44 × the first
            assertThat(mined.getMaxPriorityFeePerGas())
                    .isGreaterThanOrEqualTo(
                            tip.multiply(BigInteger.valueOf(144)).divide(BigInteger.valueOf(100)));
        } finally {
            anvil.setAutomine(true);
        }
    }

    @Test
    void rpcDownForTenSecondsDelaysCommitsButLosesNone() throws Exception {
        String market = newMarket(10_000, 2);
        try (TcpProxy proxy = new TcpProxy(CHAIN.anvil().port());
                BatchCommitClient client = BatchCommitClient.create(
                        config(proxy.url()).rpcPatience(Duration.ofSeconds(60)).build(), env::get)) {
            // warm up: the client has fetched its nonces before the outage
            assertThat(client.submitBatch(batch(market, 1, "warm", 1))
                            .get(60, TimeUnit.SECONDS)
                            .status())
                    .isEqualTo(Status.COMMITTED);
            proxy.pause();
            long t0 = System.nanoTime();
            List<BatchCommit> batches = new ArrayList<>();
            List<CompletableFuture<CommitResult>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                BatchCommit b = batch(market, 1 + i % 2, "down" + i, 1);
                batches.add(b);
                futures.add(client.submitBatch(b));
            }
            long callMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(callMs).as("submitting must not block the caller").isLessThan(1000);
            Thread.sleep(10_000);
            assertThat(futures).noneMatch(CompletableFuture::isDone);
            proxy.resume();
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            for (CompletableFuture<CommitResult> f : futures) {
                CommitResult r = f.get();
                assertThat(r.status()).isEqualTo(Status.COMMITTED);
                assertThat(r.callToReceipt()).isGreaterThan(Duration.ofSeconds(9));
            }
            for (BatchCommit b : batches) {
                assertThat(onChainCid(market, b.projectIds().get(0), b.epochId()))
                        .isEqualTo(b.snapshotCids().get(0));
            }
            assertThat(client.metrics().rpcRetries()).isPositive();
        }
    }

    @Test
    void twoClientsWithTheSameKeysStillCommitEverything() throws Exception {
        // e.g. two TaskManagers configured with the same signers: nonces collide and are resynchronised
        String market = newMarket(10_000, 2);
        List<BatchCommit> batches = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batches.add(batch(market, 1 + i % 2, "twin" + i, 1));
        }
        CommitClientConfig shared =
                config(CHAIN.anvil().rpcUrl()).stuckAfter(Duration.ofSeconds(2)).build();
        try (BatchCommitClient a = BatchCommitClient.create(shared, env::get);
                BatchCommitClient b = BatchCommitClient.create(shared, env::get)) {
            List<CompletableFuture<CommitResult>> futures = new ArrayList<>();
            for (int i = 0; i < batches.size(); i++) {
                futures.add((i % 2 == 0 ? a : b).submitBatch(batches.get(i)));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
            for (CompletableFuture<CommitResult> f : futures) {
                assertThat(f.get().status()).isEqualTo(Status.COMMITTED);
            }
            System.out.println("two clients, same keys: nonce resyncs "
                    + a.metrics().snapshot().get("nonce_resyncs") + " + "
                    + b.metrics().snapshot().get("nonce_resyncs"));
        }
        for (BatchCommit bc : batches) {
            assertThat(onChainCid(market, bc.projectIds().get(0), bc.epochId()))
                    .isEqualTo(bc.snapshotCids().get(0));
        }
    }
}
