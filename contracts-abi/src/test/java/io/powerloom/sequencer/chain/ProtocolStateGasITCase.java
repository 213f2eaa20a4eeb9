package io.powerloom.sequencer.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.chain.testenv.TestChain;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.infra.anvil.Anvil;
import io.powerloom.sequencer.infra.anvil.AnvilExtension;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Measures the gas of the protocol-state transactions on a real Anvil and checks that a batch of the size
 * seen in production (50 projects, SPEC section 8) fits the deployer's gas limit with a wide margin. The figures
 * are printed for sizing the commit client's gas limit.
 */
class ProtocolStateGasITCase {
    private static final long CHAIN_ID = 31337;

    @RegisterExtension
    static final AnvilExtension CHAIN = new AnvilExtension(Anvil.builder().chainId(CHAIN_ID));

    @Test
    void gasOfDeploymentEpochsAndBatches() throws Exception {
        Anvil anvil = CHAIN.anvil();
        TestChain chain = new TestChain(anvil);
        Web3j web3j = chain.web3j();
        try {
            Credentials owner = chain.owner();
            Credentials sequencer = chain.account(1);
            String dm = "0x00000000000000000000000000000000000d4a7a";
            ProtocolStateDeployer deployer = chain.deployer();
            ProtocolStateDeployment d = deployer.deploy(
                    new DataMarketConfig(dm, 10, 120, 1000, owner.getAddress(), List.of(sequencer.getAddress())),
                    1,
                    List.of(anvil.address(2)));
            PowerloomProtocolState asSequencer =
                    ProtocolStateDeployer.load(d.contractAddress(), web3j, sequencer, CHAIN_ID);

            long deployGas = d.contract()
                    .getTransactionReceipt()
                    .orElseThrow()
                    .getGasUsed()
                    .longValueExact();
            long releaseGas = d.contract()
                    .releaseEpoch(dm, BigInteger.ONE, BigInteger.TEN)
                    .send()
                    .getGasUsed()
                    .longValueExact();

            StringBuilder report = new StringBuilder();
            report.append(String.format("deploy: %,d gas; releaseEpoch: %,d gas%n", deployGas, releaseGas));
            long previous = 0;
            int batchNo = 0;
            for (int projects : new int[] {1, 10, 50}) {
                List<String> ids = new ArrayList<>();
                List<String> cids = new ArrayList<>();
                for (int i = 0; i < projects; i++) {
                    // realistic lengths: project IDs ~60 chars, CIDv1 base32 59 chars
                    ids.add(String.format(
                            "aggregate_pairContract_24h_trade_volume:0x%040x:UNISWAPV2", batchNo * 1000 + i));
                    cids.add(String.format("bafkrei%052d", batchNo * 1000 + i));
                }
                TransactionReceipt r = asSequencer
                        .submitSubmissionBatch(
                                dm,
                                String.format("bafkrei%052d", 900 + batchNo),
                                BigInteger.ONE,
                                ids,
                                cids,
                                new byte[32])
                        .send();
                assertThat(r.isStatusOK()).isTrue();
                long gas = r.getGasUsed().longValueExact();
                assertThat(gas).isGreaterThan(previous);
                previous = gas;
                report.append(String.format(
                        "submitSubmissionBatch with %d projects: %,d gas (%,d per project)%n",
                        projects, gas, gas / projects));
                if (projects == 50) {
                    assertThat(BigInteger.valueOf(gas).multiply(BigInteger.TWO))
                            .as("a 50-project batch fits the gas limit twice over")
                            .isLessThan(ProtocolStateDeployer.GAS_LIMIT);
                }
                batchNo++;
            }
            long endGas = asSequencer
                    .endBatchSubmissions(dm, BigInteger.ONE)
                    .send()
                    .getGasUsed()
                    .longValueExact();
            report.append(String.format("endBatchSubmissions: %,d gas%n", endGas));

            // accounting: chunks of 50 slots (production's chunk size), periodic then, on the next day, final
            deployer.setDailySnapshotQuota(d.contract(), dm, 10);
            List<BigInteger> slots = new ArrayList<>();
            List<BigInteger> counts = new ArrayList<>();
            for (int i = 1; i <= 50; i++) {
                slots.add(BigInteger.valueOf(i));
                counts.add(BigInteger.valueOf(10 + i));
            }
            long periodicGas = asSequencer
                    .updateSubmissionCounts(dm, slots, counts, BigInteger.ONE)
                    .send()
                    .getGasUsed()
                    .longValueExact();
            d.contract().updateDaySize(dm, BigInteger.valueOf(120_000L * 10)).send(); // a day of one epoch...
            d.contract()
                    .updateDaySize(dm, BigInteger.valueOf(2 * 120_000L * 10))
                    .send(); // ...of two: epoch 3 starts day 2
            d.contract()
                    .releaseEpoch(dm, BigInteger.valueOf(11), BigInteger.valueOf(20))
                    .send();
            TransactionReceipt dayStart = d.contract()
                    .releaseEpoch(dm, BigInteger.valueOf(21), BigInteger.valueOf(30))
                    .send();
            assertThat(PowerloomProtocolState.getDayStartedEventEvents(dayStart))
                    .hasSize(1);
            long eligibleGas = asSequencer
                    .updateEligibleNodesForDay(dm, BigInteger.ONE, BigInteger.valueOf(50))
                    .send()
                    .getGasUsed()
                    .longValueExact();
            TransactionReceipt fin = asSequencer
                    .updateEligibleSubmissionCountsForDay(dm, slots, counts, BigInteger.ONE)
                    .send();
            assertThat(PowerloomProtocolState.getDailyTaskCompletedEventEvents(fin))
                    .hasSize(50);
            long finalGas = fin.getGasUsed().longValueExact();
            report.append(String.format(
                    "releaseEpoch starting a day: %,d gas; updateSubmissionCounts, 50 slots: %,d gas; "
                            + "updateEligibleNodesForDay: %,d gas; updateEligibleSubmissionCountsForDay, 50 slots: %,d gas%n",
                    dayStart.getGasUsed().longValueExact(), periodicGas, eligibleGas, finalGas));
            assertThat(BigInteger.valueOf(finalGas).multiply(BigInteger.TWO))
                    .as("50 final counts fit the gas limit twice over")
                    .isLessThan(ProtocolStateDeployer.GAS_LIMIT);
            System.out.print(report);
            assertThat(deployGas).isLessThan(ProtocolStateDeployer.GAS_LIMIT.longValueExact());
        } finally {
            web3j.shutdown();
        }
    }
}
