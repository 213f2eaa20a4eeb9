package io.powerloom.sequencer.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.chain.testenv.TestChain;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.contracts.PowerloomProtocolState.EpochReleasedEventResponse;
import io.powerloom.sequencer.infra.anvil.Anvil;
import io.powerloom.sequencer.infra.anvil.AnvilExtension;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * A reorg of an {@code EpochReleased} event made with Anvil's snapshot/revert: the pattern a chain watcher test
 * uses. The event seen at height H disappears and a different release takes its place at the same height.
 */
class ProtocolStateReorgITCase {
    private static final long CHAIN_ID = 31337;

    @RegisterExtension
    static final AnvilExtension CHAIN = new AnvilExtension(Anvil.builder().chainId(CHAIN_ID));

    @Test
    void releasedEpochIsReplacedAfterARevert() throws Exception {
        Anvil anvil = CHAIN.anvil();
        TestChain chain = new TestChain(anvil);
        Web3j web3j = chain.web3j();
        try {
            Credentials owner = chain.owner();
            String dm = "0x00000000000000000000000000000000000000aa";
            ProtocolStateDeployment d = chain.deployer()
                    .deploy(
                            new DataMarketConfig(dm, 10, 120, 50, owner.getAddress(), List.of(owner.getAddress())),
                            1,
                            List.of());
            PowerloomProtocolState contract = d.contract();

            String beforeRelease = anvil.snapshot();
            TransactionReceipt first =
                    contract.releaseEpoch(dm, BigInteger.ONE, BigInteger.TEN).send();
            BigInteger height = first.getBlockNumber();
            assertThat(epochLogs(web3j, d.contractAddress(), height)).hasSize(1);

            assertThat(anvil.revert(beforeRelease)).isTrue();
            assertThat(anvil.blockNumber()).isEqualTo(height.longValueExact() - 1);
            assertThat(web3j.ethGetTransactionReceipt(first.getTransactionHash())
                            .send()
                            .getTransactionReceipt())
                    .as("the first release is gone")
                    .isEmpty();
            assertThat(contract.currentEpoch(dm).send().component3()).isZero();

            TransactionReceipt second = contract.releaseEpoch(dm, BigInteger.valueOf(101), BigInteger.valueOf(110))
                    .send();
            assertThat(second.getBlockNumber()).isEqualTo(height);
            assertThat(second.getBlockHash()).isNotEqualTo(first.getBlockHash());
            List<EpochReleasedEventResponse> events = PowerloomProtocolState.getEpochReleasedEvents(second);
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.epochId).isEqualTo(BigInteger.ONE);
                assertThat(e.begin).isEqualTo(BigInteger.valueOf(101));
            });
            List<EthLog.LogResult> logs = epochLogs(web3j, d.contractAddress(), height);
            assertThat(logs).hasSize(1);
            assertThat(((EthLog.LogObject) logs.get(0)).getBlockHash()).isEqualTo(second.getBlockHash());
        } finally {
            web3j.shutdown();
        }
    }

    @SuppressWarnings("rawtypes")
    private static List<EthLog.LogResult> epochLogs(Web3j web3j, String contract, BigInteger block) throws Exception {
        EthFilter filter =
                new EthFilter(DefaultBlockParameter.valueOf(block), DefaultBlockParameter.valueOf(block), contract);
        filter.addSingleTopic(org.web3j.abi.EventEncoder.encode(PowerloomProtocolState.EPOCHRELEASED_EVENT));
        return web3j.ethGetLogs(filter).send().getLogs();
    }
}
