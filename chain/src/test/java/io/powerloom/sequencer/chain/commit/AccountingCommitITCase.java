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
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * The commit client's accounting calls (SPEC §10) against a real Anvil: periodic and final counts and the eligible-node
 * count are sent once; sending the same again (another client, as after a restart or in a replay) sends no
 * transaction; a periodic update never moves a count back; E38 fails without retrying.
 */
class AccountingCommitITCase {
    private static final long CHAIN_ID = 11171;

    @RegisterExtension
    static final AnvilExtension CHAIN =
            new AnvilExtension(Anvil.builder().chainId(CHAIN_ID).accounts(6));

    private static Web3j web3j;
    private static ProtocolStateDeployment deployment;
    private static PowerloomProtocolState asEpochManager;
    private static String sequencer;
    private static String market;

    @BeforeAll
    static void deploy() throws Exception {
        Anvil anvil = CHAIN.anvil();
        TestChain chain = new TestChain(anvil);
        web3j = chain.web3j();
        ProtocolStateDeployer deployer = chain.deployer();
        sequencer = anvil.address(2);
        DataMarketConfig m = new DataMarketConfig(
                "0x00000000000000000000000000000000000000a1", 10, 120, 1000, anvil.address(1), List.of(sequencer));
        deployment = deployer.deploy(m, 1, List.of(anvil.address(3), anvil.address(4), anvil.address(5)));
        market = m.dataMarket();
        deployer.setEpochsInADay(deployment.contract(), m, 2);
        deployer.setDailySnapshotQuota(deployment.contract(), market, 3);
        asEpochManager = chain.contractAs(deployment.contractAddress(), 1);
        release(1);
    }

    @AfterAll
    static void close() {
        web3j.shutdown();
    }

    private static void release(long n) throws Exception {
        assertThat(TestChain.releaseEpoch(asEpochManager, market, n, 10).isStatusOK())
                .isTrue();
    }

    private static BatchCommitClient client() {
        return BatchCommitClient.create(
                CommitClientConfig.builder(CHAIN.anvil().rpcUrl(), deployment.contractAddress())
                        .signerKeyEnvVar("SEQ")
                        .receiptPollInterval(Duration.ofMillis(50))
                        .build(),
                Map.of("SEQ", CHAIN.anvil().privateKey(2))::get);
    }

    private static CommitResult get(java.util.concurrent.CompletableFuture<CommitResult> f) throws Exception {
        return f.get(60, TimeUnit.SECONDS);
    }

    private static long nonce() throws Exception {
        return web3j.ethGetTransactionCount(sequencer, DefaultBlockParameterName.LATEST)
                .send()
                .getTransactionCount()
                .longValueExact();
    }

    private static long onChain(long slot, long day) throws Exception {
        return deployment
                .contract()
                .slotSubmissionCount(market, BigInteger.valueOf(slot), BigInteger.valueOf(day))
                .send()
                .longValueExact();
    }

    @Test
    void countsAndEligibleNodesAreSentOnceAcrossClients() throws Exception {
        CountUpdate periodic =
                new CountUpdate(market, 1, CountUpdate.Kind.PERIODIC, new long[] {1, 2, 3}, new long[] {2, 1, 3});
        try (BatchCommitClient first = client()) {
            CommitResult r = get(first.updateSubmissionCounts(periodic));
            assertThat(r.status()).isEqualTo(Status.COMMITTED);
            assertThat(r.txHash()).isNotNull();
            assertThat(onChain(1, 1)).isEqualTo(2);
            assertThat(onChain(3, 1)).isEqualTo(3);
        }
        long before = nonce();
        try (BatchCommitClient second = client()) {
            assertThat(get(second.updateSubmissionCounts(periodic)).status()).isEqualTo(Status.ALREADY_DONE);
            // an older, lower count (a replay of an earlier update) does not move the chain back
            CountUpdate older =
                    new CountUpdate(market, 1, CountUpdate.Kind.PERIODIC, new long[] {1, 3}, new long[] {1, 2});
            assertThat(get(second.updateSubmissionCounts(older)).status()).isEqualTo(Status.ALREADY_DONE);
        }
        assertThat(nonce()).as("no transaction for work already on chain").isEqualTo(before);
        assertThat(onChain(1, 1)).isEqualTo(2);

        release(2);
        release(3); // day 2: day 1 takes its final counts
        CountUpdate fin = new CountUpdate(market, 1, CountUpdate.Kind.FINAL, new long[] {1, 3}, new long[] {4, 3});
        try (BatchCommitClient first = client()) {
            assertThat(get(first.updateEligibleNodesForDay(market, 1, 2)).status())
                    .isEqualTo(Status.COMMITTED);
            CommitResult r = get(first.updateSubmissionCounts(fin));
            assertThat(r.status()).isEqualTo(Status.COMMITTED);
            assertThat(r.blockNumber()).isPositive();
        }
        assertThat(deployment
                        .contract()
                        .eligibleNodesForDay(market, BigInteger.ONE)
                        .send())
                .isEqualTo(BigInteger.TWO);
        assertThat(deployment
                        .contract()
                        .slotRewardedForDay(market, BigInteger.ONE, BigInteger.ONE)
                        .send())
                .isTrue();
        assertThat(onChain(1, 1)).isEqualTo(4);
        before = nonce();
        try (BatchCommitClient second = client()) {
            assertThat(get(second.updateEligibleNodesForDay(market, 1, 2)).status())
                    .isEqualTo(Status.ALREADY_DONE);
            assertThat(get(second.updateSubmissionCounts(fin)).status()).isEqualTo(Status.ALREADY_DONE);
            long[] read = second.readSlotCounts(market, 1, new long[] {1, 2, 3});
            assertThat(read).containsExactly(4, 1, 3, 1, 0, 1);
        }
        assertThat(nonce()).as("the final counts are sent once").isEqualTo(before);
    }

    @Test
    void aDayTheContractNoLongerAcceptsFailsWithoutRetry() throws Exception {
        CountUpdate future = new CountUpdate(market, 40, CountUpdate.Kind.PERIODIC, new long[] {2}, new long[] {9});
        try (BatchCommitClient c = client()) {
            try {
                get(c.updateSubmissionCounts(future));
                throw new AssertionError("expected E38");
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(CommitException.class);
                CommitException ce = (CommitException) e.getCause();
                assertThat(ce.reason()).isEqualTo(CommitException.Reason.DAY_NOT_OPEN);
                assertThat(ce.isRetryable()).isFalse();
            }
        }
    }
}
